import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/kube/cluster-client.js';
import { acceptCluster } from '../../../src/ocm/accept.js';
import { approvableCsrs } from '../../../src/ocm/approve-csr.js';
import type { CertificateSigningRequest } from '../../../src/ocm/resources.js';
import { sendJson, startStandInApi, type StandInApi } from '../../support/stand-in-api.js';

// Our own order of steps only (what OCM's klusterlet operator does with it is in src/ocm/clusteradm/hub-connection-recheck.ts;
// the kind suites run it against the real one). A stand-in hub where cluster3 has joined and waits: its CSR is
// pending until approved through the approval subresource, then signed at once; a stand-in clusteradm accept
// records that it ran, approves what is pending and sets hubAcceptsClient.
const agentRequest = Buffer.from(readFileSync('fixtures/csr/agent-ecdsa.csr')).toString('base64');
const bootstrap = { username: 'system:bootstrap:abc123', groups: ['system:bootstrappers:managedcluster', 'system:authenticated'] };
const pendingCsr = (name: string, spec: object = bootstrap): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name, labels: { 'open-cluster-management.io/cluster-name': 'cluster3' } },
  spec: { request: agentRequest, ...spec },
});

let api: StandInApi;
let hub: ClusterClient;
let dir: string;
let clusteradm: string;
let csrs: CertificateSigningRequest[];
/** What happened, in order: approve <csr>, hook, clusteradm. */
let steps: string[];

const clusteradmRan = () => existsSync(join(dir, 'clusteradm-ran'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-lab-accept-'));
  clusteradm = join(dir, 'clusteradm');
  writeFileSync(clusteradm, `#!/bin/sh\ntouch '${join(dir, 'clusteradm-ran')}'\n`);
  chmodSync(clusteradm, 0o755);
  api = await startStandInApi((req, res, url) => {
    const send = (status: number, body: unknown) => sendJson(res, status, body);
    if (url.searchParams.get('watch')) return; // hangs
    const cluster3 = { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name: 'cluster3' }, spec: { hubAcceptsClient: clusteradmRan() } };
    const approval = /^\/apis\/certificates.k8s.io\/v1\/certificatesigningrequests\/([^/]+)\/approval$/.exec(url.pathname);
    if (approval && req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const sent = JSON.parse(body) as CertificateSigningRequest;
        steps.push(`approve ${approval[1]}${clusteradmRan() ? ' after clusteradm' : ''}`);
        csrs = csrs.map((csr) => (csr.metadata!.name === approval[1] ? { ...sent, status: { ...sent.status, certificate: 'Y2VydA==' } } : csr));
        send(200, sent);
      });
      return;
    }
    switch (url.pathname) {
      case '/apis/certificates.k8s.io/v1':
        return send(200, { resources: [{ name: 'certificatesigningrequests', kind: 'CertificateSigningRequest', namespaced: false }] });
      case '/apis/cluster.open-cluster-management.io/v1':
        return send(200, { resources: [{ name: 'managedclusters', kind: 'ManagedCluster', namespaced: false }] });
      case '/apis/certificates.k8s.io/v1/certificatesigningrequests':
        // clusteradm accept approves what is pending; the hub signs it.
        if (clusteradmRan()) csrs = csrs.map((csr) => (csr.status?.certificate ? csr : { ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'clusteradm' }], certificate: 'Y2VydA==' } }));
        return send(200, { metadata: { resourceVersion: '1' }, items: csrs });
      case '/apis/cluster.open-cluster-management.io/v1/managedclusters':
        return send(200, { metadata: { resourceVersion: '1' }, items: [cluster3] });
      case '/apis/cluster.open-cluster-management.io/v1/managedclusters/cluster3':
        return send(200, cluster3);
    }
    send(404, { kind: 'Status', message: 'not found', code: 404 });
  });
  hub = new ClusterClient('hub', api.kubeconfig);
});

afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(join(dir, 'clusteradm-ran'), { force: true });
  steps = [];
});

const accept = (beforeHubAccepts?: () => Promise<undefined>) =>
  acceptCluster(hub, 'cluster3', { clusteradm, managed: hub, timeoutMs: 5_000, beforeHubAccepts }).then(() => {
    if (clusteradmRan()) steps.push('clusteradm');
  });

describe('acceptCluster with a wait between approval and acceptance', () => {
  it('approves the CSR, waits until it is signed, runs the wait, and only then runs clusteradm accept', async () => {
    csrs = [pendingCsr('cluster3-a')];
    await accept(async () => {
      expect(csrs[0]!.status?.certificate).toBeDefined();
      steps.push(clusteradmRan() ? 'hook after clusteradm' : 'hook');
    });
    expect(steps).toEqual(['approve cluster3-a', 'hook', 'clusteradm']);
    expect(csrs[0]!.status?.conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', reason: 'OcmLabApprove' })]);
  });

  it('leaves the approval to clusteradm when nothing is to wait for', async () => {
    csrs = [pendingCsr('cluster3-a')];
    await accept();
    expect(steps).toEqual(['clusteradm']);
  });

  it('leaves the approval, and so the wait, to clusteradm when it would not approve either', async () => {
    let waited = false;
    csrs = [pendingCsr('cluster3-a', { username: 'someone', groups: ['system:authenticated'] })];
    await accept(async () => void (waited = true));
    expect(steps).toEqual(['clusteradm']);
    expect(waited).toBe(false);
  });
});

describe('approvableCsrs', () => {
  const approved = { ...pendingCsr('old'), status: { conditions: [{ type: 'Approved', status: 'True' }] } };
  const otherAgent = { ...pendingCsr('other'), spec: { ...bootstrap, request: 'bm90IGEgY3Ny' } };

  it("the pending CSRs of one bootstrapping agent, beside older approved ones", () => {
    expect(approvableCsrs([approved, pendingCsr('a'), pendingCsr('b')]).map((c) => c.metadata!.name)).toEqual(['a', 'b']);
  });

  it('the identities clusteradm accept approves, by user and group', () => {
    const sa = { username: 'system:serviceaccount:open-cluster-management:agent-registration-bootstrap', groups: ['system:serviceaccounts:open-cluster-management'] };
    expect(approvableCsrs([pendingCsr('a', sa)])).toHaveLength(1);
    expect(approvableCsrs([pendingCsr('a', { ...bootstrap, groups: ['system:authenticated'] })])).toEqual([]);
    expect(approvableCsrs([pendingCsr('a', { ...bootstrap, username: 'system:admin' })])).toEqual([]);
  });

  it('nothing when none is pending, or two agents ask, or one cannot be told', () => {
    expect(approvableCsrs([approved])).toEqual([]);
    expect(approvableCsrs([pendingCsr('a'), otherAgent])).toEqual([]);
    expect(approvableCsrs([otherAgent])).toEqual([]);
  });
});
