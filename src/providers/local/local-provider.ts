import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import { parse, parseAllDocuments } from 'yaml';
import { errorMessage, LabError } from '../../errors.js';
import { writePrivateFile } from '../../fs/private-files.js';
import { apiServerAnswers, waitForApiServer } from '../../kube/api-ready.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { base64File, renderKubeconfig } from '../../kube/kubeconfig.js';
import { nodeProblems } from '../../kube/node-health.js';
import { pollUntil } from '../../process/poll.js';
import { httpServes } from '../../process/http-probe.js';
import { terminate } from '../../process/host-process.js';
import { tailFileOr } from '../../process/log-tail.js';
import { containedPath } from '../../fs/contained-path.js';
import { carriesMarker, ownerEnv, processesOwnedBy, type Owner } from '../../process/ownership.js';
import { cmdline, environ } from '../../process/proc.js';
import { freePorts } from '../../process/ports.js';
import { run } from '../../process/run.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import type { CallOptions, ClusterHandle, ProviderCapabilities, ClusterHealth, ClusterProvider, ClusterRequest, ProviderDirs } from '../provider.js';
import { kwokctlConfig, PORT_COUNT, portsFrom } from './kwokctl-config.js';

const CREATE_TIMEOUT_MS = 180_000;
/**
 * Control planes started at once. Each spends seconds of CPU starting (etcd, and a kube-apiserver building its OpenAPI
 * models); more at once than the machine runs only share it out, so the hub and the first clusters are ready later and
 * nothing joins meanwhile. Hub + 10 on 2 cores (2026-12-07, 3 pairs timed in turn): 4 at a time took 0.91 (0.89–0.92) of
 * the time of all at once, 2 at a time the same as 4 (1.00); growing hub + 30 by 10 at once timed out in kwokctl.
 */
const STARTS_AT_ONCE = 2 * availableParallelism();
const QUICK_TIMEOUT_MS = 60_000;
const NODES_READY_TIMEOUT_MS = 60_000;
/** A cluster just created or started gets this long to make its nodes Ready before kwok is restarted. */
const SETTLE_TIMEOUT_MS = 20_000;

/** A cluster name as the config allows it (DNS-1123 label): anything else read from disk or state is not ours. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const CLUSTER_PART_PREFIX = 'kwok/';
const clusterPart = (cluster: string) => `${CLUSTER_PART_PREFIX}${cluster}`;

const KWOK_NOT_SERVING = 'the fake-node controller (kwok) is not serving';
const NODE_LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease' } as const;

type ServingPort = 'kwokControllerPort' | 'kubeControllerManagerPort' | 'kubeSchedulerPort';

interface KwokctlDocument {
  kind?: string;
  options?: Partial<Record<ServingPort, number>>;
}

/**
 * Control-plane processes that kwokctl starts once and never again. The controller-manager exits when its API server
 * is not healthy within 20 s of its start, which happens under load (10 of 50 clusters had none in a scale bench),
 * and a cluster without one runs no Deployment, Job or namespace deletion. `kwokctl start cluster` starts what is missing.
 */
const CONTROL_PLANE_SERVERS = [
  { component: 'kube-controller-manager', port: 'kubeControllerManagerPort' },
  { component: 'kube-scheduler', port: 'kubeSchedulerPort' },
] as const;
const notServing = (component: string) => `${component} is not serving (not running?)`;

export interface LocalProviderOptions {
  labName: string;
  dirs: ProviderDirs;
  toolchain: Toolchain;
  fakeNodes: number;
}

/**
 * Clusters as real control planes (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * kwok) run by `kwokctl --runtime binary` from the toolchain's binaries, all on 127.0.0.1.
 * Every process of a cluster runs from, and is found by, its own folder under the provider's work dir.
 */
export class LocalProvider implements ClusterProvider {
  readonly name = 'local' as const;
  static readonly capabilities: ProviderCapabilities = { controlPlaneFaults: true };
  readonly capabilities = LocalProvider.capabilities;
  private readonly starts = pLimit(STARTS_AT_ONCE);

  constructor(private readonly options: LocalProviderOptions) {}

  private get workdir(): string {
    return this.options.dirs.work;
  }

  private clusterDir(name: string): string {
    if (!CLUSTER_NAME.test(name)) throw new LabError(`refusing to act on cluster "${name}": not a cluster name`, { exitCode: 2 });
    return containedPath(this.workdir, 'clusters', name);
  }

  private kubeconfigPath(name: string): string {
    return containedPath(this.options.dirs.kubeconfigs, `${name}.yaml`);
  }

  /**
   * Runs kwokctl for one cluster, its processes marked as that cluster's. kwokctl SIGKILLs whatever pid its pid
   * files name (it only checks that the pid exists), so pid files that do not name a live process of this very
   * cluster are removed first: after a reboot or a pid wrap they would name a stranger.
   */
  private async kwokctl(cluster: string, args: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
    const { toolchain, dirs } = this.options;
    this.clearForeignPidFiles(cluster);
    return run(toolchain.bin('kwokctl'), args, {
      timeoutMs: options.timeoutMs ?? CREATE_TIMEOUT_MS,
      signal: options.signal,
      env: {
        KWOK_WORKDIR: this.workdir,
        // kwokctl prefers the kubectl on PATH: make that ours.
        PATH: `${join(toolchain.dir, 'bin')}:${process.env.PATH ?? ''}`,
        ...ownerEnv(dirs.owner, clusterPart(cluster)),
      },
    });
  }

  private clearForeignPidFiles(cluster: string): void {
    const pids = containedPath(this.clusterDir(cluster), 'pids');
    if (!existsSync(pids)) return;
    for (const file of readdirSync(pids).filter((f) => f.endsWith('.pid'))) {
      const path = join(pids, file);
      const pid = Number(readFileSync(path, 'utf8').trim());
      const component = file.slice(0, -'.pid'.length);
      const ours = Number.isInteger(pid) && pid > 1 && carriesMarker(environ(pid), this.owner(cluster)) && basename(cmdline(pid)?.[0] ?? '') === component;
      if (!ours) rmSync(path, { force: true });
    }
  }

  private owner(cluster: string): Owner {
    return { root: this.options.dirs.owner, part: clusterPart(cluster) };
  }

  async create(request: ClusterRequest, options: CallOptions = {}): Promise<ClusterHandle> {
    const { name } = request;
    const { signal } = options;
    // Only starting takes a turn: a cluster that already runs must not wait behind new ones (the hub, when a lab grows).
    const start = (work: () => Promise<unknown>) => this.starts(() => (signal?.throwIfAborted(), work()));
    if (!existsSync(join(this.clusterDir(name), 'kwok.yaml'))) {
      await start(() => this.createFresh(name, request.role, signal));
    } else if (!(await this.answers(name, signal))) {
      await start(() => this.kwokctl(name, ['start', 'cluster', '--name', name, '--wait', '2m'], { signal }));
    }
    this.tightenSecrets(name);
    const handle = this.writeKubeconfig(request);
    await this.waitApi(name, signal);
    await this.kwokctl(name, ['scale', 'node', '--name', name, '--replicas', String(this.options.fakeNodes)], { timeoutMs: QUICK_TIMEOUT_MS, signal });
    await this.ensureNodesWork(name, signal);
    return handle;
  }

  private async createFresh(name: string, role: ClusterRequest['role'], signal?: AbortSignal): Promise<void> {
    const { toolchain } = this.options;
    const dir = this.clusterDir(name);
    // A previous attempt may have died half-way: start from nothing.
    await this.reapCluster(name);
    rmSync(dir, { recursive: true, force: true });
    const configFile = containedPath(this.workdir, 'configs', `${name}.yaml`);
    writePrivateFile(
      configFile,
      kwokctlConfig({
        binaries: {
          kubeApiserver: toolchain.bin('kube-apiserver'),
          kubeControllerManager: toolchain.bin('kube-controller-manager'),
          kubeScheduler: toolchain.bin('kube-scheduler'),
          kubectl: toolchain.bin('kubectl'),
          etcd: toolchain.bin('etcd'),
          kwok: toolchain.bin('kwok'),
        },
        kubeVersion: toolchain.versions.kubernetes,
        etcdVersion: toolchain.versions.etcd,
        pkiDir: join(dir, 'pki'),
        ports: portsFrom(await freePorts(PORT_COUNT)),
        role,
      }),
    );
    // --kubeconfig "" keeps kwokctl away from ~/.kube/config; readiness is checked by us afterwards.
    await this.kwokctl(name, ['create', 'cluster', '--name', name, '--runtime', 'binary', '--config', configFile, '--kubeconfig', '', '--wait', '2m'], { signal });
  }

  /** kwokctl writes its keys and kubeconfig 0644; secrets in the state dir are 0600. */
  private tightenSecrets(name: string): void {
    const dir = this.clusterDir(name);
    const pki = join(dir, 'pki');
    const files = [join(dir, 'kubeconfig.yaml'), ...(existsSync(pki) ? readdirSync(pki).map((f) => join(pki, f)) : [])];
    for (const file of files) if (existsSync(file)) chmodSync(file, 0o600);
  }

  /** Our kubeconfig for the cluster: 0600, every credential embedded, context "<lab>-<cluster>". */
  private writeKubeconfig(request: ClusterRequest): ClusterHandle {
    const { labName } = this.options;
    const dir = this.clusterDir(request.name);
    const kwokKubeconfig = parse(readFileSync(join(dir, 'kubeconfig.yaml'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
    const server = kwokKubeconfig.clusters[0]!.cluster.server;
    const kubeconfig = this.kubeconfigPath(request.name);
    writePrivateFile(
      kubeconfig,
      renderKubeconfig({
        name: `${labName}-${request.name}`,
        server,
        certificateAuthorityData: base64File(join(dir, 'pki', 'ca.crt')),
        credentials: { clientCertificateData: base64File(join(dir, 'pki', 'admin.crt')), clientKeyData: base64File(join(dir, 'pki', 'admin.key')) },
      }),
    );
    return { name: request.name, role: request.role, kubeconfig, server, serverFromClusters: server };
  }

  private async waitApi(name: string, signal?: AbortSignal): Promise<void> {
    await waitForApiServer(name, this.kubeconfigPath(name), {
      timeoutMs: CREATE_TIMEOUT_MS,
      signal,
      hint: `see its logs: ${join(this.clusterDir(name), 'logs')}`,
    });
  }

  private async answers(name: string, signal?: AbortSignal): Promise<boolean> {
    const kubeconfig = this.kubeconfigPath(name);
    return existsSync(kubeconfig) && (await apiServerAnswers(kubeconfig, { signal }));
  }

  /** Where a component serves /healthz, from the KwokctlConfiguration kwokctl keeps. */
  private listenOf(name: string, portField: ServingPort): string | undefined {
    try {
      const docs = parseAllDocuments(readFileSync(join(this.clusterDir(name), 'kwok.yaml'), 'utf8')).map((d) => d.toJS() as KwokctlDocument | null);
      const port = docs.find((d) => d?.kind === 'KwokctlConfiguration')?.options?.[portField];
      return port ? `127.0.0.1:${port}` : undefined;
    } catch {
      return undefined;
    }
  }

  async health(name: string, options: CallOptions = {}): Promise<ClusterHealth> {
    if (!existsSync(join(this.clusterDir(name), 'kwok.yaml'))) return { running: false, problems: [`cluster ${name} does not exist`] };
    if (!(await this.answers(name, options.signal))) return { running: false, problems: [`the API server of ${name} does not answer`] };
    return { running: true, problems: (await this.functionProblems(name, options.signal)).map((p) => `${name}: ${p}`) };
  }

  /**
   * Whether the cluster can run pods: the controller-manager and scheduler serve, kwok serves, and every fake node
   * is Ready with a fresh lease.
   */
  private async functionProblems(name: string, signal?: AbortSignal): Promise<string[]> {
    const problems = await this.stoppedControlPlane(name);
    const listen = this.listenOf(name, 'kwokControllerPort');
    if (!listen || !(await httpServes(listen, '/healthz'))) problems.push(KWOK_NOT_SERVING);
    try {
      problems.push(...(await nodeProblems(new ClusterClient(name, this.kubeconfigPath(name)), { expectedNodes: this.options.fakeNodes, signal })));
    } catch (error) {
      problems.push(`cannot read its nodes: ${errorMessage(error)}`);
    }
    return problems;
  }

  /** The problems of the control-plane servers that kwokctl does not restart (CONTROL_PLANE_SERVERS). */
  private async stoppedControlPlane(name: string): Promise<string[]> {
    const serving = await Promise.all(
      CONTROL_PLANE_SERVERS.map(async ({ port }) => {
        const listen = this.listenOf(name, port);
        return !!listen && (await httpServes(listen, '/healthz'));
      }),
    );
    return CONTROL_PLANE_SERVERS.filter((_, i) => !serving[i]).map(({ component }) => notServing(component));
  }

  /**
   * Makes the cluster run pods: a stopped controller-manager or scheduler is started again; a fresh cluster gets
   * time to settle; one whose kwok does not serve, or whose nodes stay broken, gets kwok restarted (see restartNodeAgent).
   */
  private async ensureNodesWork(name: string, signal?: AbortSignal): Promise<void> {
    if ((await this.stoppedControlPlane(name)).length) await this.kwokctl(name, ['start', 'cluster', '--name', name, '--wait', '2m'], { signal });
    const problems = await this.functionProblems(name, signal);
    if (problems.length === 0) return;
    const serving = !problems.includes(KWOK_NOT_SERVING);
    if (serving && (await this.waitNodesWork(name, SETTLE_TIMEOUT_MS, signal)).length === 0) return;
    await this.restartNodeAgent(name, signal);
    const left = await this.waitNodesWork(name, NODES_READY_TIMEOUT_MS, signal);
    if (left.length) throw this.cannotRunPods(name, left);
  }

  /**
   * A kwok that (re)starts takes a new holder identity (hostname + random UUID). It cannot create
   * the node leases its predecessor left (they exist), nor renew them (another holder), so it
   * manages no node, and new pods stay Pending, until those leases expire (200 s). So: stop kwok,
   * delete the node leases, and let `kwokctl start` (which starts only what is missing) bring kwok
   * back to create fresh ones.
   */
  private async restartNodeAgent(name: string, signal?: AbortSignal): Promise<void> {
    const kwok = processesOwnedBy(this.owner(name)).filter((p) => basename(p.args[0] ?? '') === 'kwok-controller');
    if (kwok.length) await terminate(kwok.map((p) => p.pid), 3000);
    const client = new ClusterClient(name, this.kubeconfigPath(name));
    for (const lease of await client.list(NODE_LEASE, undefined, signal)) await client.delete({ ...NODE_LEASE, name: lease.metadata!.name! }, signal);
    await this.kwokctl(name, ['start', 'cluster', '--name', name, '--wait', '2m'], { signal });
  }

  /** Polls (nothing to watch for a process that serves) until the cluster runs pods; the problems left at the deadline. */
  private async waitNodesWork(name: string, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    const result = await pollUntil(() => this.functionProblems(name, signal), (problems) => problems.length === 0, { timeoutMs, intervalMs: 500, signal });
    return result.value;
  }

  async stopControlPlane(name: string, options: CallOptions = {}): Promise<void> {
    await this.kwokctl(name, ['stop', 'cluster', '--name', name], { timeoutMs: QUICK_TIMEOUT_MS, signal: options.signal });
  }

  /** Starts a stopped control plane; kwok is restarted with fresh node leases so the nodes run pods at once. */
  async startControlPlane(name: string, options: CallOptions = {}): Promise<void> {
    await this.kwokctl(name, ['start', 'cluster', '--name', name, '--wait', '2m'], { signal: options.signal });
    await this.waitApi(name, options.signal);
    await this.restartNodeAgent(name, options.signal);
    const problems = await this.waitNodesWork(name, NODES_READY_TIMEOUT_MS, options.signal);
    if (problems.length) throw this.cannotRunPods(name, problems);
  }

  private cannotRunPods(name: string, problems: string[]): LabError {
    const log = join(this.clusterDir(name), 'logs', 'kwok-controller.log');
    return new LabError(`cluster ${name} cannot run pods: ${problems.join('; ')}\nkwok's last log lines:\n${tailFileOr(log, 5, '(no log)')}`, {
      hint: `see ${log}; ./lab up tries again`,
    });
  }

  /** kwokctl keeps each component's log (etcd, kube-apiserver, ..., kwok) in the cluster's logs folder. */
  async exportLogs(name: string, dir: string): Promise<void> {
    const logs = join(this.clusterDir(name), 'logs');
    if (!existsSync(logs)) return;
    for (const file of readdirSync(logs)) copyFileSync(join(logs, file), join(dir, file));
  }

  async delete(name: string, options: CallOptions = {}): Promise<void> {
    const dir = this.clusterDir(name);
    if (existsSync(join(dir, 'kwok.yaml'))) {
      // An empty --kubeconfig is refused by delete; a path that does not exist means "touch no kubeconfig".
      await this.kwokctl(name, ['delete', 'cluster', '--name', name, '--kubeconfig', join(dir, 'no-such-kubeconfig')], {
        timeoutMs: QUICK_TIMEOUT_MS,
        signal: options.signal,
      }).catch(() => undefined);
    }
    await this.reapCluster(name);
    rmSync(dir, { recursive: true, force: true });
    rmSync(containedPath(this.workdir, 'configs', `${name}.yaml`), { force: true });
    rmSync(this.kubeconfigPath(name), { force: true });
  }

  /** Kills any process still marked as this cluster's (after a crash kwokctl may not know them). */
  private async reapCluster(name: string): Promise<void> {
    const left = processesOwnedBy(this.owner(name)).map((p) => p.pid);
    if (left.length) await terminate(left, 3000);
  }

  /** Kills every control-plane process of the lab, whichever cluster it was of (its folder may be gone). */
  async reap(): Promise<string[]> {
    const left = processesOwnedBy({ root: this.options.dirs.owner, partPrefix: CLUSTER_PART_PREFIX }).map((p) => p.pid);
    if (left.length) await terminate(left, 3000);
    return [];
  }

  /** The clusters whose folders the provider made (names that are not cluster names are not ours). */
  async list(): Promise<string[]> {
    const clusters = join(this.workdir, 'clusters');
    return existsSync(clusters) ? readdirSync(clusters).filter((name) => CLUSTER_NAME.test(name)) : [];
  }
}
