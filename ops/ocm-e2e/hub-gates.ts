// OCM's e2e BeforeSuite turns on hub feature gates (e2e_suite_test.go) and checks the hub ready at once, before the
// cluster-manager operator has rolled its Deployments with the new flags. Upstream's CI deploys the hub with those
// gates already on, so nothing rolls there. A lab hub has the gates its config asks for, so the suite's change rolls
// the work controller while the first specs run: the TTL cleanup spec then failed once in three runs (its
// ManifestWork not deleted within 30 s of completing). So the hub gets the suite's gates first, rolled out; the
// suite's own change is then a no-op, and `./lab up` afterwards puts back the config's gates.
// The work controller exists only with some of those gates, so each run creates it anew; its predecessor (deleted
// when `./lab up` put the config's gates back) left its leader lease unreleased, and the new one waited 137 s before
// it led: the TTL spec failed again (run 5). So leases of pods that are gone are released, and the run waits until
// live pods lead again.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../../src/kube/cluster-client.js';
import { deploymentRolledOut } from '../../src/kube/readiness.js';
import type { Lease } from '../../src/kube/node-health.js';
import { holderPod, releaseOrphanedLeaderLeases } from '../../src/ocm/clusteradm/stale-leader-leases.js';

const CLUSTER_MANAGER = { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'ClusterManager', name: 'cluster-manager' };
const HUB_NAMESPACE = 'open-cluster-management-hub';
const ROLLOUT_TIMEOUT_MS = 180_000;

interface FeatureGate {
  feature: string;
  mode: string;
}
type GateField = 'workConfiguration' | 'registrationConfiguration';
interface ClusterManager extends KubernetesObject {
  spec?: Partial<Record<GateField, { featureGates?: FeatureGate[] }>>;
  status?: { observedGeneration?: number };
}

/** The hub gates the suite turns on (NilExecutorValidating only with -nil-executor-validating=true, as run.ts passes). */
const SUITE_HUB_GATES: Record<GateField, string[]> = {
  workConfiguration: ['NilExecutorValidating', 'ManifestWorkReplicaSet', 'CleanUpCompletedManifestWork'],
  registrationConfiguration: ['ClusterImporter'],
};

/** Turns on the suite's hub gates in the ClusterManager and waits until the hub's Deployments run with them. */
export async function enableSuiteHubGates(hub: ClusterClient): Promise<void> {
  const manager = await hub.read<ClusterManager>(CLUSTER_MANAGER);
  if (!manager) throw new Error(`${hub.cluster} has no ClusterManager ${CLUSTER_MANAGER.name}: is OCM installed? run ./lab up`);
  const spec: ClusterManager['spec'] = {};
  for (const [field, wanted] of Object.entries(SUITE_HUB_GATES) as [GateField, string[]][]) {
    const gates = manager.spec?.[field]?.featureGates ?? [];
    const enabled = (feature: string) => gates.some((g) => g.feature === feature && g.mode === 'Enable');
    if (wanted.every(enabled)) continue;
    const rest = gates.filter((g) => !wanted.includes(g.feature));
    spec[field] = { ...manager.spec?.[field], featureGates: [...rest, ...wanted.map((feature) => ({ feature, mode: 'Enable' }))] };
  }
  if (Object.keys(spec).length) await rollOut(hub, spec);
  const released = await releaseOrphanedLeaderLeases(hub, HUB_NAMESPACE);
  if (!released.length) return;
  await hub.waitFor<Lease, true>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: HUB_NAMESPACE }, (leases) => {
    const pods = released.map((name) => leases.find((lease) => lease.metadata?.name === name)).map((lease) => (lease ? holderPod(lease) : undefined));
    return pods.every(Boolean) ? true : undefined;
  }, { timeoutMs: ROLLOUT_TIMEOUT_MS, description: `live pods to lead again (${released.join(', ')})` });
}

async function rollOut(hub: ClusterClient, spec: ClusterManager['spec']): Promise<void> {
  await hub.mergePatch(CLUSTER_MANAGER, { spec });
  await hub.waitFor<ClusterManager, true>(CLUSTER_MANAGER, ([cm]) => ((cm?.status?.observedGeneration ?? 0) >= (cm?.metadata?.generation ?? 1) ? true : undefined), {
    timeoutMs: ROLLOUT_TIMEOUT_MS,
    description: 'the cluster-manager operator to act on the suite\'s feature gates',
  });
  await hub.waitFor<KubernetesObject, true>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: HUB_NAMESPACE }, (deployments) => (deployments.length && deployments.every(deploymentRolledOut) ? true : undefined), {
    timeoutMs: ROLLOUT_TIMEOUT_MS,
    description: `the Deployments in ${HUB_NAMESPACE} to roll out with the suite's feature gates`,
  });
}
