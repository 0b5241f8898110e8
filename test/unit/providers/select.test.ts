import { describe, expect, it, vi } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { LabError } from '../../../src/errors.js';
import { detectKindSupport, PROBE_IMAGE, type DockerProbes, type KindSupport } from '../../../src/providers/docker.js';
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
const detectOn = (probes: DockerProbes) => (image: string) => detectKindSupport(image, { probes });

const usable: KindSupport = { usable: true, reason: 'Docker engine 20.10.24 at unix:///var/run/docker.sock; privileged containers run', conditions: [] };

describe('chooseProvider', () => {
  it('auto picks local, naming the failed condition, when the engine answers but the node image is absent and unpullable', async () => {
    const choice = await chooseProvider(spec('auto'), detectOn(engineWithoutNodeImage));
    expect(choice).toEqual({
      name: 'local',
      reason:
        `auto: kind is not usable (node image ${NODE_IMAGE} is not present locally and cannot be pulled ` +
        '(lookup registry-1.docker.io: no such host)), so local control planes are used',
    });
  });

  it('auto picks local when privileged containers cannot be verified', async () => {
    const choice = await chooseProvider(spec('auto'), detectOn({ ...engineWithoutNodeImage, pullability: async () => ({ pullable: true }), localImages: async () => [] }));
    expect(choice.name).toBe('local');
    expect(choice.reason).toContain('privileged containers unverified: no local image to probe with');
  });

  it('auto picks kind when kind can run', async () => {
    expect(await chooseProvider(spec('auto'), async () => usable)).toEqual({ name: 'kind', reason: `auto: ${usable.reason}` });
  });

  it('auto never throws, even when detection does', async () => {
    const choice = await chooseProvider(spec('auto'), async () => Promise.reject(new Error('boom')));
    expect(choice).toEqual({ name: 'local', reason: 'auto: kind is not usable (checking Docker failed: boom), so local control planes are used' });
  });

  it('kind that cannot run is an error with the reason and a hint', async () => {
    const attempt = chooseProvider(spec('kind'), detectOn(engineWithoutNodeImage));
    await expect(attempt).rejects.toThrow(LabError);
    const error = (await attempt.catch((e: unknown) => e)) as LabError;
    expect(error.message).toBe(
      `provider kind cannot run here: node image ${NODE_IMAGE} is not present locally and cannot be pulled (lookup registry-1.docker.io: no such host)`,
    );
    expect(error.hint).toContain("./lab setup --kind");
    expect(error.hint).toContain('`provider: local`');
  });

  it('kind that can run is taken as configured', async () => {
    expect(await chooseProvider(spec('kind'), async () => usable)).toEqual({ name: 'kind', reason: 'set in the config' });
  });

  it('local asks nothing of Docker', async () => {
    const detect = vi.fn(async () => usable);
    expect(await chooseProvider(spec('local'), detect)).toEqual({ name: 'local', reason: 'set in the config' });
    expect(detect).not.toHaveBeenCalled();
  });
});
