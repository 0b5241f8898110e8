import { afterEach, describe, expect, it } from 'vitest';
import { renderFleet, renderStatus } from '../../../src/cli/render.js';
import type { LabStatus } from '../../../src/lab/status.js';
import { fleetFromObjects, type FleetObjects } from '../../../src/report/fleet.js';

const available = [
  { type: 'ManagedClusterJoined', status: 'True' },
  { type: 'ManagedClusterConditionAvailable', status: 'True' },
];
const work = (cluster: string, name: string, status: string) => ({ metadata: { namespace: cluster, name }, status: { conditions: [{ type: 'Available', status }] } });

const fleet = fleetFromObjects('hub', {
  managedClusters: [
    { metadata: { name: 'cluster1', labels: { env: 'dev', 'clusterset.lab.ocm.io/dev': 'true', 'cluster.open-cluster-management.io/clusterset': 'default' } }, status: { conditions: available } },
    { metadata: { name: 'cluster2', labels: { env: 'prod', 'cluster.open-cluster-management.io/clusterset': 'default' } }, status: { conditions: [available[0], { type: 'ManagedClusterConditionAvailable', status: 'Unknown' }] } },
  ],
  clusterSets: [
    { metadata: { name: 'default' }, spec: { clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } } },
    { metadata: { name: 'dev' }, spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: { matchLabels: { 'clusterset.lab.ocm.io/dev': 'true' } } } } },
  ],
  bindings: [{ metadata: { namespace: 'apps', name: 'default' }, spec: { clusterSet: 'default' } }],
  placements: [{ metadata: { namespace: 'apps', name: 'both' } }, { metadata: { namespace: 'apps', name: 'none' }, status: { conditions: [{ type: 'PlacementSatisfied', status: 'False' }] } }],
  decisions: [{ metadata: { namespace: 'apps', name: 'both-1', labels: { 'cluster.open-cluster-management.io/placement': 'both' } }, status: { decisions: [{ clusterName: 'cluster1' }, { clusterName: 'cluster2' }] } }],
  works: [work('cluster1', 'web', 'True'), work('cluster1', 'db', 'False'), work('cluster2', 'web', 'True')],
  addOns: [{ metadata: { namespace: 'cluster1', name: 'hello' }, status: { conditions: [{ type: 'Available', status: 'True' }] } }],
} as unknown as FleetObjects);

const status: LabStatus = {
  name: 'lab',
  provider: 'local',
  stateDir: '/tmp/lab',
  clusters: [{ name: 'hub', role: 'hub', running: true, working: true }],
  managedClusters: [],
  ocm: { hub: 'v1.2.0', agents: 'v1.2.0' },
  components: [],
  installs: [],
  healthy: false,
  problems: ['cluster2 is not ready'],
};

const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
const noColor = process.env.NO_COLOR;
afterEach(() => {
  if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
  else delete (process.stdout as { isTTY?: boolean }).isTTY;
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

describe('renderFleet (the picture under ./lab status)', () => {
  it('draws the hub with its clusters as a tree: labels, sets, works and add-ons with how many are Available, the Placements that chose each', () => {
    expect(renderFleet(fleet).split('\n')).toEqual([
      'Fleet (from hub hub)',
      'hub',
      '├─ cluster1  Available  env=dev',
      '│    sets: default, dev',
      '│    2 ManifestWorks, 1 Available; 1 add-on, 1 Available',
      '│    chosen by apps/both',
      '└─ cluster2  Joined True, Available Unknown  env=prod',
      '     sets: default',
      '     1 ManifestWork, 1 Available',
      '     chosen by apps/both',
      '',
      'CLUSTER SET  SELECTS                         CLUSTERS            BOUND TO',
      'default      exclusive label                 cluster1, cluster2  apps',
      'dev          clusterset.lab.ocm.io/dev=true  cluster1            -',
      '',
      'PLACEMENT  CHOSE',
      'apps/both  cluster1, cluster2',
      'apps/none  none (PlacementSatisfied False)',
    ]);
  });

  it('names what could not be read, and says when the hub has no cluster', () => {
    const empty = { ...fleetFromObjects('hub', { managedClusters: [], clusterSets: [], bindings: [], placements: [], decisions: [], works: [], addOns: [] }), errors: ['ManifestWork (work.open-cluster-management.io/v1): HTTP 403'] };
    expect(renderFleet(empty).split('\n')).toEqual(['Fleet (from hub hub)', 'hub', '└─ (no ManagedCluster)', 'fleet: ManifestWork (work.open-cluster-management.io/v1): HTTP 403']);
  });

  it('colours on a terminal, and not with NO_COLOR', () => {
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    delete process.env.NO_COLOR;
    expect(renderFleet(fleet)).toContain('\u001b[32mAvailable\u001b[0m');
    expect(renderFleet(fleet)).toContain('\u001b[31m1 Available\u001b[0m');
    process.env.NO_COLOR = '1';
    expect(renderFleet(fleet)).not.toContain('\u001b[');
  });
});

describe('renderStatus', () => {
  it('puts the fleet after the tables and before the problems; without a fleet there is none', () => {
    const text = renderStatus(status, fleet);
    expect(text.indexOf('MANAGED CLUSTER')).toBeLessThan(text.indexOf('Fleet (from hub hub)'));
    expect(text.indexOf('Fleet (from hub hub)')).toBeLessThan(text.indexOf('problem: cluster2 is not ready'));
    expect(renderStatus(status)).not.toContain('Fleet');
  });
});
