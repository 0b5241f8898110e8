/** The hub's name as a managed cluster of itself when `hub.manage` is on, as OCM users know it. */
export const LOCAL_CLUSTER = 'local-cluster';
