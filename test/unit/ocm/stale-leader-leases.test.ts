import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../src/kube/node-health.js';
import { holderPod, staleLeaderLeases } from '../../../src/ocm/clusteradm/stale-leader-leases.js';

const lease = (namespace: string, name: string, renewTime?: string): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { namespace, name },
  spec: { holderIdentity: `${name}-pod_1234`, leaseDurationSeconds: 137, ...(renewTime && { renewTime }) },
});

describe('staleLeaderLeases', () => {
  const restartedAt = new Date('2026-12-02T23:00:00Z');

  it('names the OCM leases nobody renewed since the restart, and only those', () => {
    const leases = [
      lease('open-cluster-management-agent', 'registration-agent-lock', '2026-12-02T22:58:07Z'),
      lease('open-cluster-management-agent', 'work-agent-lock', '2026-12-02T23:00:30Z'),
      lease('open-cluster-management', 'klusterlet-lock', '2026-12-02T22:59:59Z'),
      lease('kube-system', 'kube-scheduler', '2026-12-02T22:58:00Z'),
      lease('kube-node-lease', 'cluster2-control-plane', '2026-12-02T22:58:00Z'),
      lease('open-cluster-management-hub', 'never-renewed'),
    ];
    expect(staleLeaderLeases(leases, restartedAt).map((l) => `${l.metadata!.namespace}/${l.metadata!.name}`)).toEqual([
      'open-cluster-management-agent/registration-agent-lock',
      'open-cluster-management/klusterlet-lock',
    ]);
  });
});

describe('holderPod', () => {
  it('reads the pod from a library-go holder identity, and nothing from another form', () => {
    const held = (holderIdentity: string): Lease => ({ metadata: { name: 'work-manager-lock' }, spec: { holderIdentity } });
    expect(holderPod(held('cluster-manager-work-controller-7558db6c94-tc75v_d1430c78-1b9a-458c-95d3-d8f530a6af7f'))).toBe('cluster-manager-work-controller-7558db6c94-tc75v');
    expect(holderPod(held('kind-ci-hub-control-plane'))).toBeUndefined();
    expect(holderPod(held(''))).toBeUndefined();
  });
});
