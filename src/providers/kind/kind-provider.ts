import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CommandError, errorMessage, LabError } from '../../errors.js';
import { mkdirPrivate, writePrivateFile } from '../../fs/private-files.js';
import { apiServerReady, waitForApiServer } from '../../kube/api-ready.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { renderKubeconfig } from '../../kube/kubeconfig.js';
import { nodeProblems } from '../../kube/node-health.js';
import { run } from '../../process/run.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { NODE_IMAGE } from '../../toolchain/images.js';
import { kindHostLimitsProblems } from '../docker.js';
import { recordHostSysctls, restoreHostSysctls } from './host-sysctls.js';
import { LabNetwork } from './lab-network.js';
import type { CallOptions, ClusterHandle, ProviderCapabilities, ClusterHealth, ClusterProvider, ClusterRequest, ProviderDirs } from '../provider.js';
import {
  adminConfExistsArgs,
  createClusterArgs,
  deleteClusterArgs,
  getKubeconfigArgs,
  inspectKindNodesArgs,
  isCgroupV1,
  kindClusterConfig,
  kindClusterName,
  kindNetworkName,
  kindNodeName,
  labClusterName,
  listKindNodesArgs,
  loadImagesArgs,
  ownedKindClusters,
  ownedNetworksArgs,
} from './kind-commands.js';

/** Pulling the node image on a cold engine takes most of this; kind's own --wait covers node readiness. */
const CREATE_TIMEOUT_MS = 15 * 60_000;
const READY_TIMEOUT_MS = 180_000;
const QUICK_TIMEOUT_MS = 60_000;
const DELETE_TIMEOUT_MS = 120_000;

export interface KindProviderOptions {
  labName: string;
  dirs: ProviderDirs;
  toolchain: Toolchain;
  nodeImage: string;
  /** Host images loaded into every cluster (`kind load docker-image`). */
  extraImages: string[];
}

interface KindKubeconfig {
  server: string;
  certificateAuthorityData: string;
  clientCertificateData: string;
  clientKeyData: string;
}

/**
 * Clusters as single-node kind clusters named "<lab>-<cluster>" on the host's Docker engine.
 * The host reaches each API server on a published 127.0.0.1 port; the clusters reach each other
 * by node name on the shared `kind` network. A cluster belongs to the lab whose state dir its
 * node mounts, so two labs (or two checkouts with the same lab name) never adopt each other's.
 */
const EXPORT_LOGS_TIMEOUT_MS = 120_000;

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  static readonly capabilities: ProviderCapabilities = { controlPlaneFaults: true };
  readonly capabilities = KindProvider.capabilities;
  private readonly network: LabNetwork;

  constructor(private readonly options: KindProviderOptions) {
    this.network = new LabNetwork(kindNetworkName(options.labName, options.dirs.owner), options.dirs.owner);
  }

  private kindName(cluster: string): string {
    return kindClusterName(this.options.labName, cluster);
  }

  private ownerDir(cluster: string): string {
    return mkdirPrivate(join(this.options.dirs.work, 'owner', cluster));
  }

  private kubeconfigPath(cluster: string): string {
    return join(this.options.dirs.kubeconfigs, `${cluster}.yaml`);
  }

  /** kind's own kubeconfig file for one cluster; ours (renamed context) is written from it. */
  private kindKubeconfig(cluster: string): string {
    const file = join(mkdirPrivate(this.options.dirs.work), `${cluster}.kubeconfig`);
    // kind locks the file by creating "<file>.lock" and never cleans one left by a killed run;
    // the lab lock already keeps a second kind off this file, so a lock found here is stale.
    rmSync(`${file}.lock`, { force: true });
    return file;
  }

  private async kind(args: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
    return run(this.options.toolchain.bin('kind'), args, {
      timeoutMs: options.timeoutMs ?? QUICK_TIMEOUT_MS,
      signal: options.signal,
      env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: this.network.name },
    });
  }

  async create(request: ClusterRequest, options: CallOptions = {}): Promise<ClusterHandle> {
    const { signal } = options;
    const owned = await this.ownedKindNames(signal);
    const kindName = this.kindName(request.name);
    if (!owned.includes(kindName)) {
      await this.createFresh(request.name, signal);
    } else if (!(await this.revive(request.name, signal))) {
      // Nodes without an admin kubeconfig: a create that died half-way. Start from nothing.
      await this.delete(request.name, options);
      await this.createFresh(request.name, signal);
    }
    const handle = await this.writeKubeconfig(request, signal);
    await this.waitReady(request.name, signal);
    await this.loadExtraImages(request.name, signal);
    return handle;
  }

  private get sysctlRecord(): string {
    return join(this.options.dirs.work, 'host-sysctls.json');
  }

  private async createFresh(cluster: string, signal?: AbortSignal): Promise<void> {
    const configFile = join(this.options.dirs.work, `${cluster}.kind.yaml`);
    writePrivateFile(
      configFile,
      kindClusterConfig({ ownerDir: this.ownerDir(cluster), cgroupV1: isCgroupV1(existsSync), offlineImage: this.options.nodeImage === NODE_IMAGE }),
    );
    recordHostSysctls(this.sysctlRecord);
    // Made before kind would make an unlabelled one.
    await withDockerHint(this.network.ensure(signal));
    const args = createClusterArgs({ kindName: this.kindName(cluster), nodeImage: this.options.nodeImage, kindKubeconfig: this.kindKubeconfig(cluster), configFile });
    try {
      await this.kind(args, { timeoutMs: CREATE_TIMEOUT_MS, signal });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      const limits = kindHostLimitsProblems();
      throw new CommandError(error.command, error.stderr, {
        cause: error,
        hint: limits.length
          ? `raise the host limits kind needs, then run ./lab up again:\n${limits.join('\n')}`
          : 'check that Docker runs privileged containers and has free disk space (docker info), then run ./lab up again',
      });
    }
  }

  /**
   * Starts the node container if it was stopped; false when the cluster never finished being created
   * (kubeadm left no admin kubeconfig on the node). Any other failure is raised: a healthy cluster is
   * never deleted because one `kind get kubeconfig` failed.
   */
  private async revive(cluster: string, signal?: AbortSignal): Promise<boolean> {
    const node = kindNodeName(this.kindName(cluster));
    await withDockerHint(run('docker', ['start', node], { timeoutMs: QUICK_TIMEOUT_MS, signal }));
    const finished = await run('docker', adminConfExistsArgs(node), { timeoutMs: QUICK_TIMEOUT_MS, signal }).then(
      () => true,
      () => false,
    );
    if (!finished) return false;
    await this.kind(getKubeconfigArgs(this.kindName(cluster), { internal: false }), { signal });
    return true;
  }

  private async loadExtraImages(cluster: string, signal?: AbortSignal): Promise<void> {
    if (!this.options.extraImages.length) return;
    await this.kind(loadImagesArgs(this.kindName(cluster), this.options.extraImages), { timeoutMs: CREATE_TIMEOUT_MS, signal });
  }

  /** Our kubeconfig for the cluster: 0600, every credential embedded, context "<lab>-<cluster>". */
  private async writeKubeconfig(request: ClusterRequest, signal?: AbortSignal): Promise<ClusterHandle> {
    const kindName = this.kindName(request.name);
    const host = parseKindKubeconfig(await this.kind(getKubeconfigArgs(kindName, { internal: false }), { signal }), kindName);
    const internal = parseKindKubeconfig(await this.kind(getKubeconfigArgs(kindName, { internal: true }), { signal }), kindName);
    const kubeconfig = this.kubeconfigPath(request.name);
    writePrivateFile(
      kubeconfig,
      renderKubeconfig({
        name: kindName,
        server: host.server,
        certificateAuthorityData: host.certificateAuthorityData,
        credentials: { clientCertificateData: host.clientCertificateData, clientKeyData: host.clientKeyData },
      }),
    );
    return { name: request.name, role: request.role, kubeconfig, server: host.server, serverFromClusters: internal.server };
  }

  private async waitReady(cluster: string, signal?: AbortSignal): Promise<void> {
    await waitForApiServer(cluster, this.kubeconfigPath(cluster), {
      timeoutMs: READY_TIMEOUT_MS,
      signal,
      hint: `see the node's logs: docker logs ${kindNodeName(this.kindName(cluster))}`,
    });
  }

  /** kind names of the clusters whose nodes mount this lab's state dir. */
  private async ownedKindNames(signal?: AbortSignal): Promise<string[]> {
    const ids = (await withDockerHint(run('docker', listKindNodesArgs(), { timeoutMs: QUICK_TIMEOUT_MS, signal }))).split('\n').filter(Boolean);
    if (!ids.length) return [];
    const inspected = await withDockerHint(run('docker', inspectKindNodesArgs(ids), { timeoutMs: QUICK_TIMEOUT_MS, signal }));
    return ownedKindClusters(inspected, this.options.dirs.owner);
  }

  async health(name: string, options: CallOptions = {}): Promise<ClusterHealth> {
    const kubeconfig = this.kubeconfigPath(name);
    // Without a Docker engine no kind cluster runs: that is an answer, not an error.
    const owned = await this.ownedKindNames(options.signal).catch((): string[] => []);
    if (!owned.includes(this.kindName(name))) return { running: false, problems: [`kind cluster ${this.kindName(name)} does not exist`] };
    if (!(await apiServerReady(kubeconfig, { signal: options.signal }))) return { running: false, problems: [`the API server of ${name} does not answer`] };
    try {
      const problems = await nodeProblems(new ClusterClient(name, kubeconfig), { expectedNodes: 1, signal: options.signal });
      return { running: true, problems: problems.map((p) => `${name}: ${p}`) };
    } catch (error) {
      return { running: true, problems: [`${name}: cannot read its nodes: ${errorMessage(error)}`] };
    }
  }

  /** Stops the node container (fault injection); the cluster keeps its published port across a restart. */
  async stop(name: string, options: CallOptions = {}): Promise<void> {
    await run('docker', ['stop', kindNodeName(this.kindName(name))], { timeoutMs: QUICK_TIMEOUT_MS, signal: options.signal });
  }

  async start(name: string, options: CallOptions = {}): Promise<void> {
    await run('docker', ['start', kindNodeName(this.kindName(name))], { timeoutMs: QUICK_TIMEOUT_MS, signal: options.signal });
    await this.waitReady(name, options.signal);
  }

  /** Deletes the cluster only when this lab owns it: a same-named cluster of another lab is left alone. */
  /**
   * `kind export logs`. It stops at its last step, `crictl images`, on the lab's node image, which has no
   * crictl; what it exported by then (journal, kubelet, containerd, every container's log) is kept, with
   * the error in export-error.txt.
   */
  async exportLogs(name: string, dir: string, options: CallOptions = {}): Promise<void> {
    try {
      await this.kind(['export', 'logs', dir, '--name', this.kindName(name)], { timeoutMs: EXPORT_LOGS_TIMEOUT_MS, signal: options.signal });
    } catch (error) {
      if (!(error instanceof CommandError) || !readdirSync(dir).length) throw error;
      writePrivateFile(join(dir, 'export-error.txt'), `${errorMessage(error)}\n`);
    }
  }

  async delete(name: string, options: CallOptions = {}): Promise<void> {
    if ((await this.ownedKindNames(options.signal)).includes(this.kindName(name))) await this.deleteKind(this.kindName(name), name, options.signal);
    rmSync(this.kubeconfigPath(name), { force: true });
  }

  private async deleteKind(kindName: string, cluster: string, signal?: AbortSignal): Promise<void> {
    const kindKubeconfig = this.kindKubeconfig(cluster);
    await withDockerHint(this.kind(deleteClusterArgs(kindName, kindKubeconfig), { timeoutMs: DELETE_TIMEOUT_MS, signal }));
    rmSync(kindKubeconfig, { force: true });
  }

  async list(options: CallOptions = {}): Promise<string[]> {
    return (await this.ownedKindNames(options.signal)).map((kindName) => labClusterName(kindName, this.options.labName));
  }

  /** Every kind cluster that mounts this lab's state dir, whatever it is called, and the lab's network; then the host's kernel settings as they were. */
  async reap(options: CallOptions = {}): Promise<void> {
    for (const kindName of await this.ownedKindNames(options.signal).catch((): string[] => [])) {
      await this.deleteKind(kindName, labClusterName(kindName, this.options.labName), options.signal);
    }
    await withDockerHint(this.network.remove(options.signal));
    restoreHostSysctls(this.sysctlRecord);
  }

  /** Whether any kind node or network of the lab whose state dir is `owner` exists: how `down` recognises a kind lab with no state left. */
  static async ownsAnything(owner: string, signal?: AbortSignal): Promise<boolean> {
    const quick = { timeoutMs: QUICK_TIMEOUT_MS, signal };
    try {
      if ((await run('docker', ownedNetworksArgs(owner), quick)).trim()) return true;
      const ids = (await run('docker', listKindNodesArgs(), quick)).split('\n').filter(Boolean);
      return ids.length > 0 && ownedKindClusters(await run('docker', inspectKindNodesArgs(ids), quick), owner).length > 0;
    } catch {
      return false; // no Docker engine: no kind lab either
    }
  }
}

/** kind drives the docker CLI: most of its failures outside `create` mean no engine answers. */
async function withDockerHint<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new CommandError(error.command, error.stderr, {
      cause: error,
      hint: 'kind needs a running Docker engine: check `docker info` (or set `provider: local` in the lab config)',
    });
  }
}

/** The single cluster and user of a kubeconfig printed by `kind get kubeconfig`. */
export function parseKindKubeconfig(text: string, kindName: string): KindKubeconfig {
  const doc = parse(text) as {
    clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
    users?: { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
  } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  const user = doc?.users?.[0]?.user;
  const parsed = {
    server: cluster?.server,
    certificateAuthorityData: cluster?.['certificate-authority-data'],
    clientCertificateData: user?.['client-certificate-data'],
    clientKeyData: user?.['client-key-data'],
  };
  const missing = Object.entries(parsed).filter(([, value]) => !value).map(([key]) => key);
  if (missing.length) {
    throw new LabError(`the kubeconfig kind printed for ${kindName} lacks ${missing.join(', ')}`, {
      hint: `delete the cluster (kind delete cluster --name ${kindName}) and run ./lab up again`,
    });
  }
  return parsed as KindKubeconfig;
}
