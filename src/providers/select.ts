import type { ConcreteProvider, LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { detectKindSupport } from './docker.js';

export interface ProviderChoice {
  name: ConcreteProvider;
  reason: string;
}

/** Resolves `provider: auto` (kind only where a Docker engine can run kind's privileged nodes) and checks `kind`. */
export async function chooseProvider(spec: LabSpec, detect = detectKindSupport): Promise<ProviderChoice> {
  if (spec.provider === 'local') return { name: 'local', reason: 'set in the config' };
  const kind = await detect(spec.kind.nodeImage);
  if (spec.provider === 'kind') {
    if (!kind.usable) {
      throw new LabError(`provider kind cannot run here: ${kind.reason}`, {
        hint: 'start a Docker engine that can run privileged containers, or set `provider: local` (no Docker needed)',
      });
    }
    return { name: 'kind', reason: 'set in the config' };
  }
  return kind.usable
    ? { name: 'kind', reason: `auto: ${kind.reason}` }
    : { name: 'local', reason: `auto: kind is not usable (${kind.reason}), so local control planes are used` };
}
