import type { ConcreteProvider, LabSpec } from '../config/schema.js';
import { errorMessage, LabError } from '../errors.js';
import { detectKindSupport, type KindSupport } from './docker.js';

export interface ProviderChoice {
  name: ConcreteProvider;
  reason: string;
}

export type DetectKind = (nodeImage: string) => Promise<KindSupport>;

/**
 * Resolves `provider: auto`: kind only where it can really run (Docker engine and CLI, the node image
 * present or pullable, privileged containers verified), else local with the failed condition as the reason.
 * `provider: kind` on a host that cannot run it is an error carrying that reason and its fix.
 */
export async function chooseProvider(
  spec: LabSpec,
  detect: DetectKind = (image) => detectKindSupport(image),
  nodeImage: string = spec.kind.nodeImage,
): Promise<ProviderChoice> {
  if (spec.provider === 'local') return { name: 'local', reason: 'set in the config' };
  const kind = await detect(nodeImage).catch(
    (error: unknown): KindSupport => ({ usable: false, reason: `checking Docker failed: ${errorMessage(error)}`, conditions: [] }),
  );
  if (spec.provider === 'kind') {
    if (!kind.usable) {
      throw new LabError(`provider kind cannot run here: ${kind.reason}`, {
        hint: `${kind.fix ? `${kind.fix}; ` : ''}or set \`provider: local\` (no Docker needed)`,
      });
    }
    return { name: 'kind', reason: 'set in the config' };
  }
  return kind.usable
    ? { name: 'kind', reason: `auto: ${kind.reason}` }
    : { name: 'local', reason: `auto: kind is not usable (${kind.reason}), so local control planes are used` };
}
