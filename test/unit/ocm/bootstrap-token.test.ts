import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/kube/cluster-client.js';
import { bootstrapKubeconfig } from '../../../src/ocm/bootstrap-token.js';
import { sendJson, startStandInApi, type StandInApi } from '../../support/stand-in-api.js';

// A stand-in API server for our own retry logic only: it answers the bootstrap TokenRequest with the statuses queued.
const TOKEN_PATH = '/api/v1/namespaces/open-cluster-management/serviceaccounts/agent-registration-bootstrap/token';
let api: StandInApi;
let hub: ClusterClient;
let answers: number[] = [];
let asked = 0;

beforeAll(async () => {
  api = await startStandInApi((req, res, url) => {
    if (req.method !== 'POST' || url.pathname !== TOKEN_PATH) return sendJson(res, 404, { kind: 'Status', code: 404 });
    asked++;
    const status = answers.shift() ?? 201;
    if (status !== 201) return sendJson(res, status, { kind: 'Status', code: status, message: `answered ${status}` });
    sendJson(res, 201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: {}, status: { token: 'the-token', expirationTimestamp: new Date().toISOString() } });
  });
  // The bootstrap kubeconfig carries the hub's CA (a placeholder here: the stand-in speaks plain HTTP).
  writeFileSync(api.kubeconfig, readFileSync(api.kubeconfig, 'utf8').replace('insecure-skip-tls-verify: true', 'insecure-skip-tls-verify: true, certificate-authority-data: Q0E='));
  hub = new ClusterClient('hub', api.kubeconfig);
});

afterAll(() => api.close());

describe('bootstrapKubeconfig', () => {
  it('asks again when the hub does not finish the TokenRequest in time (504)', async () => {
    answers = [504, 503];
    asked = 0;
    const kubeconfig = await bootstrapKubeconfig(hub, 'lab', 10);
    expect(kubeconfig).toContain('the-token');
    expect(asked).toBe(3);
  });

  it('does not ask again for a client error, and gives up after a few server errors', async () => {
    answers = [404];
    asked = 0;
    await expect(bootstrapKubeconfig(hub, 'lab', 10)).rejects.toThrow();
    expect(asked).toBe(1);
    answers = [504, 504, 504, 504, 504];
    asked = 0;
    await expect(bootstrapKubeconfig(hub, 'lab', 10)).rejects.toThrow();
    expect(asked).toBe(4);
  });
});
