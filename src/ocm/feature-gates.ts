import { AGENT_FEATURE_GATES, type FeatureGates, type GateCatalog } from '../config/ocm-feature-gates.js';

/** The gate catalog is config's (it validates names); what components and operators get of it is built here. */
export {
  AGENT_FEATURE_GATES,
  AGENT_GATE_NAMES,
  gateEnabled,
  HUB_FEATURE_GATES,
  HUB_GATE_NAMES,
  HUB_GATED_KINDS,
  type FeatureGates,
  type HubComponent,
} from '../config/ocm-feature-gates.js';

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
