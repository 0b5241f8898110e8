import { describe, expect, it, vi } from 'vitest';
import {
  assessRuntimeAdaptation,
  classifyPrivilegedRun,
  detectKindSupport,
  dockerProbes,
  hostRefusesSysResource,
  PROBE_IMAGE,
  type CliAnswer,
  type DockerProbes,
} from '../../../src/providers/kind/docker.js';

const NODE_IMAGE = 'kindest/node:v1.36.1';

/** Docker answers for a host where everything kind needs is in place; each test spoils one. */
function fakeProbes(overrides: Partial<DockerProbes> = {}): DockerProbes & { runPrivileged: ReturnType<typeof vi.fn> } {
  return {
    engine: async () => ({ state: 'answers', version: '20.10.24', endpoint: 'unix:///var/run/docker.sock' }),
    imagePresence: async () => ({ state: 'present' }),
    pullability: async () => ({ pullable: true }),
    localImages: async () => [NODE_IMAGE, PROBE_IMAGE],
    defaultRuntime: async () => 'runc',
    ...overrides,
    runPrivileged: vi.fn(overrides.runPrivileged ?? (async () => ({ works: true as const }))),
  };
}

const absentAndUnpullable: Partial<DockerProbes> = {
  imagePresence: async () => ({ state: 'absent' }),
  pullability: async () => ({ pullable: false, detail: 'dial tcp: lookup registry-1.docker.io: no such host' }),
  localImages: async () => ['busybox:latest', PROBE_IMAGE],
};

describe('detectKindSupport', () => {
  it('is usable when the engine answers, the node image is present and a privileged container of it runs', async () => {
    const probes = fakeProbes();
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support.usable).toBe(true);
    expect(support.reason).toContain('Docker engine 20.10.24 at unix:///var/run/docker.sock');
    expect(support.reason).toContain(`node image ${NODE_IMAGE} present locally`);
    expect(probes.runPrivileged).toHaveBeenCalledWith(NODE_IMAGE);
  });

  it('says the docker CLI is missing, and checks nothing after it', async () => {
    const probes = fakeProbes({ engine: async () => ({ state: 'no-cli', detail: '`docker` is not on PATH' }) });
    const support = await detectKindSupport(NODE_IMAGE, { probes, exhaustive: true });
    expect(support.usable).toBe(false);
    expect(support.reason).toBe('the docker CLI kind drives does not work (`docker` is not on PATH)');
    expect(support.conditions.map((c) => c.name)).toEqual(['docker CLI']);
    expect(support.fix).toContain('bash ops/docker/ensure-docker.sh');
  });

  it('says no engine is reachable, with ensure-docker.sh as the fix', async () => {
    const probes = fakeProbes({ engine: async () => ({ state: 'no-engine', detail: 'Cannot connect to the Docker daemon' }) });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support).toMatchObject({ usable: false, reason: 'no Docker engine reachable (Cannot connect to the Docker daemon)' });
    expect(support.fix).toContain('bash ops/docker/ensure-docker.sh');
    expect(probes.runPrivileged).not.toHaveBeenCalled();
  });

  it('is not usable when the node image is absent and cannot be pulled, and stops there for auto', async () => {
    const probes = fakeProbes(absentAndUnpullable);
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support.usable).toBe(false);
    expect(support.reason).toBe(
      `node image ${NODE_IMAGE} is not present locally and cannot be pulled (dial tcp: lookup registry-1.docker.io: no such host)`,
    );
    expect(support.fix).toMatch(/^build the kind images offline: \.\/lab setup --kind .*docker load -i <file> of /);
    expect(probes.runPrivileged).not.toHaveBeenCalled();
  });

  it('still probes privileged mode, with our probe image, when asked for every condition', async () => {
    const probes = fakeProbes(absentAndUnpullable);
    const support = await detectKindSupport(NODE_IMAGE, { probes, exhaustive: true });
    expect(support.usable).toBe(false);
    expect(support.conditions.map((c) => [c.name, c.ok])).toEqual([
      ['docker CLI', true],
      ['docker engine', true],
      ['node image', false],
      ['privileged containers', true],
    ]);
    expect(probes.runPrivileged).toHaveBeenCalledWith(PROBE_IMAGE);
  });

  it('accepts a pullable node image, probing privileged mode with an image already present', async () => {
    const probes = fakeProbes({ imagePresence: async () => ({ state: 'absent' }), localImages: async () => ['busybox:latest'] });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support.usable).toBe(true);
    expect(support.reason).toContain('its registry serves it');
    expect(support.reason).toContain('probed with busybox:latest');
    expect(probes.runPrivileged).toHaveBeenCalledWith('busybox:latest');
  });

  it('treats privileged support as unknown, so not usable, when no local image exists to probe with', async () => {
    const probes = fakeProbes({ imagePresence: async () => ({ state: 'absent' }), localImages: async () => [] });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support.usable).toBe(false);
    expect(support.reason).toBe(
      `privileged containers unverified: no local image to probe with (${PROBE_IMAGE} is built by bash ops/docker/ensure-docker.sh)`,
    );
    expect(probes.runPrivileged).not.toHaveBeenCalled();
  });

  it('is not usable when a privileged container fails', async () => {
    const probes = fakeProbes({
      runPrivileged: async () => ({ works: false, capsRefused: true, detail: 'unable to apply caps: the host refuses a capability' }),
    });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support.usable).toBe(false);
    expect(support.reason).toBe('privileged containers fail (unable to apply caps: the host refuses a capability)');
    expect(support.fix).toContain('bash ops/docker/ensure-docker.sh');
  });

  it('says when the node image cannot be inspected', async () => {
    const probes = fakeProbes({ imagePresence: async () => ({ state: 'unknown', detail: 'permission denied' }) });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support).toMatchObject({ usable: false, reason: `node image ${NODE_IMAGE} could not be inspected (permission denied)` });
  });

  it('never throws, even when a probe does', async () => {
    const probes = fakeProbes({ pullability: async () => Promise.reject(new Error('socket hang up')) , imagePresence: async () => ({ state: 'absent' }) });
    const support = await detectKindSupport(NODE_IMAGE, { probes });
    expect(support).toMatchObject({ usable: false, reason: 'checking Docker failed: socket hang up' });
  });
});

/** A fake docker CLI: answers by the first arguments, records every call. */
function fakeCli(answers: Record<string, Partial<CliAnswer>>) {
  const calls: { args: string[]; timeoutMs: number }[] = [];
  const cli = async (args: string[], timeoutMs: number): Promise<CliAnswer> => {
    calls.push({ args, timeoutMs });
    const key = Object.keys(answers).find((k) => args.join(' ').startsWith(k));
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, notFound: false, ...(key === undefined ? {} : answers[key]) };
  };
  return { cli, calls };
}

describe('docker CLI probes', () => {
  it('reads the engine version and endpoint', async () => {
    const { cli } = fakeCli({
      version: { stdout: JSON.stringify({ Client: { Version: '28.2.2' }, Server: { Version: '20.10.24+dfsg1' } }) },
      'context inspect': { stdout: 'unix:///var/run/docker.sock\n' },
    });
    expect(await dockerProbes(cli).engine()).toEqual({ state: 'answers', version: '20.10.24+dfsg1', endpoint: 'unix:///var/run/docker.sock' });
  });

  it('tells a missing CLI from a missing engine', async () => {
    const missing = fakeCli({ '': { exitCode: undefined, notFound: true } });
    expect(await dockerProbes(missing.cli).engine()).toMatchObject({ state: 'no-cli' });
    const notExecutable = fakeCli({ version: { exitCode: 126, stderr: '/usr/local/bin/docker: Permission denied' } });
    expect(await dockerProbes(notExecutable.cli).engine()).toEqual({ state: 'no-cli', detail: '/usr/local/bin/docker: Permission denied' });

    const noEngine = fakeCli({
      version: {
        exitCode: 1,
        stdout: JSON.stringify({ Client: { Version: '28.2.2' }, Server: null }),
        stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      },
    });
    expect(await dockerProbes(noEngine.cli).engine()).toEqual({
      state: 'no-engine',
      detail: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });

    const hung = fakeCli({ version: { exitCode: undefined, timedOut: true } });
    expect(await dockerProbes(hung.cli).engine()).toMatchObject({ state: 'no-engine', detail: expect.stringContaining('did not answer') });
  });

  it('tells an absent image from one that could not be inspected', async () => {
    const absent = fakeCli({ 'image inspect': { exitCode: 1, stderr: 'Error response from daemon: No such image: kindest/node:v1.36.1' } });
    expect(await dockerProbes(absent.cli).imagePresence(NODE_IMAGE)).toEqual({ state: 'absent' });
    const present = fakeCli({ 'image inspect': { stdout: 'sha256:abc' } });
    expect(await dockerProbes(present.cli).imagePresence(NODE_IMAGE)).toEqual({ state: 'present' });
    const broken = fakeCli({ 'image inspect': { exitCode: 1, stderr: 'permission denied while trying to connect' } });
    expect(await dockerProbes(broken.cli).imagePresence(NODE_IMAGE)).toEqual({ state: 'unknown', detail: 'permission denied while trying to connect' });
  });

  it('asks for the manifest, never pulls, and gives up within a few seconds', async () => {
    const { cli, calls } = fakeCli({ manifest: { exitCode: undefined, timedOut: true } });
    expect(await dockerProbes(cli).pullability(NODE_IMAGE)).toEqual({ pullable: false, detail: 'its registry did not answer within 5s' });
    expect(calls).toEqual([{ args: ['manifest', 'inspect', NODE_IMAGE], timeoutMs: 5000 }]);
  });

  it('lists tagged local images only', async () => {
    const { cli } = fakeCli({ images: { stdout: `${PROBE_IMAGE}\n<none>:<none>\nbusybox:latest\n` } });
    expect(await dockerProbes(cli).localImages()).toEqual([PROBE_IMAGE, 'busybox:latest']);
  });

  it('classifies a privileged run', () => {
    const answer = (overrides: Partial<CliAnswer>): CliAnswer => ({ exitCode: 125, stdout: '', stderr: '', timedOut: false, notFound: false, ...overrides });
    expect(classifyPrivilegedRun(answer({ exitCode: 0 }))).toEqual({ works: true });
    expect(
      classifyPrivilegedRun(
        answer({ stderr: 'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown' }),
      ),
    ).toMatchObject({ works: false, capsRefused: true });
    // runc applies capabilities before it looks for the program: privileged set-up got that far.
    expect(classifyPrivilegedRun(answer({ exitCode: 127, stderr: 'exec: "true": executable file not found in $PATH: unknown' }))).toMatchObject({ works: true });
    expect(classifyPrivilegedRun(answer({ stderr: 'docker: Error response from daemon: no space left on device.' }))).toEqual({
      works: false,
      capsRefused: false,
      detail: 'docker: Error response from daemon: no space left on device.',
    });
  });
});

describe('host and runtime adaptation', () => {
  const status = (capBnd: string) => () => `Name:\tnode\nCapInh:\t0000000000000000\nCapBnd:\t${capBnd}\nCapAmb:\t0000000000000000\n`;

  it('reads CAP_SYS_RESOURCE (bit 24) from the bounding set', () => {
    expect(hostRefusesSysResource(status('000001fffeffffff'))).toBe(true);
    expect(hostRefusesSysResource(status('000001ffffffffff'))).toBe(false);
    expect(hostRefusesSysResource(() => 'no capabilities here')).toBeUndefined();
    expect(hostRefusesSysResource(() => {
      throw new Error('ENOENT');
    })).toBeUndefined();
  });

  it('wants the adaptation only where the host refuses CAP_SYS_RESOURCE', () => {
    expect(assessRuntimeAdaptation({ hostRefuses: false, defaultRuntime: 'runc', privilegedWorks: true }).ok).toBe(true);
    expect(assessRuntimeAdaptation({ hostRefuses: true, defaultRuntime: 'ocm-lab-runc', privilegedWorks: true }).ok).toBe(true);
    expect(assessRuntimeAdaptation({ hostRefuses: true, defaultRuntime: 'runc', privilegedWorks: false })).toEqual({
      ok: false,
      detail: 'needed: the host refuses CAP_SYS_RESOURCE, and the default runtime is runc, not ocm-lab-runc',
    });
    expect(assessRuntimeAdaptation({ hostRefuses: true, defaultRuntime: undefined, privilegedWorks: undefined }).ok).toBe(false);
  });
});
