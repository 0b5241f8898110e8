import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedClusterSpec } from '../../config/schema.js';
import { mkdirPrivate, writePrivateFile } from '../../fs/private-files.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { throwIfAborted } from '../../process/abort.js';
import { isRunning, probeHealth, startHostProcess, stopHostProcess, terminate, waitUntilHealthy, type HostProcessRecord } from '../../process/host-process.js';
import { processesOwnedBy } from '../../process/ownership.js';
import { freePorts } from '../../process/ports.js';
import type { CallOptions, ClusterHandle } from '../../providers/provider.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { bootstrapNeedsRenewal } from '../bootstrap-token.js';
import type { ComponentStatus, HubInfo, InstallerCapabilities, InstallerDirs, OcmInstaller } from '../installer.js';
import { bootstrapKubeconfig } from '../bootstrap-token.js';
import { forgetManagedCluster } from '../forget-cluster.js';
import { AGENT_NAMESPACE, HUB_NAMESPACE, prepareHub, prepareManagedCluster } from './hub-bootstrap.js';

const HEALTHY_TIMEOUT_MS = 60_000;
/** Where the registration agent keeps its hub credentials on the managed cluster. */
const HUB_KUBECONFIG_SECRET = 'hub-kubeconfig-secret';

const OCM_BINARIES = ['registration', 'placement', 'registration-operator'] as const;

interface ProcessDefinition {
  id: string;
  cluster: string;
  binary: (typeof OCM_BINARIES)[number];
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
 * per managed cluster run as host processes. Each has its own log file and its own health port on
 * 127.0.0.1, carries the lab's owner marker, and is recorded in this installer's own
 * processes.json so `status`, `up` and `down` find it.
 */
export class ProcessesInstaller implements OcmInstaller {
  static readonly capabilities: InstallerCapabilities = { agentFaults: true, freshJoin: true };
  readonly capabilities = ProcessesInstaller.capabilities;

  constructor(
    private readonly options: { labName: string; dirs: InstallerDirs; toolchain: Toolchain },
  ) {}

  private get dirs(): InstallerDirs {
    return this.options.dirs;
  }

  private get bootstrapPath(): string {
    return join(this.dirs.secrets, 'bootstrap-hub.kubeconfig');
  }

  private get recordsPath(): string {
    return join(this.dirs.work, 'processes.json');
  }

  private records(): Record<string, HostProcessRecord> {
    try {
      return JSON.parse(readFileSync(this.recordsPath, 'utf8')) as Record<string, HostProcessRecord>;
    } catch {
      return {};
    }
  }

  private record(record: HostProcessRecord): void {
    writePrivateFile(this.recordsPath, `${JSON.stringify({ ...this.records(), [record.id]: record }, null, 2)}\n`);
  }

  async initHub(hub: ClusterHandle, options: CallOptions = {}): Promise<HubInfo> {
    const client = new ClusterClient(hub.name, hub.kubeconfig);
    await prepareHub(client, this.options.toolchain.crdDir, options.signal);
    const info = await this.hubInfo(hub, options);
    for (const definition of hubProcesses(hub.name, hub.kubeconfig)) await this.ensureRunning(definition, options.signal);
    return info;
  }

  async hubInfo(hub: ClusterHandle, options: CallOptions = {}): Promise<HubInfo> {
    if (bootstrapNeedsRenewal(this.bootstrapPath)) {
      throwIfAborted(options.signal);
      writePrivateFile(this.bootstrapPath, await bootstrapKubeconfig(new ClusterClient(hub.name, hub.kubeconfig), this.options.labName));
    }
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  async join(cluster: ClusterHandle, _spec: ManagedClusterSpec, hub: HubInfo, options: CallOptions = {}): Promise<void> {
    await prepareManagedCluster(new ClusterClient(cluster.name, cluster.kubeconfig), this.options.toolchain.crdDir, options.signal);
    await this.startAgent(cluster, hub, options);
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
    return mkdirPrivate(join(this.dirs.work, cluster, 'hub-kubeconfig'));
  }

  async startAgent(cluster: ClusterHandle, hub: HubInfo, options: CallOptions = {}): Promise<void> {
    await this.ensureRunning(this.klusterlet(cluster, hub), options.signal);
  }

  async stopAgent(cluster: ClusterHandle): Promise<void> {
    const record = this.records()[klusterletId(cluster.name)];
    if (record) await stopHostProcess(record);
  }

  /** Nothing to do: the host processes run without leader election, and a restarted cluster's agent reconnects. */
  async afterControlPlaneRestart(): Promise<void> {}

  async rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    await this.stopAgent(cluster);
    const spoke = new ClusterClient(cluster.name, cluster.kubeconfig);
    await spoke.delete({ apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: HUB_KUBECONFIG_SECRET }, signal);
    rmSync(this.hubKubeconfigDir(cluster.name), { recursive: true, force: true });
    await forgetManagedCluster(new ClusterClient(hubCluster.name, hubCluster.kubeconfig), cluster.name, signal);
    await this.startAgent(cluster, hub, options);
  }

  /** Starts the process unless the recorded one is still running and healthy; waits for its /healthz. */
  private async ensureRunning(definition: ProcessDefinition, signal?: AbortSignal): Promise<HostProcessRecord> {
    const recorded = this.records()[definition.id];
    if (recorded && (await probeHealth(recorded)) === 'healthy') return recorded;
    if (recorded) await stopHostProcess(recorded);
    throwIfAborted(signal);

    const [port] = await freePorts(1);
    const listen = `127.0.0.1:${port}`;
    const record = startHostProcess(
      {
        id: definition.id,
        cluster: definition.cluster,
        command: this.options.toolchain.bin(definition.binary),
        args: definition.args(listen),
        log: join(mkdirPrivate(this.dirs.logs), `${definition.id.replaceAll('/', '-')}.log`),
        listen,
      },
      this.dirs.owner,
    );
    this.record(record);
    await waitUntilHealthy(record, { timeoutMs: HEALTHY_TIMEOUT_MS, signal });
    return record;
  }

  async components(): Promise<ComponentStatus[]> {
    return Promise.all(
      Object.values(this.records()).map(async (r) => ({ id: r.id, cluster: r.cluster, pid: r.pid, log: r.log, health: await probeHealth(r) })),
    );
  }

  logs(): { id: string; log: string }[] {
    return Object.values(this.records()).map((r) => ({ id: r.id, log: r.log }));
  }

  /** Stops every recorded process, then any OCM process of this lab the records no longer know (after a crash). */
  async stop(): Promise<void> {
    await Promise.all(Object.values(this.records()).filter(isRunning).map(stopHostProcess));
    const binaries = new Set(OCM_BINARIES.map((b) => this.options.toolchain.bin(b)));
    const strays = processesOwnedBy(this.dirs.owner).filter((p) => binaries.has(p.args[0]!));
    if (strays.length) await terminate(strays.map((p) => p.pid));
    rmSync(this.recordsPath, { force: true });
  }
}
