import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/errors.js';
import { ClusterClient } from '../../../src/kube/cluster-client.js';
import { acceptCluster } from '../../../src/ocm/accept.js';
import { sendJson, startStandInApi, type StandInApi } from '../../support/stand-in-api.js';

// A stand-in API server for our own wait logic only: a hub whose cluster2 is accepted, with one approved CSR and no
// pending one, and a managed cluster whose agent's hub-kubeconfig-secret holds credentials or not. Watches never answer.
let api: StandInApi;
let hub: ClusterClient;
let managed: ClusterClient;
let agentHasCredentials = false;
/** How many more CSR lists show the agent's renewal CSR pending (the hub approves it itself soon after). */
let renewalPendingFor = 0;

const approvedCsr = {
  metadata: { name: 'cluster2-x', labels: { 'open-cluster-management.io/cluster-name': 'cluster2' } },
  status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'Y2VydA==' },
};
const renewalCsr = { metadata: { name: 'cluster2-renewal', labels: { 'open-cluster-management.io/cluster-name': 'cluster2' } } };
const cluster2 = {
  apiVersion: 'cluster.open-cluster-management.io/v1',
  kind: 'ManagedCluster',
  metadata: { name: 'cluster2' },
  spec: { hubAcceptsClient: true },
  status: { conditions: [{ type: 'ManagedClusterConditionAvailable', status: 'True' }] },
};

beforeAll(async () => {
  api = await startStandInApi((_req, res, url) => {
    const send = (status: number, body: unknown) => sendJson(res, status, body);
    if (url.searchParams.get('watch')) return; // hangs
    const list = (items: unknown[]) => send(200, { metadata: { resourceVersion: '1' }, items });
    const secret = { metadata: { name: 'hub-kubeconfig-secret', namespace: 'open-cluster-management-agent' }, data: agentHasCredentials ? { kubeconfig: 'a2M=' } : { 'agent-name': 'YQ==' } };
    switch (url.pathname) {
      case '/api/v1':
        return send(200, { resources: [{ name: 'secrets', kind: 'Secret', namespaced: true }] });
      case '/apis/certificates.k8s.io/v1':
        return send(200, { resources: [{ name: 'certificatesigningrequests', kind: 'CertificateSigningRequest', namespaced: false }] });
      case '/apis/cluster.open-cluster-management.io/v1':
        return send(200, { resources: [{ name: 'managedclusters', kind: 'ManagedCluster', namespaced: false }] });
      case '/apis/certificates.k8s.io/v1/certificatesigningrequests':
        return list(renewalPendingFor-- > 0 ? [approvedCsr, renewalCsr] : [approvedCsr, { ...renewalCsr, status: approvedCsr.status }]);
      case '/apis/cluster.open-cluster-management.io/v1/managedclusters':
        return list([cluster2]);
      case '/apis/cluster.open-cluster-management.io/v1/managedclusters/cluster2':
        return send(200, cluster2);
      case '/api/v1/namespaces/open-cluster-management-agent/secrets':
        return list([secret]);
      case '/api/v1/namespaces/open-cluster-management-agent/secrets/hub-kubeconfig-secret':
        return send(200, secret);
    }
    send(404, { kind: 'Status', message: 'not found', code: 404 });
  });
  hub = new ClusterClient('hub', api.kubeconfig);
  managed = new ClusterClient('cluster2', api.kubeconfig);
});

afterAll(() => api.close());

describe('acceptCluster for an agent that join saw bootstrapping', () => {
  // CI, 2026-12-06: an agent upgraded in place kept its credentials, no CSR came, and up waited 180 s for one.
  it('ends when the agent holds hub credentials after all: no CSR is coming', async () => {
    agentHasCredentials = true;
    await expect(acceptCluster(hub, 'cluster2', { clusteradm: '/nonexistent', managed, timeoutMs: 5_000, agentBootstrapping: true })).resolves.toBeUndefined();
  });

  it('waits for its CSR even though the hub shows the cluster available, and says what it saw when none comes', async () => {
    agentHasCredentials = false;
    const error = await acceptCluster(hub, 'cluster2', { clusteradm: '/nonexistent', managed, timeoutMs: 1_500, agentBootstrapping: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/waiting for a pending CSR from cluster cluster2 on hub/);
    expect((error as Error).message).toContain('seen: ManagedCluster hubAcceptsClient=true, Available=True; 2 CSR(s) of the cluster: Approved, Approved; its agent holds hub credentials: no');
  });

  // A CI rehearsal, 2026-12-06 (local, agents upgraded in place): a CSR of the accepted cluster was pending when accept
  // looked, the hub approved it itself (the agent's renewal) before the wait for a pending CSR looked, and up waited
  // 180 s for one; after it: "2 CSR(s) of the cluster: Approved, Approved; its agent holds hub credentials: yes".
  it('ends when a pending CSR it saw is approved by the hub itself and the agent holds hub credentials', async () => {
    agentHasCredentials = true;
    renewalPendingFor = 1;
    await expect(acceptCluster(hub, 'cluster2', { clusteradm: '/nonexistent', managed, timeoutMs: 5_000, agentBootstrapping: true })).resolves.toBeUndefined();
    renewalPendingFor = 1;
    await expect(acceptCluster(hub, 'cluster2', { clusteradm: '/nonexistent', managed, timeoutMs: 5_000 })).resolves.toBeUndefined();
  });
});
