import type { KubernetesObject } from '@kubernetes/client-node';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedClusterSpec } from '../../config/schema.js';
import { containedPath } from '../../fs/contained-path.js';
import { mkdirPrivate, writePrivateFile } from '../../fs/private-files.js';
import { ClusterClient, type NamedRef } from '../../kube/cluster-client.js';
import { OCM_WEBHOOK_SERVER } from '../../toolchain/binaries.js';
import { findOcmRelease, OCM_PROCESS_BINARIES, requireOcmRelease, supportedOcmVersions, type OcmProcessBinary, type OcmRelease } from '../../toolchain/ocm-release.js';
import { compareVersions, OcmVersionRecord, type OcmPart, type OcmVersions } from '../ocm-versions.js';
import { agentFeatureGatesFlag, featureGatesFlag, gateEnabled, HUB_FEATURE_GATES, type FeatureGates, type HubComponent } from '../feature-gates.js';
import { ensureWebhookCerts, servingCertDir } from './webhook-certs.js';
import { ADMISSION_WEBHOOK_REFS, admissionWebhookObjects, conversionPatches, type WebhookServerName } from './webhook-registrations.js';
import { throwIfAborted } from '../../process/abort.js';
import { currentHealth, isRunning, parseHostProcessRecords, startHostProcess, stopHostProcess, terminate, waitUntilHealthy, type HostProcessRecord } from '../../process/host-process.js';
import { processesOwnedBy } from '../../process/ownership.js';
import { freePorts } from '../../process/ports.js';
import type { CallOptions, ClusterHandle } from '../../providers/provider.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { bootstrapNeedsRenewal } from '../bootstrap-token.js';
import { agentHasHubCredentials, HUB_KUBECONFIG_SECRET } from '../agent-credentials.js';
import type { ComponentStatus, HubInfo, InstallerCapabilities, InstallerDirs, JoinResult, OcmInstaller } from '../installer.js';
import { bootstrapKubeconfig } from '../bootstrap-token.js';
import { deleteClusterCsrs, forgetManagedCluster } from '../forget-cluster.js';
import { AGENT_NAMESPACE, AGENT_OBJECTS, HUB_NAMESPACE, HUB_OBJECTS, prepareHub, prepareManagedCluster } from './hub-bootstrap.js';
import { applyMarked, installedBy, InstallIntents } from '../install-marks.js';
import { deleteAndWait, dropFinalizers, removeClusterNamespace, removeMarkedCrds, removeMarkedObjects } from '../leftovers.js';
import { singleContextKubeconfig } from '../../kube/load-kubeconfig.js';
import { LabError } from '../../errors.js';
import { MANAGED_CLUSTER } from '../resources.js';
import { WORK_STATUS_SYNC_INTERVAL } from '../work-status-sync.js';

const HEALTHY_TIMEOUT_MS = 60_000;

const WEBHOOKS_FIELD_MANAGER = 'ocm-lab-webhooks';
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;
/** A CRD each side of OCM installs: found on a cluster the lab did not install, it means someone else's OCM is there. */
const OCM_CRD = { hub: 'managedclusters.cluster.open-cluster-management.io', managed: 'appliedmanifestworks.work.open-cluster-management.io' } as const;

const ROLE_BINDING = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' } as const;

/**
 * The RBAC the hub's registration controller makes: roles shared by every cluster's agents and one role and binding
 * per cluster. With the controller stopped, nothing removes them when their ManagedClusters go.
 */
function registrationRbac(clusters: string[]): NamedRef[] {
  const role = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name });
  const binding = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name });
  const prefix = 'open-cluster-management:managedcluster:';
  return [role(`${prefix}registration`), role(`${prefix}work`), ...clusters.flatMap((c) => [role(`${prefix}${c}`), binding(`${prefix}${c}`)])];
}

export interface ProcessDefinition {
  id: string;
  cluster: string;
  /** Which part of OCM it is, so which release's binary it runs. */
  part: OcmPart;
  binary: OcmProcessBinary;
  args: (listen: string) => string[];
}

export interface HubProcessOptions {
  hubName: string;
  hubKubeconfig: string;
  featureGates: FeatureGates;
  /** tls.crt/tls.key the webhook servers serve with. */
  webhookCertDir: string;
  /** The webhook servers of the hub's release (v1.0.0 has no add-on webhooks). */
  webhookServers?: readonly WebhookServerName[];
}

export const webhookServerId = (hubName: string, server: WebhookServerName) => `${hubName}/${server}-webhook`;

/**
 * What the cluster-manager operator of OCM v1.2.0 deploys on a hub, as host processes: the registration,
 * work and add-on webhook servers, the registration and placement controllers, the add-on manager (while the
 * AddonManagement gate is on) and the work manager (while ManifestWorkReplicaSet or CleanUpCompletedManifestWork
 * is on). Webhook servers come first: the others' writes go through them.
 */
export function hubProcesses(options: HubProcessOptions): ProcessDefinition[] {
  const { hubName, hubKubeconfig, featureGates } = options;
  const gates = (component: HubComponent) => featureGatesFlag(HUB_FEATURE_GATES, component, featureGates);
  const controller = (listen: string) => [`--kubeconfig=${hubKubeconfig}`, `--namespace=${HUB_NAMESPACE}`, '--disable-leader-election', `--listen=${listen}`];
  const webhooks = (options.webhookServers ?? ['registration', 'work', 'addon']).map((server): ProcessDefinition => ({
    id: webhookServerId(hubName, server),
    cluster: hubName,
    part: 'hub',
    binary: OCM_WEBHOOK_SERVER,
    args: (listen) => [server, `--kubeconfig=${hubKubeconfig}`, `--listen=${listen}`, `--cert-dir=${options.webhookCertDir}`, ...(server === 'addon' ? [] : gates(server))],
  }));
  const enabled = (component: HubComponent, gate: string) => gateEnabled(HUB_FEATURE_GATES, component, gate, featureGates);
  return [
    ...webhooks,
    { id: `${hubName}/registration`, cluster: hubName, part: 'hub', binary: 'registration', args: (listen) => ['controller', ...controller(listen), ...gates('registration')] },
    { id: `${hubName}/placement`, cluster: hubName, part: 'hub', binary: 'placement', args: (listen) => ['controller', ...controller(listen)] },
    ...(enabled('addon', 'AddonManagement')
      ? [{ id: `${hubName}/addon-manager`, cluster: hubName, part: 'hub' as const, binary: 'addon' as const, args: (listen: string) => ['manager', ...controller(listen)] }]
      : []),
    ...(enabled('work', 'ManifestWorkReplicaSet') || enabled('work', 'CleanUpCompletedManifestWork')
      ? [{ id: `${hubName}/work-manager`, cluster: hubName, part: 'hub' as const, binary: 'work' as const, args: (listen: string) => ['manager', ...controller(listen), ...gates('work')] }]
      : []),
  ];
}

export const klusterletId = (cluster: string) => `${cluster}/klusterlet`;

export function klusterletProcess(options: {
  cluster: string;
  kubeconfig: string;
  bootstrapKubeconfig: string;
  hubKubeconfigDir: string;
  featureGates: FeatureGates;
}): ProcessDefinition {
  return {
    id: klusterletId(options.cluster),
    cluster: options.cluster,
    part: 'agents',
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
      `--status-sync-interval=${WORK_STATUS_SYNC_INTERVAL}`,
      ...agentFeatureGatesFlag(options.featureGates),
    ],
  };
}

/** Whether a recorded process was started as the definition would start it now (same binary of the same release, same flags). */
export function startedAsDefined(record: HostProcessRecord, definition: ProcessDefinition, bin: (definition: ProcessDefinition) => string): boolean {
  const wanted = definition.args(record.listen);
  return record.command === bin(definition) && record.args.length === wanted.length && record.args.every((arg, i) => arg === wanted[i]);
}

/**
 * OCM without pods: every hub component (see hubProcesses) and one klusterlet agent per managed
 * cluster run as host processes. Each has its own log file and its own health port on
 * 127.0.0.1, carries the lab's owner marker, and is recorded in this installer's own
 * processes.json so `status`, `up` and `down` find it.
 */
export class ProcessesInstaller implements OcmInstaller {
  static readonly capabilities: InstallerCapabilities = { agentFaults: true, freshJoin: true, upgrade: true };
  readonly capabilities = ProcessesInstaller.capabilities;
  readonly podNamespaces = { hub: [], managed: [] };
  private readonly intents: InstallIntents;
  private readonly versionRecord: OcmVersionRecord;

  constructor(
    private readonly options: {
      labName: string;
      dirs: InstallerDirs;
      toolchain: Toolchain;
      /** The release the config asks for: what a new lab installs (see OcmVersionRecord for a lab upgraded since). */
      ocmVersion: string;
      /** The lab's OCM feature gates: hub components', and the klusterlet agents'. */
      featureGates: { hub: FeatureGates; agent: FeatureGates };
    },
  ) {
    this.intents = new InstallIntents(options.dirs.work);
    this.versionRecord = new OcmVersionRecord(options.dirs.work);
  }

  /** The release each part runs, as last installed or upgraded. */
  versions(): OcmVersions {
    return this.versionRecord.read();
  }

  /** The release a part is to run now (never older than what it runs). */
  private release(part: OcmPart): OcmRelease {
    return requireOcmRelease(this.options.toolchain, this.versionRecord.wanted(part, this.options.ocmVersion));
  }

  private readonly binOf = (definition: ProcessDefinition): string => this.release(definition.part).bin(definition.binary);

  private get dirs(): InstallerDirs {
    return this.options.dirs;
  }

  private get bootstrapPath(): string {
    return join(this.dirs.secrets, 'bootstrap-hub.kubeconfig');
  }

  private get recordsPath(): string {
    return join(this.dirs.work, 'processes.json');
  }

  /** The recorded processes that pass the record schema with their log inside the lab; the rest are found by their marker. */
  private records(): Record<string, HostProcessRecord> {
    try {
      return parseHostProcessRecords(readFileSync(this.recordsPath, 'utf8'), this.dirs.logs);
    } catch {
      return {};
    }
  }

  private record(record: HostProcessRecord): void {
    writePrivateFile(this.recordsPath, `${JSON.stringify({ ...this.records(), [record.id]: record }, null, 2)}\n`);
  }

  /** The kubeconfig OCM's processes get for a cluster: its own, or for a context that is not the file's current one, a file of that context alone. */
  private processKubeconfig(cluster: ClusterHandle): string {
    return cluster.context === undefined ? cluster.kubeconfig : join(this.dirs.secrets, 'contexts', `${cluster.name}.kubeconfig`);
  }

  private writeProcessKubeconfig(cluster: ClusterHandle): void {
    if (cluster.context === undefined) return;
    mkdirPrivate(join(this.dirs.secrets, 'contexts'));
    writePrivateFile(this.processKubeconfig(cluster), singleContextKubeconfig(cluster.kubeconfig, cluster.context));
  }

  /** Whether the lab installed OCM on this cluster: it recorded the intent first, runs processes for it, or marked the namespace. */
  private async installedHere(cluster: ClusterHandle, signal?: AbortSignal): Promise<boolean> {
    if (this.intents.has(cluster.name) || Object.values(this.records()).some((r) => r.cluster === cluster.name)) return true;
    const namespace = cluster.role === 'hub' ? HUB_NAMESPACE : AGENT_NAMESPACE;
    return installedBy(await ClusterClient.of(cluster).read({ apiVersion: 'v1', kind: 'Namespace', name: namespace }, signal), this.dirs.owner);
  }

  /**
   * Records that the lab installs OCM here, unless another OCM is there: the lab would run a second hub or agent
   * against it (OCM that runs as host processes is the lab's own; there is nothing to adopt).
   */
  private async claim(cluster: ClusterHandle, signal?: AbortSignal): Promise<void> {
    if (!(await this.installedHere(cluster, signal))) {
      const crd = OCM_CRD[cluster.role];
      if (await ClusterClient.of(cluster).read({ ...CRD, name: crd }, signal)) {
        throw new LabError(`${cluster.name} already has OCM (its CRD ${crd}), installed outside this lab`, {
          hint: 'OCM that runs as host processes is the lab\'s own: point the lab at clusters without OCM, or, where OCM runs in the clusters, set existing.ocmRuntime: pods to adopt it',
        });
      }
    }
    this.intents.add(cluster.name);
  }

  private hubProcesses(hub: ClusterHandle): ProcessDefinition[] {
    return hubProcesses({
      hubName: hub.name,
      hubKubeconfig: this.processKubeconfig(hub),
      featureGates: this.options.featureGates.hub,
      webhookCertDir: servingCertDir(this.webhookDir),
      webhookServers: this.release('hub').webhookServers,
    });
  }

  private get webhookDir(): string {
    return join(this.dirs.secrets, 'webhooks');
  }

  /**
   * Prepares the hub as the cluster-manager operator would, starts the webhook servers and registers them
   * (URLs on 127.0.0.1, trusted through the lab's webhook CA), then the controllers. A process the config
   * no longer wants (a gate turned off) is stopped; one started with other flags is started again.
   */
  async initHub(hub: ClusterHandle, options: CallOptions = {}): Promise<HubInfo> {
    const { signal } = options;
    const client = ClusterClient.of(hub);
    const release = this.release('hub');
    await this.claim(hub, signal);
    this.writeProcessKubeconfig(hub);
    await prepareHub(client, release.crdFiles.hub, this.dirs.owner, signal);
    const info = await this.hubInfo(hub, options);
    const certs = ensureWebhookCerts(this.webhookDir);
    const definitions = this.hubProcesses(hub);
    const wanted = new Set(definitions.map((d) => d.id));
    for (const record of Object.values(this.records())) {
      if (record.cluster === hub.name && !wanted.has(record.id)) await this.forget(record);
    }
    // The webhook servers start together, then the controllers together: the controllers' writes go through the
    // webhooks, and neither group's members wait on each other.
    const listen: Partial<Record<WebhookServerName, string>> = {};
    await Promise.all(
      release.webhookServers.map(async (server) => {
        listen[server] = (await this.ensureRunning(definitions.find((d) => d.id === webhookServerId(hub.name, server))!, signal)).listen;
      }),
    );
    // A field manager of their own: the CRDs' conversion is a part of objects that prepareHub applies whole.
    for (const object of admissionWebhookObjects(listen, certs.caBundle)) await applyMarked(client, object, this.dirs.owner, { signal, fieldManager: WEBHOOKS_FIELD_MANAGER });
    // Releases with add-on webhooks serve add-ons at v1alpha1 and v1beta1, converted by that server.
    if (listen.addon) for (const object of conversionPatches(listen.addon, certs.caBundle)) await client.apply(object, { signal, fieldManager: WEBHOOKS_FIELD_MANAGER });
    await Promise.all(definitions.filter((d) => d.binary !== OCM_WEBHOOK_SERVER).map((definition) => this.ensureRunning(definition, signal)));
    this.versionRecord.set('hub', release.version);
    return info;
  }

  /**
   * Moves one part to a newer release, as OCM documents it (the hub before the agents): its CRDs applied, then each
   * of its processes restarted on the new release's binary (ensureRunning sees the binary changed). Objects OCM
   * made stay; the agents keep their hub credentials, so the clusters stay joined.
   */
  async upgrade(part: OcmPart, version: string, clusters: { hub: ClusterHandle; managed: ClusterHandle[] }, options: CallOptions = {}): Promise<void> {
    const from = this.versionRecord.wanted(part, this.options.ocmVersion);
    if (compareVersions(version, from) < 0) throw new LabError(`the ${part} runs OCM ${from}: it cannot go back to ${version}`, { hint: 'OCM supports upgrades only; make a new lab (./lab down, set ocm.version, ./lab up) for an older release' });
    requireOcmRelease(this.options.toolchain, version);
    this.versionRecord.set(part, version);
    if (part === 'hub') {
      await this.initHub(clusters.hub, options);
      return;
    }
    const hubInfo = await this.hubInfo(clusters.hub, options);
    for (const cluster of clusters.managed) await this.join(cluster, undefined, hubInfo, options);
  }

  private async forget(record: HostProcessRecord): Promise<void> {
    await stopHostProcess(record, this.dirs.owner);
    const { [record.id]: _gone, ...rest } = this.records();
    writePrivateFile(this.recordsPath, `${JSON.stringify(rest, null, 2)}\n`);
  }

  async hubInfo(hub: ClusterHandle, options: CallOptions = {}): Promise<HubInfo> {
    if (bootstrapNeedsRenewal(this.bootstrapPath)) {
      throwIfAborted(options.signal);
      writePrivateFile(this.bootstrapPath, await bootstrapKubeconfig(ClusterClient.of(hub), this.options.labName));
    }
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  async join(cluster: ClusterHandle, _spec: ManagedClusterSpec | undefined, hub: HubInfo, options: CallOptions = {}): Promise<JoinResult> {
    const release = this.release('agents');
    await this.claim(cluster, options.signal);
    await prepareManagedCluster(ClusterClient.of(cluster), release.crdFiles.managed, this.dirs.owner, options.signal);
    await this.startAgent(cluster, hub, options);
    this.versionRecord.set('agents', release.version);
    return { bootstrapping: !(await agentHasHubCredentials(ClusterClient.of(cluster), options.signal)) };
  }

  private klusterlet(cluster: ClusterHandle, hub: HubInfo): ProcessDefinition {
    return klusterletProcess({
      cluster: cluster.name,
      kubeconfig: this.processKubeconfig(cluster),
      bootstrapKubeconfig: hub.bootstrapKubeconfig,
      hubKubeconfigDir: this.hubKubeconfigDir(cluster.name),
      featureGates: this.options.featureGates.agent,
    });
  }

  private hubKubeconfigDir(cluster: string): string {
    return mkdirPrivate(containedPath(this.dirs.work, cluster, 'hub-kubeconfig'));
  }

  async startAgent(cluster: ClusterHandle, hub: HubInfo, options: CallOptions = {}): Promise<void> {
    this.writeProcessKubeconfig(cluster);
    await this.ensureRunning(this.klusterlet(cluster, hub), options.signal);
  }

  async stopAgent(cluster: ClusterHandle): Promise<void> {
    const record = this.records()[klusterletId(cluster.name)];
    if (record) await stopHostProcess(record, this.dirs.owner);
  }

  /** Nothing to do: the host processes run without leader election, and a restarted cluster's agent reconnects. */
  async afterControlPlaneRestart(): Promise<void> {}

  async rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    await this.stopAgent(cluster);
    const spoke = ClusterClient.of(cluster);
    await spoke.delete(HUB_KUBECONFIG_SECRET, signal);
    rmSync(this.hubKubeconfigDir(cluster.name), { recursive: true, force: true });
    await forgetManagedCluster(ClusterClient.of(hubCluster), cluster.name, signal);
    await this.startAgent(cluster, hub, options);
  }

  /** Starts the process unless the recorded one runs as defined and is healthy; waits for its /healthz. */
  private async ensureRunning(definition: ProcessDefinition, signal?: AbortSignal): Promise<HostProcessRecord> {
    const recorded = this.records()[definition.id];
    if (recorded && startedAsDefined(recorded, definition, this.binOf) && (await currentHealth(recorded, this.dirs.owner)) === 'healthy') return recorded;
    if (recorded) await stopHostProcess(recorded, this.dirs.owner);
    await this.stopUnrecorded(definition);
    throwIfAborted(signal);

    const [port] = await freePorts(1);
    const listen = `127.0.0.1:${port}`;
    const record = startHostProcess(
      {
        id: definition.id,
        cluster: definition.cluster,
        command: this.binOf(definition),
        args: definition.args(listen),
        log: join(mkdirPrivate(this.dirs.logs), `${definition.id.replaceAll('/', '-')}.log`),
        listen,
      },
      this.dirs.owner,
    );
    this.record(record);
    await waitUntilHealthy(record, this.dirs.owner, { timeoutMs: HEALTHY_TIMEOUT_MS, signal });
    return record;
  }

  /**
   * Stops the lab's processes (by their marker) that run this definition but are not recorded: after a crash
   * between start and record, or when a record was lost or tampered with, so a component never runs twice.
   */
  private async stopUnrecorded(definition: ProcessDefinition): Promise<void> {
    const command = this.binOf(definition);
    const runsIt = ({ args }: { args: string[] }) => {
      const listen = args.find((a) => a.startsWith('--listen='))?.slice('--listen='.length) ?? '';
      const wanted = definition.args(listen);
      return args[0] === command && args.length === wanted.length + 1 && wanted.every((arg, i) => arg === args[i + 1]);
    };
    const strays = processesOwnedBy({ root: this.dirs.owner }).filter(runsIt);
    if (strays.length) await terminate(strays.map((p) => p.pid));
  }

  /**
   * Every process the lab's config wants on these clusters, with its health: 'stopped' when it is not
   * running (or was never started), 'outdated' when it runs with other flags than the config asks for
   * (feature gates changed), and every recorded process the config no longer wants, as 'outdated'.
   */
  async components(clusters: ClusterHandle[]): Promise<ComponentStatus[]> {
    const records = this.records();
    const hub = clusters.find((c) => c.role === 'hub');
    const bootstrap: HubInfo = { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub?.serverFromClusters ?? '' };
    const definitions = [...(hub ? this.hubProcesses(hub) : []), ...clusters.filter((c) => c.role === 'managed').map((c) => this.klusterlet(c, bootstrap))];
    const wanted = new Set(definitions.map((d) => d.id));
    const statuses = definitions.map(async (definition): Promise<ComponentStatus> => {
      const record = records[definition.id];
      if (!record) return { id: definition.id, cluster: definition.cluster, health: 'stopped', detail: 'not started' };
      const health = await currentHealth(record, this.dirs.owner);
      const outdated = health !== 'stopped' && !startedAsDefined(record, definition, this.binOf);
      const version = this.release(definition.part).version;
      return {
        id: record.id,
        cluster: record.cluster,
        pid: record.pid,
        log: record.log,
        version,
        health: outdated ? 'outdated' : health,
        ...(outdated && { detail: `runs another release or other flags than the lab asks for (OCM ${version}, feature gates)` }),
      };
    });
    const unwanted = Object.values(records)
      .filter((r) => !wanted.has(r.id) && isRunning(r, this.dirs.owner))
      .map((r): ComponentStatus => ({ id: r.id, cluster: r.cluster, pid: r.pid, log: r.log, health: 'outdated', detail: 'the config no longer asks for it (feature gates)' }));
    return [...(await Promise.all(statuses)), ...unwanted];
  }

  logs(): { id: string; log: string }[] {
    return Object.values(this.records()).map((r) => ({ id: r.id, log: r.log }));
  }

  /**
   * For clusters that outlive the lab: stops every OCM process, then removes what the lab put on the clusters
   * (marked as its own): the webhook registrations first (with their servers gone they would refuse every change
   * to OCM's objects), then OCM's CRDs with all their objects, the hub's namespaces for the clusters it joined and
   * their CSRs, the namespaces and bootstrap identity. A hub with clusters the lab did not join is not removed.
   */
  async uninstall(hub: ClusterHandle, managed: ClusterHandle[], options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const owner = this.dirs.owner;
    const hubClient = ClusterClient.of(hub);
    const hubIsOurs = await this.installedHere(hub, signal);
    const joined: ClusterHandle[] = [];
    for (const cluster of managed) if (await this.installedHere(cluster, signal)) joined.push(cluster);
    if (hubIsOurs && (await hubClient.read({ ...CRD, name: OCM_CRD.hub }, signal))) {
      const others = (await hubClient.list<KubernetesObject>(MANAGED_CLUSTER, undefined, signal)).map((mc) => mc.metadata!.name!).filter((name) => !joined.some((c) => c.name === name));
      if (others.length) {
        throw new LabError(`the hub ${hub.name} the lab installed has managed clusters it did not join: ${others.join(', ')}`, {
          hint: 'stop their agents and delete their ManagedClusters, then run ./lab down again',
        });
      }
    }
    // From here no OCM component runs: nothing re-creates what goes, or would clear the finalizers it set.
    await this.teardown();
    if (hubIsOurs) await removeMarkedObjects(hubClient, owner, ADMISSION_WEBHOOK_REFS, signal);
    // The hub managing itself loses its klusterlet's part with the hub's.
    const elsewhere = joined.filter((cluster) => !(hubIsOurs && cluster.kubeconfig === hub.kubeconfig && cluster.context === hub.context));
    await Promise.all([
      ...elsewhere.map(async (cluster) => {
        const client = ClusterClient.of(cluster);
        await removeMarkedCrds(client, owner, signal);
        await removeMarkedObjects(client, owner, AGENT_OBJECTS, signal);
      }),
      (async () => {
        if (!hubIsOurs) return;
        await removeMarkedCrds(hubClient, owner, signal);
        for (const cluster of joined) {
          await deleteClusterCsrs(hubClient, cluster.name, signal);
          await dropFinalizers(hubClient, { ...ROLE_BINDING, namespace: cluster.name }, signal);
          await removeClusterNamespace(hubClient, cluster.name, signal);
        }
        await deleteAndWait(hubClient, registrationRbac(joined.map((c) => c.name)), signal);
        await removeMarkedObjects(hubClient, owner, [...HUB_OBJECTS, ...AGENT_OBJECTS], signal);
      })(),
    ]);
  }

  /** Stops every recorded process, then any OCM process of this lab the records no longer know (after a crash). */
  async teardown(): Promise<void> {
    const owner = this.dirs.owner;
    await Promise.all(Object.values(this.records()).map((record) => stopHostProcess(record, owner)));
    const releases = supportedOcmVersions().flatMap((version) => findOcmRelease(this.options.toolchain, version) ?? []);
    const binaries = new Set(releases.flatMap((release) => OCM_PROCESS_BINARIES.map((b) => release.bin(b))));
    const strays = processesOwnedBy({ root: owner }).filter((p) => binaries.has(p.args[0]!));
    if (strays.length) await terminate(strays.map((p) => p.pid));
    rmSync(this.recordsPath, { force: true });
  }
}
