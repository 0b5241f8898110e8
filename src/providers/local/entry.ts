import { z } from 'zod';
import { processesOwnedBy } from '../../process/ownership.js';
import type { ProviderEntry } from '../provider-entry.js';
import { CLUSTER_PART_PREFIX, LocalProvider } from './local-provider.js';

/** local: real control planes run by `kwokctl --runtime binary`, OCM as host processes. Runs wherever the toolchain does. */
export const localEntry: ProviderEntry = {
  name: 'local',
  auto: true,
  ocmRuntime: () => 'host-processes',
  workDir: 'kwok',
  teardownNeedsToolchain: false,
  capabilities: LocalProvider.capabilities,
  recordSchema: z.strictObject({}),
  prepare: async () => ({}),
  detect: async () => ({ usable: true, reason: 'local control planes need no Docker' }),
  make: (spec, dirs, toolchain) => new LocalProvider({ labName: spec.name, dirs, toolchain, fakeNodes: spec.local.fakeNodes }),
  ownsAnything: async (owner) => processesOwnedBy({ root: owner, partPrefix: CLUSTER_PART_PREFIX }).length > 0,
  hubLookup: () => false,
  makesClusters: true,
  doctorChecks: async () => [],
};
