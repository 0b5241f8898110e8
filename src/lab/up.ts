import type { ListrDefaultRenderer, ListrSimpleRenderer, ListrTask, ListrTaskWrapper } from 'listr2';
import { autoAccepted, clusterNames, type LabSpec, type ManagedClusterSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import { acceptCluster } from '../ocm/accept.js';
import { applyClusterSets, labelManagedCluster } from '../ocm/cluster-sets.js';
import type { HubInfo } from '../ocm/installer.js';
import { waitForManagedClusterReady } from '../ocm/verify.js';
import type { ClusterHandle } from '../providers/provider.js';
import { chooseProvider, type ProviderChoice } from '../providers/select.js';
import { buildToolchain, findToolchain, type Toolchain } from '../toolchain/toolchain.js';
import { collectStatus } from './status.js';
import { labParts, type LabParts } from './lab-parts.js';
import { writeMergedKubeconfig } from './kubeconfigs.js';
import { newState, StateStore } from './state.js';

const JOIN_TIMEOUT_MS = 180_000;

export interface UpContext {
  spec: LabSpec;
  state: StateStore;
  toolchain?: Toolchain;
  choice?: ProviderChoice;
  parts?: LabParts;
  hub?: HubInfo;
  /** True when the lab was already healthy and `up` changed nothing. */
  unchanged: boolean;
}

export function upContext(spec: LabSpec, state: StateStore): UpContext {
  return { spec, state, unchanged: false };
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`internal: ${what} missing`);
  return value;
};

/**
 * The bring-up as ordered, named steps (rendered by listr2). Every step is idempotent,
 * so running `up` again completes a half-made lab and leaves a healthy one alone.
 */
export function upTasks(): ListrTask<UpContext>[] {
  const skipIfUnchanged = (ctx: UpContext) => ctx.unchanged;
  return [
    {
      title: 'Toolchain',
      task: async (ctx, task) => {
        ctx.toolchain = findToolchain();
        if (ctx.toolchain) {
          task.title = `Toolchain: cached (${ctx.toolchain.dir})`;
          return;
        }
        task.title = 'Toolchain: building pinned binaries from the Go module proxy (first run only)';
        ctx.toolchain = await buildToolchain((line) => (task.output = line));
        task.title = `Toolchain: built (${ctx.toolchain.dir})`;
      },
      rendererOptions: { outputBar: 3 },
    },
    {
      title: 'Provider',
      task: async (ctx, task) => {
        const existing = ctx.state.read();
        ctx.choice = existing ? { name: existing.provider, reason: 'lab already exists' } : await chooseProvider(ctx.spec);
        ctx.parts = labParts(ctx.choice.name, ctx.spec, ctx.state, need(ctx.toolchain, 'toolchain'));
        if (!existing) ctx.state.write(newState(ctx.spec, ctx.choice.name));
        task.title = `Provider: ${ctx.choice.name} (${ctx.choice.reason})`;
      },
    },
    {
      title: 'Check existing lab',
      task: async (ctx, task) => {
        const state = need(ctx.state.read(), 'state');
        if (Object.keys(state.clusters).length === 0) {
          task.title = 'Check existing lab: new lab';
          return;
        }
        const health = await collectStatus(ctx.spec, ctx.state, need(ctx.parts, 'parts'));
        ctx.unchanged = health.healthy && autoAccepted(ctx.spec).every((c) => state.ready.includes(c.name));
        const why = health.problems.length ? ` (${health.problems.join('; ')})` : ' (bring-up did not finish)';
        task.title = ctx.unchanged ? 'Check existing lab: healthy, nothing to do' : `Check existing lab: completing it${why}`;
      },
    },
    {
      title: 'Create clusters',
      skip: skipIfUnchanged,
      task: (ctx, task) =>
        task.newListr(
          [
            { name: ctx.spec.hub.name, role: 'hub' as const },
            ...ctx.spec.managedClusters.map((c) => ({ name: c.name, role: 'managed' as const })),
          ].map((request) => ({
            title: request.name,
            task: async (_, sub) => {
              const handle = await need(ctx.parts, 'parts').provider.create(request);
              ctx.state.update((s) => {
                s.clusters[handle.name] = handle;
              });
              sub.title = `${request.name}: ${handle.server}`;
            },
          })),
          { concurrent: true, exitOnError: true },
        ),
    },
    {
      title: 'Install OCM hub',
      skip: skipIfUnchanged,
      task: async (ctx) => {
        ctx.hub = await need(ctx.parts, 'parts').installer.initHub(hubHandle(ctx));
      },
    },
    {
      title: 'Join managed clusters',
      skip: skipIfUnchanged,
      task: (ctx, task) =>
        forEachManagedCluster(task, ctx.spec.managedClusters, (cluster) => need(ctx.parts, 'parts').installer.join(handle(ctx, cluster.name), cluster, need(ctx.hub, 'hub'))),
    },
    {
      title: 'Accept managed clusters (clusteradm accept)',
      skip: skipIfUnchanged,
      task: (ctx, task) =>
        forEachManagedCluster(task, autoAccepted(ctx.spec), (cluster) =>
          acceptCluster(hubClient(ctx), cluster.name, {
            clusteradm: need(ctx.toolchain, 'toolchain').bin('clusteradm'),
            hubKubeconfig: hubHandle(ctx).kubeconfig,
            timeoutMs: JOIN_TIMEOUT_MS,
          }),
        ),
    },
    {
      title: 'Apply labels and cluster sets',
      skip: skipIfUnchanged,
      task: async (ctx) => {
        const hub = hubClient(ctx);
        await applyClusterSets(hub, ctx.spec);
        for (const cluster of ctx.spec.managedClusters) await labelManagedCluster(hub, ctx.spec, cluster.name);
      },
    },
    {
      title: 'Verify managed clusters are joined and available',
      skip: skipIfUnchanged,
      task: (ctx, task) =>
        forEachManagedCluster(task, autoAccepted(ctx.spec), async (cluster) => {
          await waitForManagedClusterReady(hubClient(ctx), cluster.name, JOIN_TIMEOUT_MS);
          ctx.state.update((s) => {
            if (!s.ready.includes(cluster.name)) s.ready.push(cluster.name);
          });
          return `${cluster.name}: accepted, joined, available`;
        }),
    },
    {
      title: 'Write kubeconfigs',
      task: (ctx) => {
        writeMergedKubeconfig(ctx.state, need(ctx.state.read(), 'state'), clusterNames(ctx.spec));
      },
    },
  ];
}

/** One concurrent subtask per cluster; a string result becomes the subtask's title. */
function forEachManagedCluster(
  task: ListrTaskWrapper<UpContext, ListrDefaultRenderer, ListrSimpleRenderer>,
  clusters: ManagedClusterSpec[],
  run: (cluster: ManagedClusterSpec) => Promise<string | void>,
) {
  return task.newListr(
    clusters.map((cluster) => ({
      title: cluster.name,
      task: async (_: UpContext, sub: { title: string }) => {
        const title = await run(cluster);
        if (title) sub.title = title;
      },
    })),
    { concurrent: true, exitOnError: true },
  );
}

function handle(ctx: UpContext, name: string): ClusterHandle {
  const cluster = ctx.state.read()?.clusters[name];
  if (!cluster) throw new LabError(`cluster ${name} is not in the lab state`, { hint: 'run ./lab up again' });
  return cluster;
}

function hubHandle(ctx: UpContext): ClusterHandle {
  return handle(ctx, ctx.spec.hub.name);
}

function hubClient(ctx: UpContext): ClusterClient {
  const hub = hubHandle(ctx);
  return new ClusterClient(hub.name, hub.kubeconfig);
}

