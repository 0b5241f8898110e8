import { autoAccepted } from '../../config/schema.js';
import { waitForManagedClusterReady } from '../../ocm/verify.js';
import { JOIN_TIMEOUT_MS } from './accept.js';
import type { PerClusterAction } from './action.js';

/** Every accepted managed cluster Accepted, Joined and Available on the hub, recorded as ready. */
export const verifyClustersAction: PerClusterAction = {
  id: 'verify',
  title: 'Verify managed clusters are joined and available',
  changesLab: true,
  clusters: (spec) => autoAccepted(spec).map((c) => c.name),
  async runFor(name, ctx) {
    await waitForManagedClusterReady(ctx.hubClient(), name, JOIN_TIMEOUT_MS, ctx.signal);
    ctx.state.update((s) => {
      if (!s.ready.includes(name)) s.ready.push(name);
    });
    return `${name}: accepted, joined, available`;
  },
};
