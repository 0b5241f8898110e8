import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CommandError, LabError, TimeoutError } from '../../errors.js';
import { apiServerReady, waitForApiServer } from '../../kube/api-ready.js';
import { renderKubeconfig } from '../../kube/kubeconfig.js';
import type { StateStore } from '../../lab/state.js';
import { run } from '../../process/run.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import { kindHostLimitsProblems } from '../docker.js';
import type { ClusterHandle, ClusterProvider, ClusterRequest } from '../provider.js';
import {
  createClusterArgs,
  deleteClusterArgs,
  getClustersArgs,
  getKubeconfigArgs,
  kindClusterName,
  kindNodeName,
  labClusters,
} from './kind-commands.js';

/** Pulling the node image on a cold engine takes most of this; kind's own --wait covers node readiness. */
const CREATE_TIMEOUT_MS = 15 * 60_000;
const READY_TIMEOUT_MS = 180_000;
const QUICK_TIMEOUT_MS = 60_000;
const DELETE_TIMEOUT_MS = 120_000;

export interface KindProviderOptions {
  labName: string;
  state: StateStore;
  toolchain: Toolchain;
  nodeImage: string;
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
 * by node name on the shared `kind` network.
 */
export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;

  constructor(private readonly options: KindProviderOptions) {}

  private kindName(cluster: string): string {
    return kindClusterName(this.options.labName, cluster);
  }

  /** kind's own kubeconfig file for one cluster; ours (renamed context) is written from it. */
  private kindKubeconfig(cluster: string): string {
    const file = join(this.options.state.dir('kind'), `${cluster}.kubeconfig`);
    // kind locks the file by creating "<file>.lock" and never cleans one left by a killed run;
    // the lab lock already keeps a second kind off this file, so a lock found here is stale.
    rmSync(`${file}.lock`, { force: true });
    return file;
  }

  private async kind(args: string[], timeoutMs = QUICK_TIMEOUT_MS): Promise<string> {
    return run(this.options.toolchain.bin('kind'), args, { timeoutMs });
  }

  async create(request: ClusterRequest): Promise<ClusterHandle> {
    const kindName = this.kindName(request.name);
    if (!(await this.exists(kindName))) {
      await this.createFresh(request.name);
    } else if (!(await this.revive(request.name))) {
      // Nodes without an admin kubeconfig: a create that died half-way. Start from nothing.
      await this.delete(request.name);
      await this.createFresh(request.name);
    }
    const handle = await this.writeKubeconfig(request);
    await this.waitReady(request.name, handle.kubeconfig);
    return handle;
  }

  private async createFresh(cluster: string): Promise<void> {
    const args = createClusterArgs({
      kindName: this.kindName(cluster),
      nodeImage: this.options.nodeImage,
      kindKubeconfig: this.kindKubeconfig(cluster),
    });
    try {
      await this.kind(args, CREATE_TIMEOUT_MS);
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

  /** Starts the node container if it was stopped; false when the cluster never finished being created. */
  private async revive(cluster: string): Promise<boolean> {
    await withDockerHint(run('docker', ['start', kindNodeName(this.kindName(cluster))], { timeoutMs: QUICK_TIMEOUT_MS }));
    try {
      await this.kind(getKubeconfigArgs(this.kindName(cluster), { internal: false }));
      return true;
    } catch {
      return false;
    }
  }

  /** Our kubeconfig for the cluster: 0600, every credential embedded, context "<lab>-<cluster>". */
  private async writeKubeconfig(request: ClusterRequest): Promise<ClusterHandle> {
    const kindName = this.kindName(request.name);
    const host = parseKindKubeconfig(await this.kind(getKubeconfigArgs(kindName, { internal: false })), kindName);
    const internal = parseKindKubeconfig(await this.kind(getKubeconfigArgs(kindName, { internal: true })), kindName);
    const kubeconfig = this.options.state.kubeconfigPath(request.name);
    this.options.state.writePrivate(
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

  private async waitReady(cluster: string, kubeconfig: string): Promise<void> {
    try {
      await waitForApiServer(cluster, kubeconfig, READY_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      throw new TimeoutError(error.message, { hint: `see the node's logs: docker logs ${kindNodeName(this.kindName(cluster))}` });
    }
  }

  private async exists(kindName: string): Promise<boolean> {
    return (await this.kindClusters()).includes(kindName);
  }

  /** Every kind cluster on the engine, stopped ones included. */
  private async kindClusters(): Promise<string[]> {
    const out = await withDockerHint(this.kind(getClustersArgs()));
    return out.split('\n').map((line) => line.trim()).filter(Boolean);
  }

  async isRunning(name: string): Promise<boolean> {
    const kubeconfig = this.options.state.kubeconfigPath(name);
    if (!existsSync(kubeconfig)) return false;
    // Without a Docker engine no kind cluster runs: that is an answer, not an error.
    const exists = await this.exists(this.kindName(name)).catch(() => false);
    return exists && (await apiServerReady(kubeconfig));
  }

  /** Stops the node container (fault injection); the cluster keeps its published port across a restart. */
  async stop(name: string): Promise<void> {
    await run('docker', ['stop', kindNodeName(this.kindName(name))], { timeoutMs: QUICK_TIMEOUT_MS });
  }

  async start(name: string): Promise<void> {
    await run('docker', ['start', kindNodeName(this.kindName(name))], { timeoutMs: QUICK_TIMEOUT_MS });
    await this.waitReady(name, this.options.state.kubeconfigPath(name));
  }

  async delete(name: string): Promise<void> {
    const kindKubeconfig = this.kindKubeconfig(name);
    // kind's delete is itself idempotent: nothing to delete is success.
    await withDockerHint(this.kind(deleteClusterArgs(this.kindName(name), kindKubeconfig), DELETE_TIMEOUT_MS));
    rmSync(kindKubeconfig, { force: true });
    rmSync(this.options.state.kubeconfigPath(name), { force: true });
  }

  async list(): Promise<string[]> {
    return labClusters((await this.kindClusters()).join('\n'), this.options.labName);
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
