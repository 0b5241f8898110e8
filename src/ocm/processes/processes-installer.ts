import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabSpec, ManagedClusterSpec } from '../../config/schema.js';
import { LabError } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import type { ProcessRecord, StateStore } from '../../lab/state.js';
import { isRunning, probeHealth, processesMentioning, startHostProcess, stopHostProcess, terminate } from '../../process/host-process.js';
import { tailFile } from '../../process/log-tail.js';
import { freePorts } from '../../process/ports.js';
import type { ClusterHandle } from '../../providers/provider.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import type { HubInfo, OcmInstaller, ProcessStatus } from '../installer.js';
import { CSR, CSR_CLUSTER_LABEL, managedClusterRef, type CertificateSigningRequest } from '../resources.js';
import { AGENT_NAMESPACE, bootstrapKubeconfig, HUB_NAMESPACE, prepareHub, prepareManagedCluster } from './hub-bootstrap.js';

const HEALTHY_TIMEOUT_MS = 60_000;
/** Where the registration agent keeps its hub credentials on the managed cluster. */
const HUB_KUBECONFIG_SECRET = 'hub-kubeconfig-secret';

interface ProcessDefinition {
  id: string;
  cluster: string;
  binary: 'registration' | 'placement' | 'registration-operator';
  args: (listen: string) => string[];
}

export function hubProcesses(hubName: string, hubKubeconfig: string): ProcessDefinition[] {
  const common = (listen: string) => [`--kubeconfig=${hubKubeconfig}`, `--namespace=${HUB_NAMESPACE}`, '--disable-leader-election', `--listen=${listen}`];
  return [
    { id: `${hubName}/registration`, cluster: hubName, binary: 'registration', args: (listen) => ['controller', ...common(listen)] },
    { id: `${hubName}/placement`, cluster: hubName, binary: 'placement', args: (listen) => ['controller', ...common(listen)] },
  ];
}

export const klusterletId = (cluster: string) => `${cluster}/klusterlet`;

export function klusterletProcess(options: {
  cluster: string;
  kubeconfig: string;
  bootstrapKubeconfig: string;
  hubKubeconfigDir: string;
}): ProcessDefinition {
  return {
    id: klusterletId(options.cluster),
    cluster: options.cluster,
    binary: 'registration-operator',
    args: (listen) => [
      'agent',
      `--kubeconfig=${options.kubeconfig}`,
      `--namespace=${AGENT_NAMESPACE}`,
      '--disable-leader-election',
      `--listen=${listen}`,
      `--spoke-cluster-name=${options.cluster}`,
      `--agent-id=${options.cluster}-agent`,
      `--bootstrap-kubeconfig=${options.bootstrapKubeconfig}`,
      `--hub-kubeconfig-dir=${options.hubKubeconfigDir}`,
      // Notice a stopped control plane within seconds, not the default minute.
      '--cluster-healthcheck-period=10s',
      '--workload-source-driver=kube',
      // The work agent does not follow --hub-kubeconfig-dir: point it at the file registration writes there.
      `--workload-source-config=${join(options.hubKubeconfigDir, 'kubeconfig')}`,
    ],
  };
}

/**
 * OCM without pods: the hub's registration and placement controllers and one klusterlet agent
 * per managed cluster run as host processes. Each has its own log file under logs/ and its own
 * health port on 127.0.0.1, and is recorded in the state so `status`, `up` and `down` find it.
 */
export class ProcessesInstaller implements OcmInstaller {
  constructor(
    private readonly spec: LabSpec,
    private readonly state: StateStore,
    private readonly toolchain: Toolchain,
  ) {}

  private get bootstrapPath(): string {
    return join(this.state.dir('secrets'), 'bootstrap-hub.kubeconfig');
  }

  async initHub(hub: ClusterHandle): Promise<HubInfo> {
    const client = new ClusterClient(hub.name, hub.kubeconfig);
    await prepareHub(client, this.toolchain.crdDir);
    if (!existsSync(this.bootstrapPath)) this.state.writePrivate(this.bootstrapPath, await bootstrapKubeconfig(client, this.spec.name));
    for (const definition of hubProcesses(hub.name, hub.kubeconfig)) await this.ensureRunning(definition);
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  hubInfo(hub: ClusterHandle): HubInfo {
    if (!existsSync(this.bootstrapPath)) throw new LabError('the hub is not initialised', { hint: './lab up' });
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  async join(cluster: ClusterHandle, _spec: ManagedClusterSpec, hub: HubInfo): Promise<void> {
    await prepareManagedCluster(new ClusterClient(cluster.name, cluster.kubeconfig), this.toolchain.crdDir);
    await this.startAgent(cluster, hub);
  }

  private klusterlet(cluster: ClusterHandle, hub: HubInfo): ProcessDefinition {
    return klusterletProcess({
      cluster: cluster.name,
      kubeconfig: cluster.kubeconfig,
      bootstrapKubeconfig: hub.bootstrapKubeconfig,
      hubKubeconfigDir: this.hubKubeconfigDir(cluster.name),
    });
  }

  private hubKubeconfigDir(cluster: string): string {
    return this.state.dir('ocm', cluster, 'hub-kubeconfig');
  }

  async startAgent(cluster: ClusterHandle, hub: HubInfo): Promise<void> {
    await this.ensureRunning(this.klusterlet(cluster, hub));
  }

  async stopAgent(cluster: ClusterHandle): Promise<void> {
    const record = this.state.read()?.processes[klusterletId(cluster.name)];
    if (record) await stopHostProcess(record);
  }

  async rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle): Promise<void> {
    await this.stopAgent(cluster);
    const spoke = new ClusterClient(cluster.name, cluster.kubeconfig);
    await spoke.delete({ apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: HUB_KUBECONFIG_SECRET });
    rmSync(this.hubKubeconfigDir(cluster.name), { recursive: true, force: true });
    const hubClient = new ClusterClient(hubCluster.name, hubCluster.kubeconfig);
    await hubClient.delete(managedClusterRef(cluster.name));
    await hubClient.waitFor(managedClusterRef(cluster.name), (found) => (found.length === 0 ? true : undefined), {
      timeoutMs: 120_000,
      description: `ManagedCluster ${cluster.name} to be deleted (ManifestWorks left in its namespace keep it)`,
    });
    for (const csr of await hubClient.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${cluster.name}`)) {
      await hubClient.delete({ ...CSR, name: csr.metadata!.name! });
    }
    await this.startAgent(cluster, hub);
  }

  /** Starts the process unless the recorded one is still running and healthy; waits for its /healthz. */
  private async ensureRunning(definition: ProcessDefinition): Promise<ProcessRecord> {
    const recorded = this.state.read()?.processes[definition.id];
    if (recorded && (await probeHealth(recorded)) === 'healthy') return recorded;
    if (recorded) await stopHostProcess(recorded);

    const [port] = await freePorts(1);
    const listen = `127.0.0.1:${port}`;
    const record = startHostProcess({
      id: definition.id,
      cluster: definition.cluster,
      command: this.toolchain.bin(definition.binary),
      args: definition.args(listen),
      log: this.state.logPath(definition.id),
      listen,
    });
    this.state.update((s) => {
      s.processes[definition.id] = record;
    });
    await this.waitHealthy(record);
    return record;
  }

  private async waitHealthy(record: ProcessRecord): Promise<void> {
    const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const health = await probeHealth(record);
      if (health === 'healthy') return;
      if (health === 'stopped') {
        throw new LabError(`${record.id} exited during start-up:\n${logTail(record.log)}`, { hint: `full log: ${record.log}` });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new LabError(`${record.id} did not become healthy on ${record.listen} within ${HEALTHY_TIMEOUT_MS / 1000}s`, {
      hint: `see its log: ${record.log}`,
    });
  }

  async processes(): Promise<ProcessStatus[]> {
    const records = Object.values(this.state.read()?.processes ?? {});
    return Promise.all(
      records.map(async (r) => ({ id: r.id, cluster: r.cluster, pid: r.pid, log: r.log, health: await probeHealth(r) })),
    );
  }

  /** Stops every recorded process, then any process of ours the state no longer knows (after a crash). */
  async stop(): Promise<void> {
    const records = Object.values(this.state.read()?.processes ?? {});
    await Promise.all(records.filter(isRunning).map(stopHostProcess));
    const binaries = new Set(['registration', 'placement', 'registration-operator'].map((b) => this.toolchain.bin(b as never)));
    const strays = processesMentioning(this.state.root).filter((p) => binaries.has(p.args[0]!));
    if (strays.length) await terminate(strays.map((p) => p.pid));
  }
}

function logTail(path: string, lines = 20): string {
  try {
    return tailFile(path, lines).trimEnd();
  } catch {
    return '(no log)';
  }
}
