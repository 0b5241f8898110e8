import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../../src/kube/raw-request.js';

// A local HTTP server that takes requests and never answers: how rawRequest reports the deadline.
const server = createServer(() => undefined);
let kc: KubeConfig;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('rawRequest', () => {
  it('rejects a request with no answer by its deadline with ETIMEDOUT, naming it', async () => {
    await expect(rawRequest(kc, 'PATCH', '/apis/x', { timeoutMs: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/PATCH .*\/apis\/x: no answer within 0.1s/) });
  });
});
