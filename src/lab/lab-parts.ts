import type { ConcreteProvider, LabSpec } from '../config/schema.js';
import type { OcmInstaller } from '../ocm/installer.js';
import { ClusteradmInstaller } from '../ocm/clusteradm/clusteradm-installer.js';
import { ProcessesInstaller } from '../ocm/processes/processes-installer.js';
import { KindProvider } from '../providers/kind/kind-provider.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import type { ClusterProvider } from '../providers/provider.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { StateStore } from './state.js';

/** A provider and the installer that goes with it: kind clusters get clusteradm, local ones get host processes. */
export interface LabParts {
  provider: ClusterProvider;
  installer: OcmInstaller;
}

export function labParts(name: ConcreteProvider, spec: LabSpec, state: StateStore, toolchain: Toolchain): LabParts {
  if (name === 'kind') {
    return {
      provider: new KindProvider({ labName: spec.name, state, toolchain, nodeImage: spec.kind.nodeImage }),
      installer: new ClusteradmInstaller({ labName: spec.name, state, toolchain }),
    };
  }
  return {
    provider: new LocalProvider({ labName: spec.name, state, toolchain, fakeNodes: spec.local.fakeNodes }),
    installer: new ProcessesInstaller(spec, state, toolchain),
  };
}
