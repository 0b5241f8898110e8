import { describe, expect, it } from 'vitest';
import { claimOf, foreignClusterError, inspectContainersArgs, listKindNodesArgs, ownedKindClusters, parseKindNodes } from '../../../src/providers/kind/kind-nodes.js';
import { LabError } from '../../../src/errors.js';

/** One node as `docker container inspect` prints it (the fields we read, and some we do not). */
function inspected(name: string, cluster: string | undefined, mounts: { Source: string; Destination: string }[]) {
  return {
    Id: `${name}-id`,
    Name: `/${name}`,
    Config: { Labels: cluster === undefined ? {} : { 'io.x-k8s.kind.cluster': cluster, 'io.x-k8s.kind.role': 'control-plane' } },
    Mounts: [...mounts.map((m) => ({ Type: 'bind', Mode: 'ro', RW: false, ...m })), { Type: 'bind', Source: '/lib/modules', Destination: '/lib/modules' }],
  };
}
const ownerMount = (stateDir: string, cluster: string) => ({ Source: `${stateDir}/kind/owner/${cluster}`, Destination: '/etc/ocm-lab' });

const SPACED = '/home/me/my labs/.lab/ocm';
const fixture = JSON.stringify([
  inspected('ocm-hub-control-plane', 'ocm-hub', [ownerMount(SPACED, 'hub')]),
  inspected('ocm-lab-hub-control-plane', 'ocm-lab-hub', [ownerMount('/home/me/my labs/.lab/ocm-lab', 'hub')]),
  inspected('ocm-cluster1-control-plane', 'ocm-cluster1', [ownerMount('/other checkout/.lab/ocm', 'cluster1')]),
  // A plain kind cluster whose node happens to mount something from inside our state dir, not at the owner mount.
  inspected('ocm-cluster2-control-plane', 'ocm-cluster2', [{ Source: `${SPACED}/kind/owner/cluster2`, Destination: '/data' }]),
  inspected('kind-control-plane', 'kind', []),
  inspected('busybox', undefined, []),
]);

describe('kind nodes read from docker container inspect (JSON)', () => {
  it('lists kind nodes by label and inspects them as containers only', () => {
    expect(listKindNodesArgs()).toEqual(['ps', '-aq', '--no-trunc', '--filter', 'label=io.x-k8s.kind.cluster']);
    expect(inspectContainersArgs(['a', 'b'])).toEqual(['container', 'inspect', 'a', 'b']);
  });

  it('reads id, name, cluster and owner mount, whatever spaces the paths have', () => {
    const nodes = parseKindNodes(fixture);
    expect(nodes[0]).toEqual({ id: 'ocm-hub-control-plane-id', name: 'ocm-hub-control-plane', cluster: 'ocm-hub', ownerMount: `${SPACED}/kind/owner/hub` });
    expect(nodes.map((n) => n.cluster)).toEqual(['ocm-hub', 'ocm-lab-hub', 'ocm-cluster1', 'ocm-cluster2', 'kind']);
  });

  it('owns exactly the clusters whose node mounts the owner folder from inside the lab\'s state dir (a path with spaces too)', () => {
    const nodes = parseKindNodes(fixture);
    // Lab "ocm" is a prefix of lab "ocm-lab", and another checkout has a lab "ocm" too: neither is ours.
    expect(ownedKindClusters(nodes, SPACED)).toEqual(['ocm-hub']);
    expect(ownedKindClusters(nodes, '/home/me/my labs/.lab/ocm-lab')).toEqual(['ocm-lab-hub']);
    expect(ownedKindClusters(nodes, '/home/me/my')).toEqual([]);
    expect(ownedKindClusters([], SPACED)).toEqual([]);
  });

  it('refuses output it cannot read rather than guessing', () => {
    expect(() => parseKindNodes('ocm-hub /a/.lab/ocm/kind/owner/hub')).toThrow(LabError);
    expect(() => parseKindNodes('{}')).toThrow(/not a JSON array/);
    expect(parseKindNodes('[null, {"Id": 1}, {"Id": "x", "Config": null}]')).toEqual([]);
  });
});

describe('whose is a kind name', () => {
  const nodes = parseKindNodes(fixture);

  it('ours when its node carries this lab\'s mark, absent when no node has it', () => {
    expect(claimOf(nodes, 'ocm-hub', SPACED)).toMatchObject({ state: 'ours', nodes: [{ id: 'ocm-hub-control-plane-id' }] });
    expect(claimOf(nodes, 'ocm-cluster9', SPACED)).toEqual({ state: 'absent' });
  });

  it('foreign when another lab made it: "ocm" + "lab-hub" is "ocm-lab" + "hub"', () => {
    expect(claimOf(nodes, 'ocm-lab-hub', SPACED)).toMatchObject({ state: 'foreign', otherLabs: ['/home/me/my labs/.lab/ocm-lab'] });
  });

  it('foreign when a lab of the same name in another checkout made it', () => {
    expect(claimOf(nodes, 'ocm-cluster1', SPACED)).toMatchObject({ state: 'foreign', otherLabs: ['/other checkout/.lab/ocm'] });
  });

  it('foreign when no lab made it, or when one of its nodes is not ours', () => {
    expect(claimOf(nodes, 'ocm-cluster2', SPACED)).toMatchObject({ state: 'foreign', otherLabs: [] });
    const mixed = [...nodes, { id: 'w', name: 'ocm-hub-worker', cluster: 'ocm-hub', ownerMount: '/other checkout/.lab/ocm/kind/owner/hub' }];
    expect(claimOf(mixed, 'ocm-hub', SPACED)).toMatchObject({ state: 'foreign', otherLabs: ['/other checkout/.lab/ocm'] });
    expect(ownedKindClusters(mixed, SPACED)).toEqual([]);
  });

  it('the refusal names the other lab\'s state dir and the ways out, as a usage error', () => {
    const claim = claimOf(nodes, 'ocm-cluster1', SPACED);
    if (claim.state !== 'foreign') throw new Error('expected a foreign claim');
    const error = foreignClusterError('cluster1', 'ocm-cluster1', claim);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('cluster cluster1: kind cluster "ocm-cluster1" already exists and is not this lab\'s: it belongs to another lab (state dir /other checkout/.lab/ocm)');
    expect(error.hint).toBe(
      'rename this lab (name:) or the cluster in the lab config so that "<lab>-<cluster>" names a new kind cluster, or take that lab down (./lab down with its config, next to /other checkout)',
    );
    const plain = claimOf(nodes, 'ocm-cluster2', SPACED);
    if (plain.state !== 'foreign') throw new Error('expected a foreign claim');
    expect(foreignClusterError('cluster2', 'ocm-cluster2', plain).hint).toContain('kind delete cluster --name ocm-cluster2');
  });
});
