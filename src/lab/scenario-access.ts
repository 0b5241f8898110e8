import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { OcmPart, OcmVersions } from '../ocm/ocm-versions.js';
import { ensureOcmRelease } from '../toolchain/ocm-release.js';
import { ClusterClient } from '../kube/cluster-client.js';
import { labelManagedCluster } from '../ocm/cluster-sets.js';
import type { ClusterHandle } from '../providers/provider.js';
import type { ComponentStatus } from '../ocm/installer.js';
import type { LabCapabilities } from '../scenario/capabilities.js';
import type { DiagnosticSources, ScenarioCluster, ScenarioLab } from '../scenario/step-context.js';
import { capabilitiesOf } from './lab-parts.js';
import { kubeconfigEnv } from './kubeconfigs.js';
import { providerClusterName } from './local-cluster.js';
import { joinedClusters } from '../config/schema.js';
import type { OpenLab } from './open-lab.js';

/** The scenario runner's view of a lab: named clusters and what the lab can do, faults routed to provider or installer. */
export class LabScenarioAccess implements ScenarioLab {
  private readonly clients = new Map<string, ClusterClient>();
  readonly capabilities: LabCapabilities;

  constructor(private readonly lab: OpenLab) {
    this.capabilities = capabilitiesOf(lab.parts.provider.name, lab.spec);
  }

  get name(): string {
    return this.lab.spec.name;
  }

  get hubName(): string {
    return this.lab.spec.hub.name;
  }

  get managedClusters(): string[] {
    return joinedClusters(this.lab.spec).map((c) => c.name);
  }

  get stateDir(): string {
    return this.lab.state.root;
  }

  tool(name: 'kubectl' | 'clusteradm'): string {
    return this.lab.toolchain.bin(name);
  }

  private handle(name: string): ClusterHandle {
    const handle = this.lab.state.read()?.clusters[name];
    if (!handle) throw new LabError(`cluster "${name}" is not part of the lab`, { hint: `clusters: ${this.clusters().map((c) => c.name).join(', ')}` });
    return handle;
  }

  cluster(name: string): ScenarioCluster {
    return this.scenarioCluster(this.handle(name));
  }

  clusters(): ScenarioCluster[] {
    return Object.values(this.lab.state.tryRead()?.clusters ?? {}).map((handle) => this.scenarioCluster(handle));
  }

  private scenarioCluster({ name, role, kubeconfig, context }: ClusterHandle): ScenarioCluster {
    return { name, role, kubeconfig, ...(context === undefined ? {} : { context }), kubeconfigEnv: kubeconfigEnv(this.lab.state, { name, kubeconfig, context }) };
  }

  client(name: string): ClusterClient {
    let client = this.clients.get(name);
    if (!client) {
      client = ClusterClient.of(this.handle(name));
      this.clients.set(name, client);
    }
    return client;
  }

  hub(): ClusterClient {
    return this.client(this.hubName);
  }

  async relabel(cluster: string, signal?: AbortSignal): Promise<void> {
    await labelManagedCluster(this.hub(), this.lab.spec, cluster, signal);
  }

  async fault(cluster: string, target: 'controlPlane' | 'agent', action: 'stop' | 'start', signal?: AbortSignal): Promise<void> {
    const { provider, installer } = this.lab.parts;
    // local-cluster's control plane is the hub's.
    const machine = providerClusterName(this.lab.spec, cluster);
    if (target === 'controlPlane' && action === 'stop') {
      await provider.stopControlPlane(machine, { signal });
    } else if (target === 'controlPlane') {
      const wasStopped = !(await provider.health(machine, { signal })).running;
      const restartedAt = new Date();
      await provider.startControlPlane(machine, { signal });
      if (wasStopped) await installer.afterControlPlaneRestart(this.handle(cluster), restartedAt, { signal });
    } else if (action === 'stop') {
      await installer.stopAgent(this.handle(cluster), { signal });
    } else {
      await installer.startAgent(this.handle(cluster), await installer.hubInfo(this.handle(this.hubName), { signal }), { signal });
    }
  }

  ocmVersions(): OcmVersions {
    return this.lab.parts.installer.versions();
  }

  /**
   * Moves one part of OCM to `version` (built first if the toolchain lacks it) and says which components restarted:
   * a host process with a new pid, a pod with a new name or more restarts (runningIdentity).
   */
  async upgradeOcm(part: OcmPart, version: string, signal?: AbortSignal): Promise<{ restarted: string[] }> {
    const { installer } = this.lab.parts;
    if (!installer.upgrade) throw new LabError(`the ${this.lab.parts.provider.name} lab cannot upgrade OCM`);
    await ensureOcmRelease(this.lab.toolchain, version, () => undefined, signal);
    const handles = Object.values(this.lab.state.read()?.clusters ?? {});
    const identities = async () => new Map((await installer.components(handles, { signal })).map((c) => [c.id, runningIdentity(c)]));
    const before = await identities();
    const managed = handles.filter((h) => h.role === 'managed' && this.managedClusters.includes(h.name));
    await installer.upgrade(part, version, { hub: this.handle(this.hubName), managed }, { signal });
    const after = await identities();
    return { restarted: [...after].filter(([id, identity]) => before.has(id) && before.get(id) !== identity).map(([id]) => id) };
  }

  beforeHubAccepts(cluster: string): ((signal?: AbortSignal) => Promise<string | undefined>) | undefined {
    const { installer } = this.lab.parts;
    return installer.beforeHubAccepts && ((signal) => installer.beforeHubAccepts!(this.handle(cluster), { signal }));
  }

  async accepted(cluster: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.lab.parts.installer.accepted?.(this.handle(cluster), { signal });
  }

  async rejoin(cluster: string, signal?: AbortSignal): Promise<void> {
    const { installer } = this.lab.parts;
    const hub = this.handle(this.hubName);
    await installer.rejoin(this.handle(cluster), await installer.hubInfo(hub, { signal }), hub, { signal });
  }

  diagnosticSources(): DiagnosticSources {
    const { provider, installer } = this.lab.parts;
    return {
      processLogs: installer.logs(),
      logRoot: join(this.lab.state.root, 'logs'),
      podNamespaces: installer.podNamespaces,
      exportNodeLogs: (cluster, dir) => provider.exportLogs(providerClusterName(this.lab.spec, cluster), dir),
    };
  }
}

/**
 * What changes when a component restarts: its pid, or its live pods' names and restart counts. A pod being deleted
 * is left out: one that a finished rollout left terminating goes away later without anything restarting.
 */
export function runningIdentity(component: Pick<ComponentStatus, 'pid' | 'pods'>): string {
  const live = (component.pods ?? []).filter((p) => !p.terminating);
  return `${component.pid ?? ''}/${live.map((p) => `${p.name}:${p.restarts}`).join(',')}`;
}
