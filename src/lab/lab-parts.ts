import { join } from 'node:path';
import type { LabSpec, OcmRuntime } from '../config/schema.js';
import { ClusteradmInstaller } from '../ocm/clusteradm/clusteradm-installer.js';
import type { InstallerCapabilities, InstallerDirs, OcmInstaller } from '../ocm/installer.js';
import { ProcessesInstaller } from '../ocm/processes/processes-installer.js';
import type { ProviderEntry, ProviderRecord } from '../providers/provider-entry.js';
import type { ClusterProvider, ProviderDirs, ProviderKind } from '../providers/provider.js';
import { providerEntry } from '../providers/table.js';
import type { LabCapabilities } from '../scenario/capabilities.js';
import type { Toolchain } from '../toolchain/toolchain.js';

/** A provider and the installer that goes with it: clusteradm where OCM runs as pods, host processes otherwise. */
export interface LabParts {
  provider: ClusterProvider;
  installer: OcmInstaller;
}

interface InstallerOptions {
  labName: string;
  ocmVersion: string;
  dirs: InstallerDirs;
  toolchain: Toolchain;
  featureGates: { hub: LabSpec['ocm']['featureGates']; agent: LabSpec['ocm']['agentFeatureGates'] };
  hubLookup: boolean;
  quickReadiness: boolean;
}

/** How OCM gets onto a provider's clusters, by the way it runs there. */
const INSTALLERS: Record<OcmRuntime, { make: (options: InstallerOptions) => OcmInstaller; capabilities: InstallerCapabilities }> = {
  pods: { make: (options) => new ClusteradmInstaller(options), capabilities: ClusteradmInstaller.capabilities },
  'host-processes': { make: (options) => new ProcessesInstaller(options), capabilities: ProcessesInstaller.capabilities },
};

/** The provider's own folder in the state dir: also how `down` recognises a lab whose state.json is lost. */
export function providerWorkDir(root: string, entry: ProviderEntry): string {
  return join(root, entry.workDir);
}

export function labParts(name: ProviderKind, spec: LabSpec, root: string, toolchain: Toolchain, record: ProviderRecord = {}): LabParts {
  const entry = providerEntry(name);
  const providerDirs: ProviderDirs = { work: providerWorkDir(root, entry), kubeconfigs: join(root, 'kubeconfigs'), owner: root };
  const installerDirs: InstallerDirs = { work: join(root, 'ocm'), logs: join(root, 'logs'), secrets: join(root, 'secrets'), owner: root };
  return {
    provider: entry.make(spec, providerDirs, toolchain, record),
    installer: INSTALLERS[entry.ocmRuntime(spec)].make({
      labName: spec.name,
      ocmVersion: spec.ocm.version,
      dirs: installerDirs,
      toolchain,
      featureGates: { hub: spec.ocm.featureGates, agent: spec.ocm.agentFeatureGates },
      hubLookup: entry.hubLookup(spec),
      quickReadiness: entry.makesClusters,
    }),
  };
}

/** What a lab of this provider and config can do: its provider's and its installer's capabilities, and its hub gates. */
export function capabilitiesOf(provider: ProviderKind, spec: LabSpec): LabCapabilities {
  const entry = providerEntry(provider);
  return { provider, ...entry.capabilities, ...INSTALLERS[entry.ocmRuntime(spec)].capabilities, hubFeatureGates: spec.ocm.featureGates, ocmVersion: spec.ocm.version };
}
