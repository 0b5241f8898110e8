import { join } from 'node:path';
import type { LabSpec } from '../config/schema.js';
import { ClusteradmInstaller } from '../ocm/clusteradm/clusteradm-installer.js';
import type { InstallerDirs, OcmInstaller } from '../ocm/installer.js';
import { ProcessesInstaller } from '../ocm/processes/processes-installer.js';
import { KindProvider } from '../providers/kind/kind-provider.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import type { ClusterProvider, ProviderDirs, ProviderKind } from '../providers/provider.js';
import type { LabCapabilities } from '../scenario/capabilities.js';
import type { Toolchain } from '../toolchain/toolchain.js';

/** A provider and the installer that goes with it: kind clusters get clusteradm, local ones get host processes. */
export interface LabParts {
  provider: ClusterProvider;
  installer: OcmInstaller;
}

/** The provider's own folder in the state dir: also how `down` recognises a lab whose state.json is lost. */
export function providerWorkDir(root: string, provider: ProviderKind): string {
  return join(root, provider === 'kind' ? 'kind' : 'kwok');
}

const labFeatureGates = (spec: LabSpec) => ({ hub: spec.ocm.featureGates, agent: spec.ocm.agentFeatureGates });

export function labParts(name: ProviderKind, spec: LabSpec, root: string, toolchain: Toolchain, kindNodeImage = spec.kind.nodeImage): LabParts {
  const providerDirs: ProviderDirs = { work: providerWorkDir(root, name), kubeconfigs: join(root, 'kubeconfigs'), owner: root };
  const installerDirs: InstallerDirs = { work: join(root, 'ocm'), logs: join(root, 'logs'), secrets: join(root, 'secrets'), owner: root };
  if (name === 'kind') {
    return {
      provider: new KindProvider({ labName: spec.name, dirs: providerDirs, toolchain, nodeImage: kindNodeImage, extraImages: spec.kind.extraImages }),
      installer: new ClusteradmInstaller({ labName: spec.name, ocmVersion: spec.ocm.version, dirs: installerDirs, toolchain, featureGates: labFeatureGates(spec) }),
    };
  }
  return {
    provider: new LocalProvider({ labName: spec.name, dirs: providerDirs, toolchain, fakeNodes: spec.local.fakeNodes }),
    installer: new ProcessesInstaller({
      labName: spec.name,
      dirs: installerDirs,
      toolchain,
      featureGates: labFeatureGates(spec),
    }),
  };
}

/** What a lab of this provider and config can do: its provider's and its installer's capabilities, and its hub gates. */
export function capabilitiesOf(provider: ProviderKind, spec: LabSpec): LabCapabilities {
  const parts = provider === 'kind' ? { ...KindProvider.capabilities, ...ClusteradmInstaller.capabilities } : { ...LocalProvider.capabilities, ...ProcessesInstaller.capabilities };
  return { provider, ...parts, hubFeatureGates: spec.ocm.featureGates };
}
