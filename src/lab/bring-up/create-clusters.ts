import { clusterNames, LOCAL_CLUSTER } from '../../config/schema.js';
import { localClusterHandle } from '../local-cluster.js';
import { LabError } from '../../errors.js';
import type { ClusterHandle, ClusterRequest } from '../../providers/provider.js';
import type { BringUpContext, PerClusterAction } from './action.js';

/**
 * Creates every cluster in parallel (as many at once as the provider starts), or starts one whose control plane is down (stopped, or the machine
 * rebooted); each cluster's `created` settles as soon as it exists, so the hub and joins need not wait for the rest.
 * A cluster the check just found working is left as it is: when a lab grows, its hub is installed at once instead of
 * after checks that compete with the new clusters' starts for the CPU.
 */
export const createClustersAction: PerClusterAction = {
  id: 'create',
  title: 'Create clusters',
  changesLab: true,
  clusters: clusterNames,
  async runFor(name, ctx) {
    const created = ctx.created.get(name)!;
    try {
      const role = name === ctx.spec.hub.name ? ('hub' as const) : ('managed' as const);
      const working = ctx.working.has(name);
      const handle = working ? ctx.handle(name) : await createOrStart(name, role, ctx);
      ctx.state.update((s) => {
        s.clusters[handle.name] = handle;
        if (role === 'hub' && ctx.spec.hub.manage) s.clusters[LOCAL_CLUSTER] = localClusterHandle(handle);
      });
      created.resolve();
      if (role === 'hub') ctx.created.get(LOCAL_CLUSTER)?.resolve();
      return `${name}: ${handle.server}${working ? ' (running and working: left as it is)' : ''}`;
    } catch (error) {
      created.reject(new LabError(`cluster ${name} was not created`, { hint: 'see the step that created it' }));
      if (name === ctx.spec.hub.name) ctx.created.get(LOCAL_CLUSTER)?.reject(new LabError(`the hub was not created`, { hint: 'see the step that created it' }));
      throw error;
    }
  },
};

/** Creates the cluster, or starts it again; after a restart the installer brings OCM back on it. */
async function createOrStart(name: string, role: ClusterRequest['role'], ctx: BringUpContext): Promise<ClusterHandle> {
  const { provider, installer } = ctx.lab;
  const { signal } = ctx;
  const restartedAt = new Date();
  const wasDown = ctx.state.read()?.clusters[name] !== undefined && !(await provider.health(name, { signal })).running;
  const handle = await provider.create({ name, role }, { signal });
  if (wasDown) await installer.afterControlPlaneRestart(handle, restartedAt, { signal });
  return handle;
}
