import { setMaxListeners } from 'node:events';
import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../errors.js';
import { NotServedError, type ClusterClient, type ObjectRef } from '../kube/cluster-client.js';
import { CLUSTER_SET_LABEL, CONDITION_AVAILABLE, CONDITION_JOINED, MANAGED_CLUSTER, MANAGED_CLUSTER_SET, type Condition } from '../ocm/resources.js';
import { redactSecrets } from './redact.js';

/**
 * The fleet as the hub sees it at one moment: managed clusters with their labels and cluster sets, the sets and
 * their bindings, Placements with the clusters they chose, ManifestWorks and add-ons per cluster. Read from the
 * hub only; a kind the hub does not serve is empty, and what could not be read is named in `errors`.
 */
export interface FleetSnapshot {
  capturedAt: string;
  hub: string;
  clusters: FleetCluster[];
  clusterSets: FleetClusterSet[];
  bindings: { namespace: string; clusterSet: string }[];
  placements: FleetPlacement[];
  works: FleetWork[];
  addOns: FleetAddOn[];
  /** What could not be read, one line each. The snapshot holds whatever else was read. */
  errors: string[];
}

export interface FleetCluster {
  name: string;
  labels: Record<string, string>;
  /** The hub accepts it (spec.hubAcceptsClient). */
  accepted: boolean;
  /** ManagedClusterJoined and ManagedClusterConditionAvailable: True, False or Unknown. */
  joined: string;
  available: string;
  /** The sets that select it, by their exclusive label or their label selector. */
  clusterSets: string[];
}

export interface FleetClusterSet {
  name: string;
  /** How it selects: `exclusive label` or the label selector, e.g. `env=dev` (`every cluster` when empty). */
  selector: string;
  clusters: string[];
  /** Namespaces with a ManagedClusterSetBinding of this set. */
  boundTo: string[];
}

export interface FleetPlacement {
  namespace: string;
  name: string;
  /** The clusters its PlacementDecisions name. */
  clusters: string[];
  /** Its PlacementSatisfied condition: True, False or Unknown. */
  satisfied: string;
}

/** The ManifestWork conditions the picture shows. */
export const WORK_CONDITIONS = ['Applied', 'Available', 'Degraded'] as const;
export type WorkCondition = (typeof WORK_CONDITIONS)[number];

export interface FleetWork {
  /** The namespace it lives in: the cluster it is for. */
  cluster: string;
  name: string;
  manifests: number;
  /** Status of each of Applied, Available and Degraded that the work has (absent ones are left out). */
  conditions: Partial<Record<WorkCondition, string>>;
  /** The message of a condition that is not as it should be (Applied or Available not True, Degraded True). */
  problem?: string;
}

export interface FleetAddOn {
  cluster: string;
  name: string;
  /** Its Available condition: True, False or Unknown. */
  available: string;
}

const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';
/** Labels OCM and the lab put on clusters (cluster sets, add-on features); pictures count them rather than list them. */
const SYSTEM_LABEL = /open-cluster-management\.io\/|^clusterset\.lab\.ocm\.io\//;

export function isSystemLabel(key: string): boolean {
  return SYSTEM_LABEL.test(key);
}
/** A capture that takes longer than this is cut short; what was read by then is kept. */
const CAPTURE_TIMEOUT_MS = 20_000;

export const FLEET_KINDS = {
  managedClusters: MANAGED_CLUSTER,
  clusterSets: MANAGED_CLUSTER_SET,
  bindings: { apiVersion: 'cluster.open-cluster-management.io/v1beta2', kind: 'ManagedClusterSetBinding' },
  placements: { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'Placement' },
  decisions: { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'PlacementDecision' },
  works: { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork' },
  addOns: { apiVersion: 'addon.open-cluster-management.io/v1alpha1', kind: 'ManagedClusterAddOn' },
} as const satisfies Record<string, ObjectRef>;

export type FleetObjects = Record<keyof typeof FLEET_KINDS, KubernetesObject[]>;

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const conditionsOf = (object: KubernetesObject): Condition[] => {
  const conditions = record((object as Json).status).conditions;
  return Array.isArray(conditions) ? conditions.filter((c): c is Condition => typeof record(c).type === 'string') : [];
};
/** A condition's status: True, False or Unknown (also when the object does not have it). */
const statusOf = (object: KubernetesObject, type: string): string => String(conditionsOf(object).find((c) => c.type === type)?.status ?? 'Unknown');
const nameOf = (object: KubernetesObject) => object.metadata?.name ?? '';
const namespaceOf = (object: KubernetesObject) => object.metadata?.namespace ?? '';
/** Natural order: cluster2 before cluster10. */
const compare = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const byName = <T extends { name: string }>(a: T, b: T) => compare(a.name, b.name);

/** Whether a Kubernetes label selector selects these labels; an empty selector selects everything. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === 'In' ? has && values.includes(labels[key]!)
      : operator === 'NotIn' ? !has || !values.includes(labels[key]!)
      : operator === 'Exists' ? has
      : operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

/** A label selector as one line: `env=dev, tier in (gold,silver)`; `every cluster` when it is empty. */
export function describeSelector(selector: LabelSelector): string {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(selector.matchExpressions ?? []).map(({ key, operator, values = [] }) =>
      operator === 'Exists' ? key : operator === 'DoesNotExist' ? `!${key}` : `${key} ${operator === 'NotIn' ? 'notin' : 'in'} (${values.join(',')})`,
    ),
  ];
  return parts.length ? parts.join(', ') : 'every cluster';
}

/** A set's members: by the exclusive cluster-set label (the default) or by its label selector. */
function clusterSetOf(set: KubernetesObject, clusters: { name: string; labels: Record<string, string> }[]): Omit<FleetClusterSet, 'boundTo'> {
  const name = nameOf(set);
  const selector = record(record((set as Json).spec).clusterSelector);
  if (selector.selectorType === 'LabelSelector') {
    const labelSelector = record(selector.labelSelector) as LabelSelector;
    return { name, selector: describeSelector(labelSelector), clusters: clusters.filter((c) => selects(labelSelector, c.labels)).map((c) => c.name) };
  }
  return { name, selector: 'exclusive label', clusters: clusters.filter((c) => c.labels[CLUSTER_SET_LABEL] === name).map((c) => c.name) };
}

function workOf(work: KubernetesObject): FleetWork {
  const conditions = conditionsOf(work);
  const found = Object.fromEntries(WORK_CONDITIONS.flatMap((type) => {
    const condition = conditions.find((c) => c.type === type);
    return condition ? [[type, String(condition.status)]] : [];
  })) as FleetWork['conditions'];
  const bad = conditions.find((c) => (c.type === 'Degraded' ? c.status === 'True' : (c.type === 'Applied' || c.type === 'Available') && c.status !== 'True'));
  const manifests = record(record((work as Json).spec).workload).manifests;
  return {
    cluster: namespaceOf(work),
    name: nameOf(work),
    manifests: Array.isArray(manifests) ? manifests.length : 0,
    conditions: found,
    ...(bad?.message ? { problem: redactSecrets(`${bad.type}=${bad.status}: ${bad.message}`) } : {}),
  };
}

/** The snapshot from the hub's objects (pure: the objects may come from anywhere). */
export function fleetFromObjects(hub: string, objects: FleetObjects, errors: string[] = [], capturedAt = new Date().toISOString()): FleetSnapshot {
  const labelled = objects.managedClusters.map((mc) => ({ name: nameOf(mc), labels: { ...(mc.metadata?.labels ?? {}) } })).sort(byName);
  const bindings = objects.bindings
    .map((b) => ({ namespace: namespaceOf(b), clusterSet: text(record((b as Json).spec).clusterSet) || nameOf(b) }))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.clusterSet, b.clusterSet));
  const clusterSets = objects.clusterSets
    .map((set) => ({ ...clusterSetOf(set, labelled), boundTo: bindings.filter((b) => b.clusterSet === nameOf(set)).map((b) => b.namespace) }))
    .sort(byName);
  const clusters = objects.managedClusters
    .map((mc): FleetCluster => {
      const name = nameOf(mc);
      return {
        name,
        labels: { ...(mc.metadata?.labels ?? {}) },
        accepted: record((mc as Json).spec).hubAcceptsClient === true,
        joined: statusOf(mc, CONDITION_JOINED),
        available: statusOf(mc, CONDITION_AVAILABLE),
        clusterSets: clusterSets.filter((s) => s.clusters.includes(name)).map((s) => s.name),
      };
    })
    .sort(byName);
  const placements = objects.placements
    .map((p): FleetPlacement => {
      const decided = objects.decisions
        .filter((d) => namespaceOf(d) === namespaceOf(p) && d.metadata?.labels?.[PLACEMENT_LABEL] === nameOf(p))
        .flatMap((d) => {
          const decisions = record((d as Json).status).decisions;
          return Array.isArray(decisions) ? decisions.map((x) => text(record(x).clusterName)).filter(Boolean) : [];
        });
      return { namespace: namespaceOf(p), name: nameOf(p), clusters: [...new Set(decided)].sort(compare), satisfied: statusOf(p, 'PlacementSatisfied') };
    })
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  const works = objects.works.map(workOf).sort((a, b) => compare(a.cluster, b.cluster) || compare(a.name, b.name));
  const addOns = objects.addOns
    .map((a) => ({ cluster: namespaceOf(a), name: nameOf(a), available: statusOf(a, 'Available') }))
    .sort((a, b) => compare(a.cluster, b.cluster) || compare(a.name, b.name));
  return { capturedAt, hub, clusters, clusterSets, bindings, placements, works, addOns, errors: errors.map(redactSecrets) };
}

/** A snapshot that could not be taken at all: empty, with the reason. */
export function failedFleet(hub: string, error: unknown): FleetSnapshot {
  return { ...fleetFromObjects(hub, emptyObjects()), errors: [redactSecrets(`cannot read the fleet from the hub: ${errorMessage(error)}`)] };
}

function emptyObjects(): FleetObjects {
  return Object.fromEntries(Object.keys(FLEET_KINDS).map((key) => [key, []])) as unknown as FleetObjects;
}

/**
 * Reads the fleet from the hub, every kind at once, within 20 s. Never throws: a kind the hub does not serve is
 * empty, and a kind that could not be read (or a capture cut short) is named in `errors`.
 */
export async function captureFleet(hub: ClusterClient, signal?: AbortSignal, timeoutMs = CAPTURE_TIMEOUT_MS): Promise<FleetSnapshot> {
  const capturedAt = new Date().toISOString();
  const errors: string[] = [];
  const bounded = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
  // Every kind at once, each a discovery request and a list that hold a listener on it until their sockets close:
  // more than Node's default of 10 is expected here, not a leak.
  setMaxListeners(4 * Object.keys(FLEET_KINDS).length, bounded);
  try {
    const entries = await Promise.all(
      Object.entries(FLEET_KINDS).map(async ([key, ref]) => {
        try {
          return [key, await hub.list<KubernetesObject>(ref, undefined, bounded)] as const;
        } catch (error) {
          if (!(error instanceof NotServedError)) {
            errors.push(`${ref.kind} (${ref.apiVersion}): ${bounded.aborted && !signal?.aborted ? `no answer within ${timeoutMs / 1000}s` : errorMessage(error)}`);
          }
          return [key, []] as const;
        }
      }),
    );
    return fleetFromObjects(hub.cluster, Object.fromEntries(entries) as FleetObjects, errors.sort(), capturedAt);
  } catch (error) {
    return failedFleet(hub.cluster, error);
  }
}
