import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/errors.js';
import { ClusterClient, NotServedError } from '../../../src/kube/cluster-client.js';
import { CancelledError } from '../../../src/process/abort.js';
import { sendJson, startStandInApi, type StandInApi } from '../../support/stand-in-api.js';

// A stand-in API server for our own wait logic only: discovery, a forbidden list, and a watch that never answers.
let api: StandInApi;
let client: ClusterClient;
let busyAnswers = 0;

beforeAll(async () => {
  api = await startStandInApi((_req, res, url) => {
    const send = (status: number, body: unknown) => sendJson(res, status, body);
    if (url.pathname === '/api/v1') return send(200, { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'secrets', kind: 'Secret', namespaced: true }] });
    if (url.pathname === '/api/v1/namespaces/default/secrets') return send(403, { kind: 'Status', message: 'secrets is forbidden: User "tester" cannot list resource "secrets"', code: 403 });
    if (url.pathname === '/api/v1/namespaces/default/configmaps' && url.searchParams.get('watch')) return; // hangs
    if (url.pathname === '/api/v1/namespaces/default/configmaps') return send(200, { metadata: { resourceVersion: '1' }, items: [] });
    if (url.pathname === '/api/v1/namespaces/default/configmaps/busy') {
      busyAnswers += 1;
      if (busyAnswers <= 2) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        return res.end(JSON.stringify({ kind: 'Status', message: 'storage is (re)initializing', code: 429 }));
      }
      return send(200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'busy', namespace: 'default' } });
    }
    send(404, { message: 'not found' });
  });
  client = new ClusterClient('fake', api.kubeconfig);
});

afterAll(() => api.close());

const seconds = async (work: Promise<unknown>) => {
  const started = Date.now();
  await work.catch(() => undefined);
  return (Date.now() - started) / 1000;
};

describe('ClusterClient.waitFor', () => {
  it('fails at once on a 403, with the API server\'s message', async () => {
    const wait = client.waitFor({ apiVersion: 'v1', kind: 'Secret', namespace: 'default' }, () => undefined, { timeoutMs: 60_000, description: 'a secret' });
    await expect(wait).rejects.toThrow(KubeApiError);
    await expect(wait).rejects.toThrow(/403: secrets is forbidden: User "tester" cannot list/);
    expect(await seconds(wait)).toBeLessThan(5);
  });

  it('fails at once on a kind the server does not serve', async () => {
    const wait = client.waitFor({ apiVersion: 'example.com/v1', kind: 'Widget' }, () => undefined, { timeoutMs: 60_000, description: 'a widget' });
    await expect(wait).rejects.toThrow(NotServedError);
    await expect(wait).rejects.toThrow(/does not serve Widget in example.com\/v1/);
  });

  it('stops as soon as its signal aborts, even inside a watch', async () => {
    const controller = new AbortController();
    const wait = client.waitFor({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, () => undefined, {
      timeoutMs: 60_000,
      description: 'a config map',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('step timed out')), 300);
    await expect(wait).rejects.toThrow(CancelledError);
    expect(await seconds(wait)).toBeLessThan(5);
  });
});

describe('ClusterClient requests', () => {
  it('come back after Retry-After when the API server answers 429 (storage re-initialising), as client-go does', async () => {
    const started = Date.now();
    const found = await client.read({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'busy' });
    expect(found?.metadata?.name).toBe('busy');
    expect(busyAnswers).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });
});
