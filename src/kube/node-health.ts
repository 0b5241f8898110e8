import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from './cluster-client.js';

interface Node extends KubernetesObject {
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

export interface Lease extends KubernetesObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string };
}

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease' } as const;

/**
 * What keeps a cluster's nodes from running pods: too few nodes, a node not Ready, or a node whose
 * agent (kubelet, or kwok for fake nodes) stopped renewing its lease, which the node's Ready
 * condition only shows after the grace period.
 */
export async function nodeProblems(client: ClusterClient, options: { expectedNodes: number; signal?: AbortSignal; now?: number }): Promise<string[]> {
  const [nodes, leases] = await Promise.all([
    client.list<Node>(NODE, undefined, options.signal),
    client.list<Lease>(LEASE, undefined, options.signal),
  ]);
  const problems: string[] = [];
  if (nodes.length < options.expectedNodes) problems.push(`${nodes.length} node(s), expected ${options.expectedNodes}`);
  const now = options.now ?? Date.now();
  for (const node of nodes) {
    const name = node.metadata?.name ?? '?';
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') problems.push(`node ${name} is not Ready (${ready?.reason ?? 'no Ready condition'})`);
    const lease = leases.find((l) => l.metadata?.name === name);
    const renewed = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : undefined;
    const duration = (lease?.spec?.leaseDurationSeconds ?? 40) * 1000;
    if (renewed === undefined) problems.push(`node ${name} has no lease: its node agent never reported`);
    else if (now - renewed > duration) problems.push(`node ${name}'s lease was last renewed ${Math.round((now - renewed) / 1000)}s ago: its node agent is not serving`);
  }
  return problems;
}

/** kwok marks the nodes it fakes; a pod on one is only reported Running, nothing runs it. */
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** Whether the cluster has nodes and every one is a kwok fake node (so no pod of it really runs). */
export async function onlyFakeNodes(client: ClusterClient, signal?: AbortSignal): Promise<boolean> {
  const nodes = await client.list<Node>(NODE, undefined, signal);
  return nodes.length > 0 && nodes.every((node) => node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === 'fake');
}
