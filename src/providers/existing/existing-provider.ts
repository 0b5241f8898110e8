import { join } from 'node:path';
import type { LabSpec } from '../../config/schema.js';
import { errorMessage, LabError } from '../../errors.js';
import { mkdirPrivate, writePrivateFile } from '../../fs/private-files.js';
import { apiServerAnswers } from '../../kube/api-ready.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { loadKubeconfig } from '../../kube/load-kubeconfig.js';
import { nodeProblems, onlyFakeNodes } from '../../kube/node-health.js';
import type { CallOptions, ClusterHandle, ClusterHealth, ClusterProvider, ClusterRequest, ProviderCapabilities, ProviderDirs } from '../provider.js';
import { clusterAccess, type ClusterAccess } from './cluster-access.js';

interface AccessReview {
  apiVersion: string;
  kind: string;
  status?: { allowed?: boolean; reason?: string };
}

/**
 * Clusters the user already has, named by kubeconfig: the lab connects to them and never creates, deletes,
 * stops or starts one. Their kubeconfigs are read where they are, never copied.
 */
export class ExistingProvider implements ClusterProvider {
  static readonly capabilities: ProviderCapabilities = { controlPlaneFaults: false };
  readonly name = 'existing' as const;
  readonly capabilities = ExistingProvider.capabilities;

  constructor(
    private readonly spec: LabSpec,
    private readonly dirs: ProviderDirs,
  ) {}

  private access(name: string): ClusterAccess {
    const access = clusterAccess(this.spec, name);
    if (!access) throw new LabError(`cluster ${name} has no kubeconfig in ${this.spec.configPath}`, { hint: 'with provider: existing every cluster names its kubeconfig', exitCode: 2 });
    return access;
  }

  /** Where the cluster's API server is: from this host, and (the hub) from the other clusters' agents. */
  private handle(request: ClusterRequest): ClusterHandle {
    const access = this.access(request.name);
    let server: string | undefined;
    try {
      server = loadKubeconfig(access.kubeconfig, access.context).getCurrentCluster()?.server;
    } catch (error) {
      if (error instanceof LabError) throw error;
      throw new LabError(`cannot read the kubeconfig of ${request.name} (${access.kubeconfig}): ${errorMessage(error)}`, { hint: 'fix the path in the config, or the file' });
    }
    if (!server) throw new LabError(`the kubeconfig of ${request.name} (${access.kubeconfig}) names no server for its context`, { exitCode: 2 });
    const forAgents = request.role === 'hub' ? (this.spec.existing.hubServerForAgents ?? server) : server;
    return { name: request.name, role: request.role, ...access, server, serverFromClusters: forAgents };
  }

  async connect(request: ClusterRequest): Promise<ClusterHandle> {
    return this.handle(request);
  }

  /**
   * Nothing is created: the cluster must answer and the credentials must be allowed everything, since installing
   * OCM makes CRDs, cluster roles and namespaces. The provider folder marks the state dir as this lab's.
   */
  async create(request: ClusterRequest, options: CallOptions = {}): Promise<ClusterHandle> {
    mkdirPrivate(this.dirs.work);
    const handle = this.handle(request);
    const where = `${handle.kubeconfig}${handle.context ? `, context ${handle.context}` : ''}`;
    if (!(await apiServerAnswers(handle.kubeconfig, { context: handle.context, signal: options.signal }))) {
      throw new LabError(`cluster ${handle.name} does not answer at ${handle.server} (${where})`, { hint: 'check that the cluster runs and that this host reaches it: kubectl --kubeconfig <file> get --raw /readyz' });
    }
    const review = await ClusterClient.of(handle).create<AccessReview>(
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: '*', group: '*', resource: '*' } } } as AccessReview,
      options.signal,
    );
    if (!review.status?.allowed) {
      throw new LabError(`the credentials for ${handle.name} (${where}) are not cluster-admin: installing OCM creates CRDs, cluster roles and namespaces`, {
        hint: `use a kubeconfig bound to cluster-admin (kubectl auth can-i '*' '*' --all-namespaces says yes)${review.status?.reason ? `; the API server said: ${review.status.reason}` : ''}`,
      });
    }
    if (this.spec.existing.ocmRuntime === 'pods' && (await onlyFakeNodes(ClusterClient.of(handle), options.signal))) {
      throw new LabError(`cluster ${handle.name} (${where}) has only kwok fake nodes: OCM's pods would be reported Running but never run there`, {
        hint: `set existing.ocmRuntime: host-processes in ${this.spec.configPath}: OCM then runs on this host for these clusters`,
        exitCode: 2,
      });
    }
    return handle;
  }

  /** The API server answers and its nodes are Ready and reporting. */
  async health(name: string, options: CallOptions = {}): Promise<ClusterHealth> {
    const handle = this.handle({ name, role: name === this.spec.hub.name ? 'hub' : 'managed' });
    if (!(await apiServerAnswers(handle.kubeconfig, { context: handle.context, signal: options.signal }))) return { running: false, problems: [`the API server of ${name} does not answer`] };
    try {
      const problems = await nodeProblems(ClusterClient.of(handle), { expectedNodes: 1, signal: options.signal });
      return { running: true, problems: problems.map((p) => `${name}: ${p}`) };
    } catch (error) {
      return { running: true, problems: [`${name}: cannot read its nodes: ${errorMessage(error)}`] };
    }
  }

  /** The cluster is the user's: deleting the lab never deletes it. */
  async delete(): Promise<void> {}

  async list(): Promise<string[]> {
    return [];
  }

  async reap(): Promise<string[]> {
    return [];
  }

  async stopControlPlane(name: string): Promise<void> {
    throw refusedFault(name);
  }

  async startControlPlane(name: string): Promise<void> {
    throw refusedFault(name);
  }

  /** The lab has no access to an existing cluster's nodes: their logs stay with the cluster's owner. */
  async exportLogs(name: string, dir: string): Promise<void> {
    writePrivateFile(join(dir, 'README.txt'), `${name} is a cluster the lab did not make: its node and control-plane logs are not collected.\n`);
  }
}

function refusedFault(name: string): LabError {
  return new LabError(`cannot stop or start the control plane of ${name}: the lab does not own the clusters of provider existing`, { exitCode: 2 });
}
