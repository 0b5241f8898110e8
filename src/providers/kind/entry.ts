import { z } from 'zod';
import { loadVersions } from '../../toolchain/versions.js';
import type { ProviderEntry } from '../provider-entry.js';
import { detectKindSupport } from './docker.js';
import { kindDoctorChecks } from './doctor-checks.js';
import { KindProvider } from './kind-provider.js';
import { resolveKindNodeImage } from './node-image.js';

const IMAGE = /^[a-zA-Z0-9][\w./:@-]*$/;

/** kind: `kind create cluster` per cluster, OCM installed by the real clusteradm as pods. */
export const kindEntry: ProviderEntry = {
  name: 'kind',
  auto: true,
  ocmRuntime: () => 'pods',
  workDir: 'kind',
  teardownNeedsToolchain: true,
  capabilities: KindProvider.capabilities,
  recordSchema: z.strictObject({ nodeImage: z.string().regex(IMAGE, 'not an image reference') }),
  prepare: async (spec) => {
    // The node image built here holds the OCM images of every supported release (ops/toolchain/versions.json).
    return { nodeImage: await resolveKindNodeImage(spec) };
  },
  detect: async (_spec, record) => {
    const support = await detectKindSupport(record.nodeImage!);
    return { usable: support.usable, reason: support.reason, fix: support.fix };
  },
  make: (spec, dirs, toolchain, record) =>
    new KindProvider({ labName: spec.name, dirs, toolchain, nodeImage: record.nodeImage ?? spec.kind.nodeImage, extraImages: spec.kind.extraImages }),
  ownsAnything: (owner, signal) => KindProvider.ownsAnything(owner, signal),
  // Every node is on the lab's Docker network, where the hub's cluster-info names its container.
  hubLookup: () => true,
  makesClusters: true,
  doctorChecks: async (spec, required) => {
    // Without a config, the defaults: the node image built offline when Docker has it, else the pinned one.
    const kind = spec?.kind ?? { images: 'auto' as const, nodeImage: loadVersions().kindNodeImage, extraImages: [] };
    return kindDoctorChecks(await resolveKindNodeImage({ kind }), required);
  },
};

