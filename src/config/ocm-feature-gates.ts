/**
 * The feature gates the pinned OCM (v1.2.0, open-cluster-management.io/api feature/feature.go) knows, by the
 * component that reads them, with OCM's defaults. A lab config names gates in one flat map per side
 * (`ocm.featureGates` for the hub, `ocm.agentFeatureGates` for the klusterlet); each component gets the
 * gates it knows, as `clusteradm init/join --feature-gates` hands them out.
 */
/** Gate name to default, by the component that reads the gates. */
export type GateCatalog = Record<string, Record<string, boolean>>;

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

/**
 * Gates of the catalogs above that an older supported release does not know (open-cluster-management.io/api
 * v1.0.0 feature/feature.go has every other one, with the same defaults).
 */
export const GATES_UNKNOWN_TO: Readonly<Record<string, readonly string[]>> = { 'v1.0.0': ['CleanUpCompletedManifestWork'] };

/** Whether a gate is on for a component: the lab's choice, else OCM's default. */
export function gateEnabled(catalog: GateCatalog, component: string, gate: string, chosen: FeatureGates): boolean {
  return chosen[gate] ?? catalog[component]?.[gate] ?? false;
}
