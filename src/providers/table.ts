import { LabError } from '../errors.js';
import { kindEntry } from './kind/entry.js';
import { existingEntry } from './existing/entry.js';
import { localEntry } from './local/entry.js';
import type { ProviderEntry } from './provider-entry.js';
import type { ProviderKind } from './provider.js';

/** Every provider, in the order `provider: auto` prefers them. */
export const PROVIDER_TABLE: readonly ProviderEntry[] = [kindEntry, localEntry, existingEntry];

export function providerEntry(name: ProviderKind): ProviderEntry {
  const entry = PROVIDER_TABLE.find((e) => e.name === name);
  if (!entry) throw new LabError(`unknown provider "${name}"`, { exitCode: 2 });
  return entry;
}
