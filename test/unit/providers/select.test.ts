import { describe, expect, it, vi } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { LabError } from '../../../src/errors.js';
import { detectKindSupport, PROBE_IMAGE, type DockerProbes } from '../../../src/providers/kind/docker.js';
import { kindEntry } from '../../../src/providers/kind/entry.js';
import { existingEntry } from '../../../src/providers/existing/entry.js';
import { localEntry } from '../../../src/providers/local/entry.js';
import type { ProviderEntry, ProviderSupport } from '../../../src/providers/provider-entry.js';
import { chooseProvider } from '../../../src/providers/select.js';

const NODE_IMAGE = 'kindest/node:v1.36.1';
const spec = (provider: LabSpec['provider']) => ({ provider, kind: { nodeImage: NODE_IMAGE } }) as LabSpec;

/** This machine as found: the engine answers and runs privileged containers, but the node image is absent and no registry answers. */
const engineWithoutNodeImage: DockerProbes = {
  engine: async () => ({ state: 'answers', version: '20.10.24+dfsg1', endpoint: 'unix:///var/run/docker.sock' }),
  imagePresence: async () => ({ state: 'absent' }),
  pullability: async () => ({ pullable: false, detail: 'lookup registry-1.docker.io: no such host' }),
  localImages: async () => [PROBE_IMAGE],
  runPrivileged: async () => ({ works: true }),
  defaultRuntime: async () => 'ocm-lab-runc',
};
/** The kind row with Docker's answers given: its node image is the pinned one. */
function kindOn(detect: (image: string) => Promise<ProviderSupport>): ProviderEntry {
  return { ...kindEntry, prepare: async () => ({ nodeImage: NODE_IMAGE }), detect: (_spec, record) => detect(record.nodeImage!) };
}
const probing = (probes: DockerProbes) => kindOn(async (image) => detectKindSupport(image, { probes }));
const usableReason = 'Docker engine 20.10.24 at unix:///var/run/docker.sock; privileged containers run';
const usable = kindOn(async () => ({ usable: true, reason: usableReason }));
const chosen = async (...args: Parameters<typeof chooseProvider>) => {
  const { entry, reason, record } = await chooseProvider(...args);
  return { name: entry.name, reason, record };
};

describe('chooseProvider', () => {
  it('existing with a kubeconfig that does not exist is a usage error (exit 2) naming the cluster and the file, before anything is made', async () => {
    const missing = { ...spec('existing'), configPath: '/labs/lab.config.yaml', hub: { name: 'hub', kubeconfig: 'no-such-hub.yaml' }, managedClusters: [] } as unknown as LabSpec;
    const error = await chooseProvider(missing, [existingEntry]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).exitCode).toBe(2);
    expect((error as LabError).message).toBe('provider existing cannot run here: hub: /labs/no-such-hub.yaml does not exist');
  });

  it('auto picks local, naming the failed condition, when the engine answers but the node image is absent and unpullable', async () => {
    expect(await chosen(spec('auto'), [probing(engineWithoutNodeImage), localEntry])).toEqual({
      name: 'local',
      record: {},
      reason:
        `auto: kind is not usable (node image ${NODE_IMAGE} is not present locally and cannot be pulled ` +
        '(lookup registry-1.docker.io: no such host)), so local is used: local control planes need no Docker',
    });
  });

  it('auto picks local when privileged containers cannot be verified', async () => {
    const choice = await chosen(spec('auto'), [probing({ ...engineWithoutNodeImage, pullability: async () => ({ pullable: true }), localImages: async () => [] }), localEntry]);
    expect(choice.name).toBe('local');
    expect(choice.reason).toContain('privileged containers unverified: no local image to probe with');
  });

  it('auto picks kind when kind can run, and records the node image it chose', async () => {
    expect(await chosen(spec('auto'), [usable, localEntry])).toEqual({ name: 'kind', reason: `auto: ${usableReason}`, record: { nodeImage: NODE_IMAGE } });
  });

  it('auto never throws while a provider can run, even when checking another one throws', async () => {
    const choice = await chosen(spec('auto'), [kindOn(async () => Promise.reject(new Error('boom'))), localEntry]);
    expect(choice).toEqual({ name: 'local', record: {}, reason: 'auto: kind is not usable (checking it failed: boom), so local is used: local control planes need no Docker' });
  });

  it('kind that cannot run is an error with the reason and a hint', async () => {
    const attempt = chooseProvider(spec('kind'), [probing(engineWithoutNodeImage), localEntry]);
    await expect(attempt).rejects.toThrow(LabError);
    const error = (await attempt.catch((e: unknown) => e)) as LabError;
    expect(error.message).toBe(
      `provider kind cannot run here: node image ${NODE_IMAGE} is not present locally and cannot be pulled (lookup registry-1.docker.io: no such host)`,
    );
    expect(error.hint).toContain('./lab setup --kind');
    expect(error.hint).toContain('`provider: local`');
  });

  it('kind that can run is taken as configured', async () => {
    expect(await chosen(spec('kind'), [usable, localEntry])).toEqual({ name: 'kind', reason: 'set in the config', record: { nodeImage: NODE_IMAGE } });
  });

  it('local asks nothing of Docker', async () => {
    const detect = vi.fn(async () => ({ usable: true, reason: usableReason }));
    expect(await chosen(spec('local'), [kindOn(detect), localEntry])).toEqual({ name: 'local', reason: 'set in the config', record: {} });
    expect(detect).not.toHaveBeenCalled();
  });
});
