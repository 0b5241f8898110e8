/**
 * How often every work agent of a lab reports its resources' status (and status feedback) to the hub.
 * The work agent's own default is 10 s, but the klusterlet operator runs a single-replica agent (every
 * one-node cluster) at 60 s: without one interval for all, a scenario's timeout would mean something
 * else on each provider.
 */
export const WORK_STATUS_SYNC_INTERVAL = '10s';

/** The Helm values `clusteradm join --klusterlet-values-file` takes, merged into its own. */
export function klusterletValues(): { klusterlet: { workConfiguration: { statusSyncInterval: string } } } {
  return { klusterlet: { workConfiguration: { statusSyncInterval: WORK_STATUS_SYNC_INTERVAL } } };
}
