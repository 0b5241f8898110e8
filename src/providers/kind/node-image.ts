import type { LabSpec } from '../../config/schema.js';
import { NODE_IMAGE } from '../../toolchain/images.js';
import { dockerProbes, type DockerProbes } from './docker.js';

/**
 * The node image a kind lab uses: `kind.images: local` the one built offline, `pull` the configured
 * `kind.nodeImage`, and `auto` the built one when Docker has it, else the configured one.
 */
export async function resolveKindNodeImage(spec: Pick<LabSpec, 'kind'>, probes: Pick<DockerProbes, 'imagePresence'> = dockerProbes()): Promise<string> {
  if (spec.kind.images === 'pull') return spec.kind.nodeImage;
  const local = NODE_IMAGE;
  if (spec.kind.images === 'local') return local;
  return (await probes.imagePresence(local)).state === 'present' ? local : spec.kind.nodeImage;
}
