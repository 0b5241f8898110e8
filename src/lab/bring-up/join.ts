import { joinedClusters } from '../../config/schema.js';
import type { PerClusterAction } from './action.js';

/** Joins each managed cluster as soon as it exists and the hub serves (the hub's install finished first: its webhooks label new clusters). */
export const joinAction: PerClusterAction = {
  id: 'join',
  title: 'Join managed clusters',
  after: ['hub'],
  changesLab: true,
  clusters: (spec) => joinedClusters(spec).map((c) => c.name),
  async runFor(name, ctx) {
    const hub = await ctx.hub.promise;
    await ctx.created.get(name)!.promise;
    const cluster = joinedClusters(ctx.spec).find((c) => c.name === name)!;
    const { bootstrapping } = await ctx.lab.installer.join(ctx.handle(name), cluster, hub, { signal: ctx.signal });
    if (bootstrapping) ctx.bootstrapping.add(name);
  },
};
