import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CommandError, errorMessage, LabError } from '../../errors.js';
import { containedPath } from '../../fs/contained-path.js';
import { mkdirPrivate, writePrivateFile } from '../../fs/private-files.js';
import { apiServerAnswers, waitForApiServer } from '../../kube/api-ready.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { renderKubeconfig } from '../../kube/kubeconfig.js';
import { nodeProblems } from '../../kube/node-health.js';
import { freePorts } from '../../process/ports.js';
import { run } from '../../process/run.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { NODE_IMAGE } from '../../toolchain/images.js';
import { kindHostLimitsProblems } from './docker.js';
import { procSysctls, recordHostSysctls, restoreHostSysctls, type SysctlIo } from './host-sysctls.js';
import { LabNetwork, ownedNetworks } from './lab-network.js';
import { claimOf, foreignClusterError, inspectContainersArgs, listKindNodesArgs, notOursError, ownedKindClusters, parseKindNodes, type KindClaim, type KindNode } from './kind-nodes.js';
import type { CallOptions, ClusterHandle, ProviderCapabilities, ClusterHealth, ClusterProvider, ClusterRequest, ProviderDirs } from '../provider.js';
import {
  adminConfExistsArgs,
  assertClusterName,
  createClusterArgs,
  deleteClusterArgs,
  getKubeconfigArgs,
  isCgroupV1,
  isClusterName,
  kindClusterConfig,
  kindClusterName,
  kindNetworkName,
  kindNodeName,
  labClusterName,
  loadImagesArgs,
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
  /** The host's kernel settings (tests pass a fake). */
  sysctls?: SysctlIo;
}

interface KindKubeconfig {
  server: string;
  certificateAuthorityData: string;
  clientCertificateData: string;
  clientKeyData: string;
}

const EXPORT_LOGS_TIMEOUT_MS = 120_000;

/**
 * Clusters as single-node kind clusters named "<lab>-<cluster>" on the host's Docker engine.
 * The host reaches each API server on a published 127.0.0.1 port; the clusters reach each other
 * by node name on the lab's own network. A cluster belongs to the lab whose state dir its node
 * mounts (read from `docker container inspect` JSON), so two labs (or two checkouts with the same
 * lab name) never adopt each other's, and nothing is done to a node before that is checked.
 */
export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  static readonly capabilities: ProviderCapabilities = { controlPlaneFaults: true };
  readonly capabilities = KindProvider.capabilities;
  private readonly network: LabNetwork;

  constructor(private readonly options: KindProviderOptions) {
    this.network = new LabNetwork(kindNetworkName(options.labName, options.dirs.owner), options.dirs.owner);
  }

  /** "<lab>-<cluster>", after refusing a cluster name that is not one (every public method goes through here first). */
  private kindName(cluster: string): string {
    assertClusterName(cluster);
    return kindClusterName(this.options.labName, cluster);
  }

  private ownerDir(cluster: string): string {
    return mkdirPrivate(containedPath(this.options.dirs.work, 'owner', cluster));
  }

  private kubeconfigPath(cluster: string): string {
    return containedPath(this.options.dirs.kubeconfigs, `${cluster}.yaml`);
  }

  /** kind's own kubeconfig for one cluster; ours (renamed context) is written from it. */
  private kindKubeconfig(cluster: string): string {
    const file = containedPath(mkdirPrivate(this.options.dirs.work), `${cluster}.kubeconfig`);
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

  /** Who holds the cluster's kind name: nobody, this lab, or another lab (or someone's plain kind cluster). */
  private async claim(cluster: string, signal?: AbortSignal): Promise<KindClaim> {
    const kindName = this.kindName(cluster);
    return claimOf(await withDockerHint(kindNodes(signal)), kindName, this.options.dirs.owner);
  }

  /** The cluster's nodes, refused unless each carries this lab's mark: asked before every action that names them. */
  private async ownNodes(cluster: string, signal?: AbortSignal): Promise<KindNode[]> {
    const claim = await this.claim(cluster, signal);
    if (claim.state !== 'ours') throw notOursError(cluster, this.kindName(cluster), claim);
    return claim.nodes;
  }

  /**
   * Refuses (exit 2) when any of the clusters' kind names is held by someone else: one look for the whole lab,
   * so `up` can ask before it creates any cluster. `create` asks again for its own cluster.
   */
  async refuseTakenNames(clusters: string[], options: CallOptions = {}): Promise<void> {
    const kindNames = clusters.map((cluster) => this.kindName(cluster));
    const nodes = await withDockerHint(kindNodes(options.signal));
    for (const [i, cluster] of clusters.entries()) {
      const claim = claimOf(nodes, kindNames[i]!, this.options.dirs.owner);
      if (claim.state === 'foreign') throw foreignClusterError(cluster, kindNames[i]!, claim);
    }
  }

  /** Refuses a kind name held by anyone else before anything is made, adopted or loaded. */
  async create(request: ClusterRequest, options: CallOptions = {}): Promise<ClusterHandle> {
    const { signal } = options;
    const claim = await this.claim(request.name, signal);
    if (claim.state === 'foreign') throw foreignClusterError(request.name, this.kindName(request.name), claim);
    if (claim.state === 'absent') {
      await this.createFresh(request.name, signal);
    } else if (!(await this.revive(request.name, claim.nodes, signal))) {
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
    const configFile = containedPath(this.options.dirs.work, `${cluster}.kind.yaml`);
    const [apiServerPort] = await freePorts(1);
    writePrivateFile(
      configFile,
      kindClusterConfig({ ownerDir: this.ownerDir(cluster), cgroupV1: isCgroupV1(existsSync), offlineImage: this.options.nodeImage === NODE_IMAGE, apiServerPort: apiServerPort! }),
    );
    recordHostSysctls(this.sysctlRecord, this.options.sysctls ?? procSysctls);
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
   * Starts this lab's node containers (by id) if they were stopped; false when the cluster never finished
   * being created (kubeadm left no admin kubeconfig on the node). Any other failure is raised: a healthy
   * cluster is never deleted because one `kind get kubeconfig` failed.
   */
  private async revive(cluster: string, nodes: KindNode[], signal?: AbortSignal): Promise<boolean> {
    const quick = { timeoutMs: QUICK_TIMEOUT_MS, signal };
    const controlPlane = nodes.find((node) => node.name === kindNodeName(this.kindName(cluster))) ?? nodes[0]!;
    await withDockerHint(run('docker', ['start', ...nodes.map((node) => node.id)], quick));
    const finished = await run('docker', adminConfExistsArgs(controlPlane.id), quick).then(
      () => true,
      () => false,
    );
    if (!finished) return false;
    await this.kind(getKubeconfigArgs(this.kindName(cluster), { internal: false }), { signal });
    return true;
  }

  private async loadExtraImages(cluster: string, signal?: AbortSignal): Promise<void> {
    if (!this.options.extraImages.length) return;
    await this.ownNodes(cluster, signal);
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

  async health(name: string, options: CallOptions = {}): Promise<ClusterHealth> {
    const kindName = this.kindName(name);
    const kubeconfig = this.kubeconfigPath(name);
    // Without a Docker engine no kind cluster runs: that is an answer, not an error.
    const claim = await this.claim(name, options.signal).catch((): KindClaim => ({ state: 'absent' }));
    if (claim.state === 'foreign') return { running: false, problems: [foreignClusterError(name, kindName, claim).message] };
    if (claim.state === 'absent') return { running: false, problems: [`kind cluster ${kindName} does not exist`] };
    if (!(await apiServerAnswers(kubeconfig, { signal: options.signal }))) return { running: false, problems: [`the API server of ${name} does not answer`] };
    try {
      const problems = await nodeProblems(new ClusterClient(name, kubeconfig), { expectedNodes: 1, signal: options.signal });
      return { running: true, problems: problems.map((p) => `${name}: ${p}`) };
    } catch (error) {
      return { running: true, problems: [`${name}: cannot read its nodes: ${errorMessage(error)}`] };
    }
  }

  /** Stops this lab's node containers, by id (fault injection); the cluster keeps its published port across a restart. */
  async stopControlPlane(name: string, options: CallOptions = {}): Promise<void> {
    const nodes = await this.ownNodes(name, options.signal);
    await run('docker', ['stop', ...nodes.map((node) => node.id)], { timeoutMs: QUICK_TIMEOUT_MS, signal: options.signal });
  }

  async startControlPlane(name: string, options: CallOptions = {}): Promise<void> {
    const nodes = await this.ownNodes(name, options.signal);
    await run('docker', ['start', ...nodes.map((node) => node.id)], { timeoutMs: QUICK_TIMEOUT_MS, signal: options.signal });
    await this.waitReady(name, options.signal);
  }

  /**
   * `kind export logs`. It stops at its last step, `crictl images`, on the lab's node image, which has no
   * crictl; what it exported by then (journal, kubelet, containerd, every container's log) is kept, with
   * the error in export-error.txt.
   */
  async exportLogs(name: string, dir: string, options: CallOptions = {}): Promise<void> {
    await this.ownNodes(name, options.signal);
    try {
      await this.kind(['export', 'logs', dir, '--name', this.kindName(name)], { timeoutMs: EXPORT_LOGS_TIMEOUT_MS, signal: options.signal });
    } catch (error) {
      if (!(error instanceof CommandError) || !readdirSync(dir).length) throw error;
      writePrivateFile(join(dir, 'export-error.txt'), `${errorMessage(error)}\n`);
    }
  }

  /** Deletes the cluster only when this lab owns it: a same-named cluster of another lab is left alone. */
  async delete(name: string, options: CallOptions = {}): Promise<void> {
    const claim = await this.claim(name, options.signal);
    if (claim.state === 'ours') await this.deleteKind(this.kindName(name), this.kindKubeconfig(name), options.signal);
    rmSync(this.kubeconfigPath(name), { force: true });
  }

  private async deleteKind(kindName: string, kindKubeconfig: string, signal?: AbortSignal): Promise<void> {
    await withDockerHint(this.kind(deleteClusterArgs(kindName, kindKubeconfig), { timeoutMs: DELETE_TIMEOUT_MS, signal }));
    rmSync(kindKubeconfig, { force: true });
  }

  /** The lab's clusters (by its cluster names) whose every node carries its mark. */
  async list(options: CallOptions = {}): Promise<string[]> {
    const owned = ownedKindClusters(await withDockerHint(kindNodes(options.signal)), this.options.dirs.owner);
    return owned.map((kindName) => labClusterName(kindName, this.options.labName)).filter(isClusterName);
  }

  /**
   * Every kind cluster whose nodes all carry this lab's mark, whatever it is called, and the lab's network;
   * then the host's kernel settings as they were. A setting it could not put back (or a garbled record) is
   * raised only after all of that is done, with the command that fixes it: never silent.
   */
  /** Removes every node and network of the lab; returns what the user must know (host settings it could not put back). */
  async reap(options: CallOptions = {}): Promise<string[]> {
    const nodes = await withDockerHint(kindNodes(options.signal)).catch((): KindNode[] => []);
    for (const kindName of ownedKindClusters(nodes, this.options.dirs.owner)) {
      await this.deleteKind(kindName, containedPath(mkdirPrivate(this.options.dirs.work), `reap-${kindName}.kubeconfig`), options.signal);
    }
    await withDockerHint(this.network.remove(options.signal));
    return restoreHostSysctls(this.sysctlRecord, this.options.sysctls ?? procSysctls).problems;
  }

  /** Whether any kind node or network of the lab whose state dir is `owner` exists: how `down` recognises a kind lab with no state left. */
  static async ownsAnything(owner: string, signal?: AbortSignal): Promise<boolean> {
    try {
      if ((await ownedNetworks(owner, signal)).length) return true;
      return ownedKindClusters(await kindNodes(signal), owner).length > 0;
    } catch {
      return false; // no Docker engine: no kind lab either
    }
  }
}

/** Every kind node on the engine, as `docker container inspect` describes it. */
async function kindNodes(signal?: AbortSignal): Promise<KindNode[]> {
  const quick = { timeoutMs: QUICK_TIMEOUT_MS, signal };
  for (let attempt = 1; ; attempt++) {
    const ids = (await run('docker', listKindNodesArgs(), quick)).split('\n').map((id) => id.trim()).filter(Boolean);
    if (!ids.length) return [];
    try {
      return parseKindNodes(await run('docker', inspectContainersArgs(ids), quick));
    } catch (error) {
      // A node removed between the two calls fails the inspect: list again, once.
      if (attempt >= 2 || !(error instanceof CommandError)) throw error;
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
