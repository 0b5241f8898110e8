import { dirname } from 'node:path';
import { errorMessage, LabError } from '../../errors.js';
import { isInside } from '../../fs/contained-path.js';
import { KIND_CLUSTER_LABEL, OWNER_MOUNT } from './kind-commands.js';

/** A kind node container, as `docker container inspect` describes it (JSON, never split on spaces). */
export interface KindNode {
  id: string;
  /** The container's name, without Docker's leading '/'. */
  name: string;
  /** Its kind cluster (the `io.x-k8s.kind.cluster` label). */
  cluster: string;
  /** Host folder mounted at OWNER_MOUNT: `<state dir>/kind/owner/<cluster>` of the lab that made the node. */
  ownerMount?: string;
}

export function listKindNodesArgs(): string[] {
  return ['ps', '-aq', '--no-trunc', '--filter', `label=${KIND_CLUSTER_LABEL}`];
}

/** `container` keeps Docker from answering for an image or network of the same name. */
export function inspectContainersArgs(ids: string[]): string[] {
  return ['container', 'inspect', ...ids];
}

interface InspectedContainer {
  Id?: unknown;
  Name?: unknown;
  Config?: { Labels?: Record<string, unknown> | null } | null;
  Mounts?: { Source?: unknown; Destination?: unknown }[] | null;
}

function unreadable(detail: string): LabError {
  return new LabError(`could not read Docker's description of the kind nodes (${detail}), so none of them is treated as this lab's`, {
    hint: 'check that `docker container inspect` works (docker info), then run the command again',
  });
}

/** The kind nodes in `docker container inspect` output; containers without kind's cluster label are left out. */
export function parseKindNodes(json: string): KindNode[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw unreadable(`not JSON: ${errorMessage(error)}`);
  }
  if (!Array.isArray(data)) throw unreadable('not a JSON array');
  const nodes: KindNode[] = [];
  for (const entry of data as InspectedContainer[]) {
    const cluster = entry?.Config?.Labels?.[KIND_CLUSTER_LABEL];
    if (typeof entry?.Id !== 'string' || typeof cluster !== 'string' || !cluster) continue;
    const mount = (Array.isArray(entry.Mounts) ? entry.Mounts : []).find((m) => m?.Destination === OWNER_MOUNT && typeof m.Source === 'string');
    nodes.push({
      id: entry.Id,
      name: typeof entry.Name === 'string' ? entry.Name.replace(/^\//, '') : '',
      cluster,
      ...(mount && { ownerMount: mount.Source as string }),
    });
  }
  return nodes;
}

/** Whether the node carries the owner mark of the lab whose state dir is `owner`. */
export function isOwnNode(node: KindNode, owner: string): boolean {
  return node.ownerMount !== undefined && isInside(node.ownerMount, owner);
}

/** The state dir of the lab that made a node (its owner mount is `<state dir>/kind/owner/<cluster>`), if it is a lab's. */
export function labStateDirOf(node: KindNode): string | undefined {
  return node.ownerMount === undefined ? undefined : dirname(dirname(dirname(node.ownerMount)));
}

/** Who holds a kind cluster name: nobody, this lab (every node carries its mark), or someone else. */
export type KindClaim =
  | { state: 'absent' }
  | { state: 'ours'; nodes: KindNode[] }
  /** `otherLabs`: state dirs of the labs whose marks its nodes carry (empty: not made by an ocm-lab lab). */
  | { state: 'foreign'; nodes: KindNode[]; otherLabs: string[] };

export function claimOf(nodes: KindNode[], kindName: string, owner: string): KindClaim {
  const named = nodes.filter((node) => node.cluster === kindName);
  if (!named.length) return { state: 'absent' };
  if (named.every((node) => isOwnNode(node, owner))) return { state: 'ours', nodes: named };
  const otherLabs = [...new Set(named.filter((node) => !isOwnNode(node, owner)).flatMap((node) => labStateDirOf(node) ?? []))];
  return { state: 'foreign', nodes: named, otherLabs };
}

/** kind clusters (by kind name) whose every node carries this lab's mark: the clusters this lab made. */
export function ownedKindClusters(nodes: KindNode[], owner: string): string[] {
  const names = [...new Set(nodes.map((node) => node.cluster))];
  return names.filter((name) => claimOf(nodes, name, owner).state === 'ours');
}

/** The refusal when a lab's kind name is held by someone else: nothing of theirs is adopted or touched. */
export function foreignClusterError(cluster: string, kindName: string, claim: Extract<KindClaim, { state: 'foreign' }>): LabError {
  const whose = claim.otherLabs.length
    ? `it belongs to another lab (state dir ${claim.otherLabs.join(', ')})`
    : 'it was not made by ocm-lab (its node carries no lab\'s owner mark)';
  const takeDown = claim.otherLabs.length
    ? `take that lab down (./lab down with its config, next to ${claim.otherLabs.map((dir) => dirname(dirname(dir))).join(', ')})`
    : `delete it if you no longer need it (kind delete cluster --name ${kindName})`;
  return new LabError(`cluster ${cluster}: kind cluster "${kindName}" already exists and is not this lab's: ${whose}`, {
    hint: `rename this lab (name:) or the cluster in the lab config so that "<lab>-<cluster>" names a new kind cluster, or ${takeDown}`,
    exitCode: 2,
  });
}

/** The refusal for a stop, start or log export of a cluster this lab does not own. */
export function notOursError(cluster: string, kindName: string, claim: KindClaim): LabError {
  if (claim.state === 'foreign') return foreignClusterError(cluster, kindName, claim);
  return new LabError(`cluster ${cluster}: kind cluster "${kindName}" does not exist`, { hint: 'run ./lab up to create it' });
}
