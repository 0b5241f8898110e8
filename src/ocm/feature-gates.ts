/**
 * The feature gates the pinned OCM (v1.2.0, open-cluster-management.io/api feature/feature.go) knows, by the
 * component that reads them, with OCM's defaults. A lab config names gates in one flat map per side
 * (`ocm.featureGates` for the hub, `ocm.agentFeatureGates` for the klusterlet); each component gets the
 * gates it knows, as `clusteradm init/join --feature-gates` hands them out.
 */
/** Gate name to default, by the component that reads the gates. */
type GateCatalog = Record<string, Record<string, boolean>>;

export const HUB_FEATURE_GATES = {
  registration: {
    DefaultClusterSet: true,
    V1beta1CSRAPICompatibility: false,
    ManagedClusterAutoApproval: false,
    ResourceCleanup: true,
    ClusterProfile: false,
    ClusterImporter: false,
  },
  work: { NilExecutorValidating: false, ManifestWorkReplicaSet: false, CloudEventsDrivers: false, CleanUpCompletedManifestWork: false },
  addon: { AddonManagement: true },
} as const satisfies GateCatalog;

export const AGENT_FEATURE_GATES = {
  registration: { ClusterClaim: true, ClusterProperty: false, AddonManagement: true, V1beta1CSRAPICompatibility: false, MultipleHubs: false },
  work: { ExecutorValidatingCaches: false, RawFeedbackJsonString: false },
} as const satisfies GateCatalog;

/** Kinds a hub serves only while a gate is on: the work manager acts on ManifestWorkReplicaSets only with its gate. */
export const HUB_GATED_KINDS: Readonly<Record<string, { apiGroup: string; component: HubComponent; gate: string }>> = {
  ManifestWorkReplicaSet: { apiGroup: 'work.open-cluster-management.io', component: 'work', gate: 'ManifestWorkReplicaSet' },
};

export type HubComponent = keyof typeof HUB_FEATURE_GATES;

/** A lab's choice: gate name to on/off; gates it does not name keep OCM's default. */
export type FeatureGates = Partial<Record<string, boolean>>;

const namesOf = (catalog: GateCatalog) => [...new Set(Object.values(catalog).flatMap(Object.keys))].sort();

export const HUB_GATE_NAMES: readonly string[] = namesOf(HUB_FEATURE_GATES);
export const AGENT_GATE_NAMES: readonly string[] = namesOf(AGENT_FEATURE_GATES);

/** The gates of `chosen` that `component` knows, in the order OCM lists them. */
export function gatesFor(catalog: GateCatalog, component: string, chosen: FeatureGates): [string, boolean][] {
  return Object.keys(catalog[component] ?? {}).flatMap((gate) => (chosen[gate] === undefined ? [] : [[gate, chosen[gate]] as [string, boolean]]));
}

/** `--feature-gates=A=true,B=false` for a component, or nothing when the lab sets none of its gates. */
export function featureGatesFlag(catalog: GateCatalog, component: string, chosen: FeatureGates): string[] {
  const gates = gatesFor(catalog, component, chosen);
  return gates.length ? [`--feature-gates=${gates.map(([gate, on]) => `${gate}=${on}`).join(',')}`] : [];
}

/** The klusterlet agent of a local lab runs registration and work in one process: it takes both sides' gates. */
export function agentFeatureGatesFlag(chosen: FeatureGates): string[] {
  return featureGatesFlag({ agent: { ...AGENT_FEATURE_GATES.registration, ...AGENT_FEATURE_GATES.work } }, 'agent', chosen);
}

/** Whether a gate is on for a component: the lab's choice, else OCM's default. */
export function gateEnabled(catalog: GateCatalog, component: string, gate: string, chosen: FeatureGates): boolean {
  return chosen[gate] ?? catalog[component]?.[gate] ?? false;
}

/** One entry of the operator API's featureGates lists (ClusterManager and Klusterlet specs). */
export interface OperatorFeatureGate {
  feature: string;
  mode: 'Enable' | 'Disable';
}

/**
 * A component's featureGates list as `clusteradm init/join --feature-gates` writes it into the ClusterManager
 * or Klusterlet: Enable for every gate that is on (by default or by choice), Disable for a gate that is on by
 * default and turned off.
 */
export function operatorFeatureGates(catalog: GateCatalog, component: string, chosen: FeatureGates): OperatorFeatureGate[] {
  return Object.entries(catalog[component] ?? {}).flatMap(([feature, byDefault]): OperatorFeatureGate[] => {
    const on = chosen[feature] ?? byDefault;
    if (on) return [{ feature, mode: 'Enable' }];
    return byDefault ? [{ feature, mode: 'Disable' }] : [];
  });
}

/** Whether two featureGates lists say the same, whatever their order. */
export function sameOperatorFeatureGates(a: OperatorFeatureGate[] | undefined, b: OperatorFeatureGate[]): boolean {
  const key = (list: OperatorFeatureGate[]) => list.map((g) => `${g.feature}=${g.mode}`).sort().join(',');
  return key(a ?? []) === key(b);
}

/** `--feature-gates=A=true,...` for clusteradm init (hub) or join (klusterlet): the gates the lab sets, or nothing. */
export function clusteradmFeatureGates(chosen: FeatureGates): string[] {
  const gates = Object.entries(chosen).filter((entry): entry is [string, boolean] => entry[1] !== undefined);
  return gates.length ? ['--feature-gates', gates.map(([gate, on]) => `${gate}=${on}`).join(',')] : [];
}
