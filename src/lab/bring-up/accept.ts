import { autoAccepted } from '../../config/schema.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { acceptCluster } from '../../ocm/accept.js';
import type { PerClusterAction } from './action.js';

export const JOIN_TIMEOUT_MS = 180_000;

/** `clusteradm accept` for every managed cluster the config accepts automatically, once every cluster has joined. */
export const acceptAction: PerClusterAction = {
  id: 'accept',
  title: 'Accept managed clusters (clusteradm accept)',
  after: ['create', 'join'],
  changesLab: true,
  clusters: (spec) => autoAccepted(spec).map((c) => c.name),
  async runFor(name, ctx) {
    const { installer } = ctx.lab;
    const seenBefore = await acceptCluster(ctx.hubClient(), name, {
      clusteradm: ctx.tools.bin('clusteradm'),
      timeoutMs: JOIN_TIMEOUT_MS,
      managed: ClusterClient.of(ctx.handle(name)),
      agentBootstrapping: ctx.bootstrapping.has(name),
      beforeHubAccepts: installer.beforeHubAccepts && ((signal) => installer.beforeHubAccepts!(ctx.handle(name), { signal })),
      signal: ctx.signal,
    });
    const seenAfter = await installer.accepted?.(ctx.handle(name), { signal: ctx.signal });
    const said = [seenBefore, seenAfter].filter(Boolean);
    return said.length ? `${name}: ${said.join('; ')}` : undefined;
  },
};
