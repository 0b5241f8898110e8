import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { ManagedClusterSpec } from '../../config/schema.js';
import { CommandError, errorMessage, LabError } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { deploymentRolledOut } from '../../kube/readiness.js';
import { forgetManagedCluster } from '../forget-cluster.js';
import { writePrivateFile } from '../../fs/private-files.js';
import { pollUntil } from '../../process/poll.js';
import { run } from '../../process/run.js';
import type { CallOptions, ClusterHandle } from '../../providers/provider.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { BOOTSTRAP_NAMESPACE, BOOTSTRAP_SERVICE_ACCOUNT, bootstrapKubeconfig, bootstrapNeedsRenewal } from '../bootstrap-token.js';
import { compareVersions, OcmVersionRecord, type OcmPart, type OcmVersions } from '../ocm-versions.js';
import { requireOcmRelease } from '../../toolchain/ocm-release.js';
import { applyChart, clusterManagerValues, klusterletChartValues, renderChart } from './release-charts.js';
import { agentHasHubCredentials, HUB_KUBECONFIG_SECRET } from '../agent-credentials.js';
import type { ComponentStatus, HubInfo, InstallerCapabilities, InstallerDirs, JoinResult, OcmInstaller } from '../installer.js';
import type { Condition } from '../resources.js';
import type { Lease } from '../../kube/node-health.js';
import { AGENT_FEATURE_GATES, HUB_FEATURE_GATES, operatorFeatureGates, sameOperatorFeatureGates, type FeatureGates, type OperatorFeatureGate } from '../feature-gates.js';
import { cleanArgs, initArgs, joinArgs, unjoinArgs, upgradeArgs } from './commands.js';
import { removeClusterNamespace, removeKlusterletLeftovers, removeOcmLeftovers } from '../leftovers.js';
import { OCM_IMAGE_PREFIX, OCM_NAMESPACES, ocmReleaseOf, operatorDeployments, type Deployment } from './operator-deployments.js';
import { releaseStaleLeaderLeases } from './stale-leader-leases.js';
import { useQuickReadiness } from './quick-readiness.js';
import { AFTER_ACCEPT, BEFORE_ACCEPT, KLUSTERLET_REF, recheckHubConnection, removeRecheckAnnotation } from './hub-connection-recheck.js';
import { InstallIntents, installedBy, markInstalled } from '../install-marks.js';
import { klusterletValues, WORK_STATUS_SYNC_INTERVAL } from '../work-status-sync.js';

/** clusteradm waits up to 300 s per stage (its --timeout), after the nodes pull OCM's images. */
const INIT_TIMEOUT_MS = 10 * 60_000;
const JOIN_TIMEOUT_MS = 10 * 60_000;

const OPERATOR_API = 'operator.open-cluster-management.io/v1';
const CLUSTER_MANAGER = { apiVersion: OPERATOR_API, kind: 'ClusterManager', name: 'cluster-manager', crd: 'clustermanagers.operator.open-cluster-management.io' };
const KLUSTERLET = { ...KLUSTERLET_REF, crd: 'klusterlets.operator.open-cluster-management.io' };
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const KLUSTERLET_OPERATOR = { namespace: 'open-cluster-management', name: 'klusterlet' };
const CLUSTER_MANAGER_OPERATOR = { namespace: 'open-cluster-management', name: 'cluster-manager' };
const AGENT_NAMESPACE = 'open-cluster-management-agent';
const REGISTRATION_AGENT = { namespace: AGENT_NAMESPACE, name: 'klusterlet-registration-agent' };
const AGENTS = [REGISTRATION_AGENT, { namespace: AGENT_NAMESPACE, name: 'klusterlet-work-agent' }];
/** The bootstrap kubeconfig `clusteradm join` left. */
const BOOTSTRAP_SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: 'bootstrap-hub-kubeconfig' };
const SCALE_TIMEOUT_MS = 120_000;
const REGISTRATION_WEBHOOK = { namespace: 'open-cluster-management-hub', name: 'cluster-manager-registration-webhook' };
const MANAGED_CLUSTER_MUTATOR = 'managedclustermutators.admission.cluster.open-cluster-management.io';
const MANAGED_CLUSTER = { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster' };
const MANAGED_CLUSTER_CRD = 'managedclusters.cluster.open-cluster-management.io';
const DISCOVERY_LAG_MS = 30_000;
/** clusteradm upgrade waits for the operator itself; the components it then rolls out get this long. */
const UPGRADE_ROLLOUT_MS = 5 * 60_000;


export interface ClusteradmInstallerOptions {
  labName: string;
  /** The OCM version clusteradm deploys (its --bundle-version). */
  ocmVersion: string;
  dirs: InstallerDirs;
  toolchain: Toolchain;
  /** The lab's OCM feature gates: the cluster manager's, and the klusterlets'. */
  featureGates: { hub: FeatureGates; agent: FeatureGates };
  /** Agents find the hub through its cluster-info ConfigMap (kind's Docker network), else at the hub's serverFromClusters. */
  hubLookup: boolean;
  /** The lab made the clusters, so OCM's pods there may be checked for readiness every second (./quick-readiness.ts). */
  quickReadiness: boolean;
}

/** Where each component's gates live in the operators' specs, and which gates each knows. */
const GATE_FIELDS = {
  hub: [
    { field: 'registrationConfiguration', component: 'registration' },
    { field: 'workConfiguration', component: 'work' },
    { field: 'addOnManagerConfiguration', component: 'addon' },
  ],
  managed: [
    { field: 'registrationConfiguration', component: 'registration' },
    { field: 'workConfiguration', component: 'work' },
  ],
} as const;

/** What the lab sets in one component's part of an operator's spec (e.g. the Klusterlet's workConfiguration). */
interface ComponentSettings {
  featureGates?: OperatorFeatureGate[];
  statusSyncInterval?: string;
}

type OperatorSpec = Record<string, ComponentSettings | undefined>;

function differs(actual: ComponentSettings | undefined, wanted: ComponentSettings): boolean {
  if (!sameOperatorFeatureGates(actual?.featureGates, wanted.featureGates ?? [])) return true;
  return wanted.statusSyncInterval !== undefined && actual?.statusSyncInterval !== wanted.statusSyncInterval;
}

/**
 * OCM the operator way, for clusters that run pods: `clusteradm init` deploys the cluster manager
 * on the hub, `clusteradm join` the klusterlet on each managed cluster. Everything runs in pods,
 * so deleting the clusters removes OCM.
 */
export class ClusteradmInstaller implements OcmInstaller {
  static readonly capabilities: InstallerCapabilities = { agentFaults: true, freshJoin: true, upgrade: true };
  readonly capabilities = ClusteradmInstaller.capabilities;
  readonly podNamespaces = { hub: [...OCM_NAMESPACES.hub], managed: [...OCM_NAMESPACES.managed] };

  private readonly intents: InstallIntents;
  private readonly versionRecord: OcmVersionRecord;

  constructor(private readonly options: ClusteradmInstallerOptions) {
    this.intents = new InstallIntents(options.dirs.work);
    this.versionRecord = new OcmVersionRecord(options.dirs.work);
  }

  /** The release each part runs: the configured one, or a newer one it was upgraded to. */
  versions(): OcmVersions {
    return { hub: this.wanted('hub'), agents: this.wanted('agents') };
  }

  private wanted(part: OcmPart): string {
    return this.versionRecord.wanted(part, this.options.ocmVersion);
  }

  /** clusteradm renders its own OCM's charts only (see release-charts.ts): any other release is installed from its own. */
  private rendersItself(version: string): boolean {
    return version === this.options.toolchain.versions.ocm;
  }

  /** A release's own chart, rendered with the values clusteradm would set, applied, and its operator CR marked. */
  private async installChart(cluster: ClusterHandle, cr: typeof CLUSTER_MANAGER | typeof KLUSTERLET, version: string, values: object, secrets: string[], signal?: AbortSignal): Promise<void> {
    const charts = requireOcmRelease(this.options.toolchain, version).charts;
    if (!charts) throw new LabError(`OCM ${version} has no charts in the toolchain`, { hint: `run ./lab setup --ocm ${version}` });
    this.intents.add(cluster.name);
    await this.prepareCluster(cluster, signal);
    const chart = cr === KLUSTERLET ? charts.klusterlet : charts.clusterManager;
    const objects = await renderChart(this.options.toolchain.bin('helm'), chart, cr === KLUSTERLET ? 'klusterlet' : 'cluster-manager', values, secrets, signal);
    await applyChart(ClusterClient.of(cluster), objects, signal);
    await markInstalled(ClusterClient.of(cluster), cr, this.options.dirs.owner, signal);
  }

  private settingsObject(role: ClusterHandle['role']): Record<string, ComponentSettings> {
    return Object.fromEntries(this.wantedSettings(role).map(({ field, settings }) => [field, settings]));
  }

  /** Whether the lab installed the operator CR on this cluster (else it adopted an OCM it found there). */
  private async installedHere(cluster: ClusterHandle, cr: typeof CLUSTER_MANAGER | typeof KLUSTERLET, signal?: AbortSignal): Promise<boolean> {
    if (this.intents.has(cluster.name)) return true;
    const client = ClusterClient.of(cluster);
    if (!(await client.read({ ...CRD, name: cr.crd }, signal))) return false;
    return installedBy(await client.read(cr, signal), this.options.dirs.owner);
  }

  /** Installs with clusteradm, the intent recorded first and the CR marked after, so `down` knows it is the lab's. */
  private async install(cluster: ClusterHandle, cr: typeof CLUSTER_MANAGER | typeof KLUSTERLET, args: string[], options: { hint: string; secrets?: string[]; signal?: AbortSignal }): Promise<void> {
    this.intents.add(cluster.name);
    await this.prepareCluster(cluster, options.signal);
    await this.clusteradm(args, { timeoutMs: cr === KLUSTERLET ? JOIN_TIMEOUT_MS : INIT_TIMEOUT_MS, ...options });
    await markInstalled(ClusterClient.of(cluster), cr, this.options.dirs.owner, options.signal);
  }

  /** Before OCM's first pod on a cluster. */
  private async prepareCluster(cluster: ClusterHandle, signal?: AbortSignal): Promise<void> {
    if (this.options.quickReadiness) await useQuickReadiness(ClusterClient.of(cluster), signal);
  }

  /**
   * An OCM the lab did not install is adopted as it is (its settings are its owner's), if it runs the lab's version.
   */
  private async adopt(cluster: ClusterHandle, cr: typeof CLUSTER_MANAGER | typeof KLUSTERLET, signal?: AbortSignal): Promise<void> {
    const object = await ClusterClient.of(cluster).read<KubernetesObject & { spec?: { registrationImagePullSpec?: string } }>(cr, signal);
    const image = object?.spec?.registrationImagePullSpec ?? '';
    const version = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
    const part = cr === KLUSTERLET ? 'agents' : 'hub';
    if (version !== this.wanted(part)) {
      throw new LabError(`${cluster.name} runs OCM ${version} (${cr.kind} ${cr.name}, installed outside this lab), the lab is set to ${this.wanted(part)}`, {
        hint: `set ocm.version to ${version} in the config if this toolchain has it, or upgrade that OCM to ${this.wanted(part)}`,
      });
    }
  }

  private get bootstrapPath(): string {
    return join(this.options.dirs.secrets, 'bootstrap-hub.kubeconfig');
  }

  private async clusteradm(args: string[], options: { timeoutMs: number; secrets?: string[]; hint: string; signal?: AbortSignal }): Promise<string> {
    try {
      return await run(this.options.toolchain.bin('clusteradm'), args, { timeoutMs: options.timeoutMs, secrets: options.secrets, signal: options.signal });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      throw new CommandError(error.command, error.stderr, { cause: error, hint: options.hint });
    }
  }

  /**
   * Installs the cluster manager unless it is already applied, then takes a fresh bootstrap token
   * (clusteradm's tokens expire after an hour, so one from an earlier run may be dead).
   * The bootstrap kubeconfig holds the hub's host endpoint: `clusteradm join` runs on this host,
   * and the klusterlet itself finds the internal endpoint through --force-internal-endpoint-lookup.
   */
  async initHub(hub: ClusterHandle, options: CallOptions = {}): Promise<HubInfo> {
    const { signal } = options;
    const applied = await hasApplied(hub, CLUSTER_MANAGER);
    if (applied && !(await this.installedHere(hub, CLUSTER_MANAGER, signal))) {
      await this.adopt(hub, CLUSTER_MANAGER, signal);
      await waitForHubApi(hub, signal);
      return this.renewToken(hub);
    }
    if (!applied) {
      const version = this.wanted('hub');
      if (this.rendersItself(version)) {
        await this.install(hub, CLUSTER_MANAGER, initArgs(hub, version, this.options.featureGates.hub), {
          signal,
          hint: `see \`kubectl --kubeconfig ${hub.kubeconfig} get pods -A\`, then run ./lab up again`,
        });
      } else {
        const settings = this.settingsObject('hub');
        const values = clusterManagerValues(version, { registrationConfiguration: settings.registrationConfiguration ?? {}, workConfiguration: settings.workConfiguration ?? {}, addOnManagerConfiguration: settings.addOnManagerConfiguration ?? {} });
        await this.installChart(hub, CLUSTER_MANAGER, version, values, [], signal);
      }
      this.versionRecord.set('hub', version);
    }
    await markInstalled(ClusterClient.of(hub), CLUSTER_MANAGER, this.options.dirs.owner, signal);
    await this.catchUp(hub, signal);
    await waitForHubApi(hub, signal);
    await this.applySettings(hub, signal);
    await waitForRegistrationWebhook(hub, signal);
    return this.renewToken(hub);
  }

  /** What the operator CR of this cluster (ClusterManager or Klusterlet) should say, per component field. */
  private wantedSettings(role: ClusterHandle['role']): { field: string; settings: ComponentSettings }[] {
    const [catalog, chosen] = role === 'hub' ? [HUB_FEATURE_GATES, this.options.featureGates.hub] : [AGENT_FEATURE_GATES, this.options.featureGates.agent];
    return GATE_FIELDS[role].map(({ field, component }) => ({
      field,
      settings: {
        featureGates: operatorFeatureGates(catalog, component, chosen),
        ...(role === 'managed' && component === 'work' ? { statusSyncInterval: WORK_STATUS_SYNC_INTERVAL } : {}),
      },
    }));
  }

  /** The fields whose settings differ from the lab's, read from the operator CR (none when the CR is not there yet). */
  private async settingsDrift(cluster: ClusterHandle, signal?: AbortSignal): Promise<string[]> {
    const cr = cluster.role === 'hub' ? CLUSTER_MANAGER : KLUSTERLET;
    const client = ClusterClient.of(cluster);
    if (!(await client.read({ ...CRD, name: cr.crd }, signal))) return [];
    const object = await client.read<KubernetesObject & { spec?: OperatorSpec }>(cr, signal);
    if (!object) return [];
    return this.wantedSettings(cluster.role)
      .filter(({ field, settings }) => differs(object.spec?.[field], settings))
      .map(({ field }) => field);
  }

  /**
   * Changed settings (feature gates, the status sync) reach a lab that is up through the operator CR, as
   * `clusteradm init/join` would have written them: the operators then roll out their components with the new flags.
   */
  private async applySettings(cluster: ClusterHandle, signal?: AbortSignal): Promise<void> {
    const drift = await this.settingsDrift(cluster, signal);
    if (!drift.length) return;
    const cr = cluster.role === 'hub' ? CLUSTER_MANAGER : KLUSTERLET;
    const spec = Object.fromEntries(this.wantedSettings(cluster.role).filter((w) => drift.includes(w.field)).map(({ field, settings }) => [field, settings]));
    const client = ClusterClient.of(cluster);
    await client.mergePatch(cr, { spec }, signal);
    // Until the operator has acted on it, its Deployments still carry the old flags.
    await client.waitFor<KubernetesObject & { status?: { observedGeneration?: number } }, true>(
      cr,
      ([object]) => ((object?.status?.observedGeneration ?? 0) >= (object?.metadata?.generation ?? 1) ? true : undefined),
      { timeoutMs: SCALE_TIMEOUT_MS, description: `the ${cr.kind} operator on ${cluster.name} to act on the new settings`, signal },
    );
    // The components restart with their new flags: until every rollout is over, a webhook may have no pod to answer.
    for (const namespace of OCM_NAMESPACES[cluster.role]) {
      await client.waitFor<Deployment, true>(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
        (deployments) => (deployments.every(deploymentRolledOut) ? true : undefined),
        { timeoutMs: SCALE_TIMEOUT_MS, description: `the OCM Deployments in ${namespace} on ${cluster.name} to roll out the new settings`, signal },
      );
    }
  }

  /**
   * A token of the bootstrap service account `clusteradm init` made, from a TokenRequest as `clusteradm get
   * token` makes it. Asked for directly because `get token` refuses a hub whose cluster-manager has not
   * installed its CRDs yet, and the managed clusters can join meanwhile.
   */
  private async renewToken(hub: ClusterHandle): Promise<HubInfo> {
    const kubeconfig = await bootstrapKubeconfig(ClusterClient.of(hub), this.options.labName).catch((error: unknown) => {
      throw new LabError(`cannot get a bootstrap token from the hub: ${errorMessage(error)}`, {
        hint: `the service account ${BOOTSTRAP_NAMESPACE}/${BOOTSTRAP_SERVICE_ACCOUNT} that clusteradm init creates may be missing: run ./lab up again`,
      });
    });
    writePrivateFile(this.bootstrapPath, kubeconfig);
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  async join(cluster: ClusterHandle, spec: ManagedClusterSpec, hub: HubInfo, options: CallOptions = {}): Promise<JoinResult> {
    await this.startKlusterlet(cluster, spec, hub, options);
    return { bootstrapping: !(await agentHasHubCredentials(ClusterClient.of(cluster), options.signal)) };
  }

  private async startKlusterlet(cluster: ClusterHandle, _spec: ManagedClusterSpec, hub: HubInfo, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    if (await hasApplied(cluster, KLUSTERLET)) {
      if (!(await this.installedHere(cluster, KLUSTERLET, signal))) return this.adopt(cluster, KLUSTERLET, signal);
      await markInstalled(ClusterClient.of(cluster), KLUSTERLET, this.options.dirs.owner, signal);
      await this.catchUp(cluster, signal);
      return this.applySettings(cluster, signal);
    }
    const { server, token } = readBootstrap(hub.bootstrapKubeconfig);
    const version = this.wanted('agents');
    if (!this.rendersItself(version)) {
      // The agents reach the hub at its endpoint for clusters, as clusteradm's internal-endpoint lookup finds it.
      const bootstrapKubeconfig = withServer(readFileSync(hub.bootstrapKubeconfig, 'utf8'), hub.apiServer);
      const settings = this.settingsObject('managed');
      const values = klusterletChartValues(version, {
        clusterName: cluster.name,
        bootstrapKubeconfig,
        registrationConfiguration: settings.registrationConfiguration ?? {},
        workConfiguration: settings.workConfiguration ?? {},
      });
      await this.installChart(cluster, KLUSTERLET, version, values, [token], signal);
      this.versionRecord.set('agents', version);
      return;
    }
    const featureGates = this.options.featureGates.agent;
    const valuesFile = join(this.options.dirs.work, 'klusterlet-values.yaml');
    writePrivateFile(valuesFile, stringify(klusterletValues()));
    // With the lookup, clusteradm reaches the hub from this host and the agents take its in-cluster endpoint.
    const hubLookup = this.options.hubLookup;
    const hubApiServer = hubLookup ? server : hub.apiServer;
    const args = joinArgs({ clusterName: cluster.name, hubApiServer, token, cluster, bundleVersion: this.options.ocmVersion, hubLookup, featureGates, valuesFile });
    await this.install(cluster, KLUSTERLET, args, {
      signal,
      secrets: [token],
      hint: `see the klusterlet: \`kubectl --kubeconfig ${cluster.kubeconfig} get pods -n open-cluster-management-agent\`, then run ./lab up again`,
    });
    this.versionRecord.set('agents', version);
  }

  /**
   * `clusteradm upgrade clustermanager` or `clusteradm upgrade klusterlet` (each cluster at once) to the release
   * clusteradm renders, keeping the settings in the operator CRs; then waits until every OCM Deployment of the part
   * runs that release and has rolled out. Only an OCM the lab installed is upgraded.
   */
  async upgrade(part: OcmPart, version: string, clusters: { hub: ClusterHandle; managed: ClusterHandle[] }, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const from = this.wanted(part);
    if (compareVersions(version, from) < 0) throw new LabError(`the ${part} runs OCM ${from}: it cannot go back to ${version}`, { hint: 'OCM supports upgrades only; make a new lab (./lab down, set ocm.version, ./lab up) for an older release' });
    if (!this.rendersItself(version)) {
      throw new LabError(`clusteradm ${this.options.toolchain.versions.clusteradm} upgrades OCM to ${this.options.toolchain.versions.ocm} only, not ${version}`, { hint: `upgrade to ${this.options.toolchain.versions.ocm}` });
    }
    const targets = part === 'hub' ? [clusters.hub] : clusters.managed;
    const cr = part === 'hub' ? CLUSTER_MANAGER : KLUSTERLET;
    for (const cluster of targets) {
      if (!(await this.installedHere(cluster, cr, signal))) {
        throw new LabError(`the ${cr.kind} on ${cluster.name} was installed outside this lab: the lab does not upgrade it`, { hint: `upgrade it with clusteradm upgrade ${cr === KLUSTERLET ? 'klusterlet' : 'clustermanager'} --bundle-version ${version}` });
      }
    }
    this.versionRecord.set(part, version);
    await Promise.all(targets.map((cluster) => this.upgradeCluster(cluster, version, signal)));
  }

  /**
   * The old release's operator stops first, its leader lease with it: left running through the operator's rollout,
   * it kept the lead, rolled the components out with its own manifests and the new images, and the new operator
   * rolled them out again (and added what the new release has, such as v1.2.0's add-on webhook) only once it took
   * the lead, a minute after the upgrade looked done. With one operator only, the components it rolls out to the
   * new images are the new release's.
   */
  private async upgradeCluster(cluster: ClusterHandle, version: string, signal?: AbortSignal): Promise<void> {
    const cr = cluster.role === 'hub' ? CLUSTER_MANAGER : KLUSTERLET;
    const client = ClusterClient.of(cluster);
    const operator = cluster.role === 'hub' ? CLUSTER_MANAGER_OPERATOR : KLUSTERLET_OPERATOR;
    await scale(client, operator, 0, signal);
    // Only the stopped operator's: on a hub that manages itself the cluster manager's operator leads beside it.
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: operator.namespace };
    for (const held of await client.list<Lease>(lease, undefined, signal)) {
      if (held.spec?.holderIdentity?.startsWith(`${operator.name}-`)) await client.delete({ ...lease, name: held.metadata!.name! }, signal);
    }
    await this.clusteradm(upgradeArgs(cluster.role === 'hub' ? 'clustermanager' : 'klusterlet', version, cluster), {
      timeoutMs: INIT_TIMEOUT_MS,
      signal,
      hint: `see \`kubectl --kubeconfig ${cluster.kubeconfig} get ${cr.kind.toLowerCase()} ${cr.name} -o yaml\`, then run the step again`,
    });
    await waitRunning(cluster, version, signal);
  }

  /** The release the cluster's operator runs (its image), when it is older than the one its part should run. */
  private async releaseBehind(cluster: ClusterHandle, signal?: AbortSignal): Promise<{ part: OcmPart; running: string; wanted: string } | undefined> {
    const part = cluster.role === 'hub' ? 'hub' : 'agents';
    const operator = cluster.role === 'hub' ? CLUSTER_MANAGER_OPERATOR : KLUSTERLET_OPERATOR;
    const deployment = await ClusterClient.of(cluster).read<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', ...operator }, signal);
    const running = deployment && ocmReleaseOf(deployment);
    const wanted = this.wanted(part);
    return running && compareVersions(wanted, running) > 0 ? { part, running, wanted } : undefined;
  }

  /**
   * An OCM the lab installed that runs an older release than the part should (ocm.version raised in the config) is
   * upgraded on the next `up`, as the upgrade operation would. Read from its operator's image, cluster by cluster.
   */
  private async catchUp(cluster: ClusterHandle, signal?: AbortSignal): Promise<void> {
    const behind = await this.releaseBehind(cluster, signal);
    if (!behind) return;
    const { part, wanted } = behind;
    if (!this.rendersItself(wanted)) throw new LabError(`clusteradm ${this.options.toolchain.versions.clusteradm} upgrades OCM to ${this.options.toolchain.versions.ocm} only, not ${wanted}`, { hint: `set ocm.version to ${this.options.toolchain.versions.ocm}` });
    await this.upgradeCluster(cluster, wanted, signal);
    this.versionRecord.set(part, wanted);
  }

  /** The klusterlet operator sees the agent's new hub credentials before they grant anything (./hub-connection-recheck.ts). */
  async beforeHubAccepts(cluster: ClusterHandle, options: CallOptions = {}): Promise<string | undefined> {
    return rechecked('before acceptance', await recheckHubConnection(ClusterClient.of(cluster), BEFORE_ACCEPT, options.signal));
  }

  /** The klusterlet operator asked to look at the agent's new hub credentials when it has missed them (./hub-connection-recheck.ts). */
  async accepted(cluster: ClusterHandle, options: CallOptions = {}): Promise<string | undefined> {
    return rechecked('after acceptance', await recheckHubConnection(ClusterClient.of(cluster), AFTER_ACCEPT, options.signal));
  }

  /** The cluster-manager and klusterlet operators and the OCM Deployments they run. */
  async components(clusters: ClusterHandle[], options: CallOptions = {}): Promise<ComponentStatus[]> {
    const drifts = await Promise.all(
      clusters.map(async (cluster): Promise<ComponentStatus[]> => {
        // An adopted OCM keeps its owner's settings: only the lab's own is held to the config.
        const ours = await this.installedHere(cluster, cluster.role === 'hub' ? CLUSTER_MANAGER : KLUSTERLET, options.signal).catch(() => false);
        const fields = ours ? await this.settingsDrift(cluster, options.signal).catch(() => []) : [];
        const cr = cluster.role === 'hub' ? CLUSTER_MANAGER : KLUSTERLET;
        const behind = ours ? await this.releaseBehind(cluster, options.signal).catch(() => undefined) : undefined;
        // The operator alone does nothing: without its CR (deleted, say, to hand the cluster to OCM's e2e suite) the
        // agents are gone, though the hub shows the cluster available for minutes more.
        const gone = ours && !(await hasApplied(cluster, cr).catch(() => true));
        return [
          ...(gone ? [{ id: `${cluster.name}/${cr.name}`, cluster: cluster.name, health: 'stopped' as const, detail: `no applied ${cr.kind} ${cr.name}: OCM's operator runs nothing here` }] : []),
          ...(fields.length ? [{ id: `${cluster.name}/${cr.name}`, cluster: cluster.name, health: 'outdated' as const, detail: `${cr.kind} settings of ${fields.join(', ')} differ from the config` }] : []),
          ...(behind ? [{ id: `${cluster.name}/${cr.name} release`, cluster: cluster.name, health: 'outdated' as const, detail: `runs OCM ${behind.running}, the lab is set to ${behind.wanted}` }] : []),
        ];
      }),
    );
    return [...(await operatorDeployments(clusters, options.signal)), ...drifts.flat()];
  }

  logs(): { id: string; log: string }[] {
    return [];
  }

  /** Nothing runs on the host; deleting the clusters removes OCM. */
  async teardown(): Promise<void> {}

  /**
   * The hub forgets each cluster the lab joined while its agents still run (they finalize the cluster's
   * ManifestWorks), then `clusteradm unjoin` removes the klusterlet; a hub the lab installed goes last with
   * `clusteradm clean`, which leaves the CRDs and the operator's namespace, removed here after it.
   */
  async uninstall(hub: ClusterHandle, managed: ClusterHandle[], options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const hubClient = ClusterClient.of(hub);
    const hubServesOcm = !!(await hubClient.read({ ...CRD, name: MANAGED_CLUSTER_CRD }, signal));
    const joined: ClusterHandle[] = [];
    for (const cluster of managed) if (await this.installedHere(cluster, KLUSTERLET, signal)) joined.push(cluster);
    // A klusterlet the lab adopted stays, without the mark a killed `up` may have left on its secret.
    await Promise.all(managed.filter((cluster) => !joined.includes(cluster)).map((cluster) => removeRecheckAnnotation(ClusterClient.of(cluster), signal)));
    if (hubServesOcm) {
      await Promise.all(joined.map(async (cluster) => (await forgetManagedCluster(hubClient, cluster.name, signal), removeClusterNamespace(hubClient, cluster.name, signal))));
    }
    await Promise.all(
      joined.map((cluster) =>
        this.clusteradm(unjoinArgs(cluster.name, cluster), {
          timeoutMs: JOIN_TIMEOUT_MS,
          signal,
          hint: `see \`kubectl --kubeconfig ${cluster.kubeconfig} get klusterlet\`, then run ./lab down again`,
        // On the hub itself (the hub managing itself) only the klusterlet's own: the rest is the hub's.
        }).then(() => (sameCluster(cluster, hub) ? removeKlusterletLeftovers(ClusterClient.of(cluster), signal) : removeOcmLeftovers(ClusterClient.of(cluster), 'managed', signal))),
      ),
    );
    if (!(await this.installedHere(hub, CLUSTER_MANAGER, signal))) return;
    const others = hubServesOcm ? (await hubClient.list<KubernetesObject>(MANAGED_CLUSTER)).map((mc) => mc.metadata?.name) : [];
    if (others.length) {
      throw new LabError(`the hub ${hub.name} the lab installed still has managed clusters it did not join: ${others.join(', ')}`, {
        hint: 'detach them (clusteradm unjoin on each, then delete its ManagedCluster), then run ./lab down again',
      });
    }
    await this.clusteradm(cleanArgs(hub), { timeoutMs: INIT_TIMEOUT_MS, signal, hint: 'run ./lab down again' });
    await removeOcmLeftovers(hubClient, 'hub', signal);
  }

  /** clusteradm's tokens last an hour: a later join or accept gets a fresh one. */
  async hubInfo(hub: ClusterHandle): Promise<HubInfo> {
    if (bootstrapNeedsRenewal(this.bootstrapPath)) return this.renewToken(hub);
    return { bootstrapKubeconfig: this.bootstrapPath, apiServer: hub.serverFromClusters };
  }

  /**
   * Stops the klusterlet's agents the way nothing undoes: the klusterlet operator first (it would scale
   * them back), then the registration and work agents, each until its pods are gone: a terminating registration
   * agent still renews hub credentials deleted under it, and a rejoin would then keep its old identity.
   */
  async stopAgent(cluster: ClusterHandle, options: CallOptions = {}): Promise<void> {
    const client = ClusterClient.of(cluster);
    for (const deployments of [[KLUSTERLET_OPERATOR], AGENTS]) await Promise.all(deployments.map((d) => scale(client, d, 0, options.signal)));
  }

  /** Starts the agents and the operator again; returns once both agents are available. */
  async startAgent(cluster: ClusterHandle, _hub: HubInfo, options: CallOptions = {}): Promise<void> {
    const client = ClusterClient.of(cluster);
    await Promise.all([...AGENTS, KLUSTERLET_OPERATOR].map((d) => scale(client, d, 1, options.signal)));
  }

  /** The pods come back under new identities and would wait out their predecessors' leader leases. */
  async afterControlPlaneRestart(cluster: ClusterHandle, restartedAt: Date, options: CallOptions = {}): Promise<void> {
    await releaseStaleLeaderLeases(ClusterClient.of(cluster), restartedAt, options.signal);
  }

  /**
   * A fresh join, as a new cluster makes one: the agents stop (operator first), their hub credentials go,
   * the hub forgets the cluster (ManagedCluster and CSRs), the bootstrap secret gets a fresh token, and
   * the agents start again. The registration agent, finding no credentials, bootstraps like a new cluster:
   * a new CSR and ManagedCluster, pending until someone accepts them.
   */
  async rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const client = ClusterClient.of(cluster);
    await this.stopAgent(cluster, options);
    await client.delete(HUB_KUBECONFIG_SECRET, signal);
    await forgetManagedCluster(ClusterClient.of(hubCluster), cluster.name, signal);
    const bootstrap = await client.read<Secret>(BOOTSTRAP_SECRET, signal);
    if (!bootstrap?.data?.kubeconfig) {
      throw new LabError(`${cluster.name} has no ${BOOTSTRAP_SECRET.namespace}/${BOOTSTRAP_SECRET.name} to join with`, { hint: 'run ./lab up to join it again' });
    }
    const kubeconfig = withToken(Buffer.from(bootstrap.data.kubeconfig, 'base64').toString('utf8'), readBootstrap(hub.bootstrapKubeconfig).token);
    await client.mergePatch(BOOTSTRAP_SECRET, { data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') } }, signal);
    // The work agent needs the hub credentials only acceptance brings: the operator starts it then.
    await Promise.all([REGISTRATION_AGENT, KLUSTERLET_OPERATOR].map((d) => scale(client, d, 1, signal)));
  }
}

/** The token in `clusteradm get token --output json`: {"hub-token": "...", "hub-apiserver": "https://..."}. */
export function parseHubToken(output: string): string {
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  let parsed: { 'hub-token'?: unknown } | undefined;
  try {
    if (start >= 0 && end > start) parsed = JSON.parse(output.slice(start, end + 1)) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const token = parsed?.['hub-token'];
  if (typeof token !== 'string' || !token) {
    // Never echo the output: it may hold a token.
    throw new LabError('clusteradm get token printed no hub token', {
      hint: 'the hub is not initialized completely: run ./lab up again (it re-runs clusteradm init)',
    });
  }
  return token;
}

/** Whether the operator CR exists and reports all its resources applied (so re-running clusteradm is needless). */
/**
 * `clusteradm join` needs the hub to serve ManagedClusters (its preflight reads discovery), and the
 * cluster-manager operator installs that CRD moments after `clusteradm init` returns. Watches the CRD
 * until Established, then asks discovery (it lags the CRD by a moment) until it lists the kind.
 */
async function waitForHubApi(hub: ClusterHandle, signal?: AbortSignal): Promise<void> {
  const client = ClusterClient.of(hub);
  const description = `the hub to serve ManagedClusters (CRD ${MANAGED_CLUSTER_CRD}, installed by the cluster-manager operator)`;
  await client.waitFor<KubernetesObject & { status?: { conditions?: Condition[] } }, true>(
    { ...CRD, name: MANAGED_CLUSTER_CRD },
    ([crd]) => (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined),
    { timeoutMs: INIT_TIMEOUT_MS, description, signal },
  );
  const served = await pollUntil(() => client.serves(MANAGED_CLUSTER.apiVersion, MANAGED_CLUSTER.kind, signal), Boolean, { timeoutMs: DISCOVERY_LAG_MS, intervalMs: 250, signal });
  if (!served.done) throw new LabError(`timed out waiting for ${description}: discovery does not list it`, { hint: 'run ./lab up again' });
}

/**
 * No cluster may register before the hub's ManagedCluster webhook is in place: a ManagedCluster created without
 * it misses the default cluster set's label, and OCM's own controller is then refused every later update of it
 * (adding a cluster to a set needs a permission it lacks), so the cluster can never be deleted. The hub's own
 * klusterlet (hub.manage) registered 3 s before the cluster-manager operator registered the webhook.
 */
async function waitForRegistrationWebhook(hub: ClusterHandle, signal?: AbortSignal): Promise<void> {
  const client = ClusterClient.of(hub);
  await client.waitFor<Deployment, true>(
    { ...REGISTRATION_WEBHOOK, apiVersion: 'apps/v1', kind: 'Deployment' },
    ([deployment]) => ((deployment?.status?.availableReplicas ?? 0) > 0 ? true : undefined),
    { timeoutMs: INIT_TIMEOUT_MS, description: `the hub's registration webhook (${REGISTRATION_WEBHOOK.namespace}/${REGISTRATION_WEBHOOK.name}) to be available`, signal },
  );
  await client.waitFor<KubernetesObject, true>(
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: MANAGED_CLUSTER_MUTATOR },
    ([found]) => (found ? true : undefined),
    { timeoutMs: INIT_TIMEOUT_MS, description: `the cluster-manager operator to register the webhook ${MANAGED_CLUSTER_MUTATOR}`, signal },
  );
}

async function hasApplied(cluster: ClusterHandle, cr: typeof CLUSTER_MANAGER | typeof KLUSTERLET): Promise<boolean> {
  const client = ClusterClient.of(cluster);
  // Asking for the CRD first: reading a kind the API server does not serve is an error, not "not found".
  if (!(await client.read({ ...CRD, name: cr.crd }))) return false;
  const object = await client.read<KubernetesObject & { status?: { conditions?: Condition[] } }>(cr);
  return object?.status?.conditions?.some((c) => c.type === 'Applied' && c.status === 'True') ?? false;
}


interface Secret extends KubernetesObject {
  data?: Record<string, string>;
}

function sameCluster(a: ClusterHandle, b: ClusterHandle): boolean {
  return a.kubeconfig === b.kubeconfig && a.context === b.context;
}

/** The kubeconfig with every user's token replaced (the server the klusterlet reaches the hub at stays). */
export function withToken(kubeconfig: string, token: string): string {
  const document = parse(kubeconfig) as { users?: { user?: { token?: string } }[] };
  for (const user of document.users ?? []) user.user = { ...user.user, token };
  return stringify(document);
}

/** The kubeconfig with every cluster's server replaced (the CA and the token stay). */
export function withServer(kubeconfig: string, server: string): string {
  const document = parse(kubeconfig) as { clusters?: { cluster?: { server?: string } }[] };
  for (const entry of document.clusters ?? []) entry.cluster = { ...entry.cluster, server };
  return stringify(document);
}

/**
 * Waits until every OCM Deployment of the cluster's role (the operator's, and its components') runs images of `version`
 * and has rolled out: clusteradm's own wait ends when the operator runs, before it has replaced the components.
 */
async function waitRunning(cluster: ClusterHandle, version: string, signal?: AbortSignal): Promise<void> {
  const client = ClusterClient.of(cluster);
  const namespaces = [BOOTSTRAP_NAMESPACE, ...OCM_NAMESPACES[cluster.role]];
  for (const namespace of namespaces) {
    await client.waitFor<Deployment, true>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
      (deployments) => {
        const ocm = deployments.filter((d) => d.spec?.template?.spec?.containers?.some((c) => c.image?.startsWith(OCM_IMAGE_PREFIX)));
        const done = ocm.length > 0 && ocm.every((d) => deploymentRolledOut(d) && ocmReleaseOf(d) === version);
        return done ? true : undefined;
      },
      { timeoutMs: UPGRADE_ROLLOUT_MS, description: `the OCM Deployments in ${namespace} on ${cluster.name} to run ${version} and roll out`, signal },
    );
  }
}

function readBootstrap(path: string): { server: string; token: string } {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (error) {
    throw new LabError(`cannot read the bootstrap kubeconfig ${path}`, { cause: error, hint: 'run ./lab up again to initialize the hub' });
  }
  const server = kc.getCurrentCluster()?.server;
  const token = kc.getCurrentUser()?.token;
  if (!server || !token) throw new LabError(`the bootstrap kubeconfig ${path} lacks a server or token`, { hint: 'run ./lab up again' });
  return { server, token };
}

/**
 * Scales a Deployment and waits until it has that many available replicas; for 0, until none of its pods is left, not
 * even a terminating one (a terminating agent still acts on its cluster, an operator still holds its lease).
 */
async function scale(client: ClusterClient, deployment: { namespace: string; name: string }, replicas: number, signal?: AbortSignal): Promise<void> {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment };
  await client.mergePatch(ref, { spec: { replicas } }, signal);
  await client.waitFor<Deployment, true>(
    ref,
    ([d]) => {
      const status = d?.status ?? {};
      const settled = replicas === 0 ? (status.replicas ?? 0) === 0 : (status.availableReplicas ?? 0) >= replicas;
      return settled ? true : undefined;
    },
    { timeoutMs: SCALE_TIMEOUT_MS, description: `Deployment ${deployment.namespace}/${deployment.name} at ${replicas} replica(s)`, signal },
  );
  if (replicas > 0) return;
  const selector = Object.entries((await client.read<Deployment>(ref, signal))?.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return;
  await client.waitFor<KubernetesObject, true>(
    { apiVersion: 'v1', kind: 'Pod', namespace: deployment.namespace },
    (pods) => (pods.length ? undefined : true),
    { timeoutMs: SCALE_TIMEOUT_MS, description: `the pods of Deployment ${deployment.namespace}/${deployment.name} to be gone`, labelSelector: selector, signal },
  );
}

function rechecked(when: string, touches: number): string | undefined {
  return touches > 0 ? `the klusterlet operator asked to check the hub credentials again ${when} (${touches}×)` : undefined;
}
