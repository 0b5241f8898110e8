import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterClient, NotServedError, type ObjectRef } from '../../../src/kube/cluster-client.js';
import { captureFleet, describeSelector, failedFleet, FLEET_KINDS, fleetFromObjects, selects, type FleetObjects } from '../../../src/report/fleet.js';

const SET_LABEL = 'cluster.open-cluster-management.io/clusterset';
const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';

const condition = (type: string, status: string, message?: string) => ({ type, status, ...(message ? { message } : {}) });

function managedCluster(name: string, labels: Record<string, string>, conditions = [condition('ManagedClusterJoined', 'True'), condition('ManagedClusterConditionAvailable', 'True')]) {
  return { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name, labels }, spec: { hubAcceptsClient: true }, status: { conditions } };
}

const set = (name: string, clusterSelector?: object) => ({ metadata: { name }, ...(clusterSelector ? { spec: { clusterSelector } } : {}) });
const decision = (namespace: string, placement: string, name: string, clusters: string[]) => ({
  metadata: { namespace, name, labels: { [PLACEMENT_LABEL]: placement } },
  status: { decisions: clusters.map((clusterName) => ({ clusterName, reason: '' })) },
});
const work = (namespace: string, name: string, conditions: object[], manifests = 1) => ({
  metadata: { namespace, name },
  spec: { workload: { manifests: Array.from({ length: manifests }, () => ({ kind: 'ConfigMap' })) } },
  status: { conditions },
});

/** A hub as the lab makes it: the webhook's default set, global, the config's sets (label selectors), a binding. */
const objects: FleetObjects = {
  managedClusters: [
    managedCluster('cluster10', { env: 'prod', [SET_LABEL]: 'default', 'clusterset.lab.ocm.io/prod': 'true' }),
    managedCluster('cluster2', { env: 'prod', tier: 'gold', [SET_LABEL]: 'default', 'clusterset.lab.ocm.io/prod': 'true' }, [condition('ManagedClusterJoined', 'True'), condition('ManagedClusterConditionAvailable', 'Unknown')]),
    managedCluster('cluster1', { env: 'dev', [SET_LABEL]: 'default', 'clusterset.lab.ocm.io/dev': 'true' }, []),
  ],
  clusterSets: [
    set('default', { selectorType: 'ExclusiveClusterSetLabel' }),
    set('legacy'),
    set('global', { selectorType: 'LabelSelector', labelSelector: {} }),
    set('prod', { selectorType: 'LabelSelector', labelSelector: { matchLabels: { 'clusterset.lab.ocm.io/prod': 'true' } } }),
    set('gold-or-dev', { selectorType: 'LabelSelector', labelSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'test'] }] } }),
  ],
  bindings: [
    { metadata: { namespace: 'team-b', name: 'global' }, spec: { clusterSet: 'global' } },
    { metadata: { namespace: 'team-a', name: 'global' }, spec: { clusterSet: 'global' } },
    { metadata: { namespace: 'team-a', name: 'prod' }, spec: { clusterSet: 'prod' } },
  ],
  placements: [
    { metadata: { namespace: 'team-a', name: 'spread' }, status: { conditions: [condition('PlacementSatisfied', 'True')] } },
    { metadata: { namespace: 'team-a', name: 'nowhere' }, status: { conditions: [condition('PlacementSatisfied', 'False', 'no cluster matches')] } },
    { metadata: { namespace: 'team-b', name: 'spread' } },
  ],
  decisions: [
    // Decisions of one Placement may be split over several objects; another namespace's are another Placement's.
    decision('team-a', 'spread', 'spread-decision-1', ['cluster10', 'cluster2']),
    decision('team-a', 'spread', 'spread-decision-2', ['cluster1', 'cluster2']),
    decision('team-b', 'spread', 'spread-decision-1', ['cluster2']),
    decision('team-a', 'gone', 'gone-decision-1', ['cluster1']),
  ],
  works: [
    work('cluster2', 'web', [condition('Applied', 'True'), condition('Available', 'False', 'Deployment web: 0 of 1 available'), condition('Degraded', 'False')], 2),
    work('cluster1', 'web', [condition('Applied', 'True'), condition('Available', 'True')]),
    work('cluster1', 'config', [condition('Applied', 'False', 'token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlc2ln is refused')]),
    work('cluster1', 'new', []),
  ],
  addOns: [{ metadata: { namespace: 'cluster1', name: 'hello' }, status: { conditions: [condition('Available', 'True')] } }, { metadata: { namespace: 'cluster2', name: 'hello' } }],
} as unknown as FleetObjects;

describe('selects (label selectors)', () => {
  it('matches labels and every expression operator; an empty selector selects everything', () => {
    const labels = { env: 'dev', tier: 'gold' };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { env: 'dev' } }, labels)).toBe(true);
    expect(selects({ matchLabels: { env: 'prod' } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'env', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
    expect(selects({ matchLabels: { env: 'dev' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('describes a selector in one line', () => {
    expect(describeSelector({})).toBe('every cluster');
    expect(describeSelector({ matchLabels: { env: 'dev' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a', 'b'] }, { key: 'x', operator: 'DoesNotExist' }] })).toBe('env=dev, tier notin (a,b), !x');
  });
});

describe('fleetFromObjects', () => {
  const fleet = fleetFromObjects('hub', objects, [], '2026-12-06T00:00:00.000Z');

  it('lists the clusters in natural order, with their labels, conditions and the sets that select them', () => {
    expect(fleet.hub).toBe('hub');
    expect(fleet.capturedAt).toBe('2026-12-06T00:00:00.000Z');
    expect(fleet.clusters.map((c) => [c.name, c.joined, c.available, c.clusterSets.join(',')])).toEqual([
      ['cluster1', 'Unknown', 'Unknown', 'default,global,gold-or-dev'],
      ['cluster2', 'True', 'Unknown', 'default,global,prod'],
      ['cluster10', 'True', 'True', 'default,global,prod'],
    ]);
    expect(fleet.clusters[1]!.labels).toMatchObject({ env: 'prod', tier: 'gold' });
    expect(fleet.clusters[0]!.accepted).toBe(true);
  });

  it('computes each set\'s members from its selector (the exclusive label when none is given) and where it is bound', () => {
    expect(fleet.clusterSets.map((s) => [s.name, s.selector, s.clusters.join(','), s.boundTo.join(',')])).toEqual([
      ['default', 'exclusive label', 'cluster1,cluster2,cluster10', ''],
      ['global', 'every cluster', 'cluster1,cluster2,cluster10', 'team-a,team-b'],
      ['gold-or-dev', 'env in (dev,test)', 'cluster1', ''],
      ['legacy', 'exclusive label', '', ''],
      ['prod', 'clusterset.lab.ocm.io/prod=true', 'cluster2,cluster10', 'team-a'],
    ]);
    expect(fleet.bindings).toEqual([
      { namespace: 'team-a', clusterSet: 'global' },
      { namespace: 'team-a', clusterSet: 'prod' },
      { namespace: 'team-b', clusterSet: 'global' },
    ]);
  });

  it('gives each Placement the clusters of all its PlacementDecisions, and only its own', () => {
    expect(fleet.placements).toEqual([
      { namespace: 'team-a', name: 'nowhere', clusters: [], satisfied: 'False' },
      { namespace: 'team-a', name: 'spread', clusters: ['cluster1', 'cluster2', 'cluster10'], satisfied: 'True' },
      { namespace: 'team-b', name: 'spread', clusters: ['cluster2'], satisfied: 'Unknown' },
    ]);
  });

  it('gives each ManifestWork its conditions, its manifests and what is wrong with it, redacted', () => {
    expect(fleet.works.map((w) => [w.cluster, w.name, w.manifests, w.conditions])).toEqual([
      ['cluster1', 'config', 1, { Applied: 'False' }],
      ['cluster1', 'new', 1, {}],
      ['cluster1', 'web', 1, { Applied: 'True', Available: 'True' }],
      ['cluster2', 'web', 2, { Applied: 'True', Available: 'False', Degraded: 'False' }],
    ]);
    expect(fleet.works.find((w) => w.cluster === 'cluster2')!.problem).toBe('Available=False: Deployment web: 0 of 1 available');
    expect(fleet.works.find((w) => w.name === 'web' && w.cluster === 'cluster1')!.problem).toBeUndefined();
    const config = fleet.works.find((w) => w.name === 'config')!.problem!;
    expect(config).toContain('Applied=False');
    expect(config).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  it('gives each add-on its Available condition', () => {
    expect(fleet.addOns).toEqual([
      { cluster: 'cluster1', name: 'hello', available: 'True' },
      { cluster: 'cluster2', name: 'hello', available: 'Unknown' },
    ]);
  });

  it('survives objects without status, spec or labels', () => {
    const bare = fleetFromObjects('hub', { ...objects, managedClusters: [{ metadata: { name: 'x' } }], works: [{ metadata: { name: 'w', namespace: 'x' } }], placements: [{ metadata: { name: 'p', namespace: 'n' } }] } as FleetObjects);
    expect(bare.clusters).toEqual([{ name: 'x', labels: {}, accepted: false, joined: 'Unknown', available: 'Unknown', clusterSets: ['global'] }]);
    expect(bare.works).toEqual([{ cluster: 'x', name: 'w', manifests: 0, conditions: {} }]);
  });

  it('a snapshot that could not be taken is empty and says why', () => {
    const failed = failedFleet('hub', new Error('no kubeconfig --token=abcdefghijkl'));
    expect(failed.clusters).toEqual([]);
    expect(failed.errors).toEqual(['cannot read the fleet from the hub: no kubeconfig --token=<redacted>']);
  });
});

const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-fleet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('captureFleet', () => {
  it('reads every kind from the hub; a kind the hub does not serve is empty, a failed read is named, and it never throws', async () => {
    const asked: string[] = [];
    const hub = {
      cluster: 'hub',
      list: async (ref: ObjectRef) => {
        asked.push(ref.kind);
        if (ref.kind === 'ManagedClusterAddOn') throw new NotServedError('hub: the API server does not serve ManagedClusterAddOn');
        if (ref.kind === 'ManifestWork') throw new Error('HTTP 403: forbidden');
        return (objects[Object.entries(FLEET_KINDS).find(([, r]) => r.kind === ref.kind)![0] as keyof FleetObjects] ?? []) as KubernetesObject[];
      },
    } as unknown as ClusterClient;
    const fleet = await captureFleet(hub);
    expect(asked.sort()).toEqual(Object.values(FLEET_KINDS).map((r) => r.kind).sort());
    expect(fleet.clusters).toHaveLength(3);
    expect(fleet.placements).toHaveLength(3);
    expect(fleet.addOns).toEqual([]);
    expect(fleet.works).toEqual([]);
    expect(fleet.errors).toEqual(['ManifestWork (work.open-cluster-management.io/v1): HTTP 403: forbidden']);
  });

  it('reads every kind at once on one signal without a MaxListenersExceededWarning (it showed in ./lab status)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const hub = {
        cluster: 'hub',
        // As ClusterClient does for a kind: a discovery request, then the list, each an HTTPS request that holds a
        // listener on the signal until its socket closes (7 kinds made Node warn of 11 in ./lab status).
        list: async (_ref: ObjectRef, _selector: unknown, signal: AbortSignal) => {
          for (let request = 0; request < 2; request++) signal.addEventListener('abort', () => undefined);
          await new Promise((r) => setTimeout(r, 20));
          return [];
        },
      } as unknown as ClusterClient;
      await captureFleet(hub, new AbortController().signal);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('against a hub that does not answer: an empty snapshot with the errors, within its time limit', async () => {
    const kubeconfig = join(scratch, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const started = Date.now();
    const fleet = await captureFleet(new ClusterClient('hub', kubeconfig), undefined, 5_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fleet.clusters).toEqual([]);
    expect(fleet.errors).toHaveLength(Object.keys(FLEET_KINDS).length);
    expect(fleet.errors[0]).toMatch(/^\w+ \([^)]+\): /);
  });
});
