// The health check of a cluster the lab did not make, against a stand-in API server (our own logic only): a slow or
// briefly unready API server still works; only one that does not answer is reported down.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { apiServerAnswers } from '../../../src/kube/api-ready.js';
import { ExistingProvider } from '../../../src/providers/existing/existing-provider.js';
import { startStandInApi, type StandInApi } from '../../support/stand-in-api.js';

const opened: StandInApi[] = [];
const dirs: string[] = [];
afterEach(() => {
  opened.splice(0).forEach((api) => api.close());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** An API server whose /readyz answers `answers[i]` to the i-th request (the last one from then on), after `delayMs`. */
async function apiServer(answers: number[], delayMs = 0): Promise<StandInApi> {
  let asked = 0;
  const api = await startStandInApi((_req, res, url) => {
    if (url.pathname !== '/readyz') return void res.writeHead(404).end();
    const status = answers[Math.min(asked++, answers.length - 1)]!;
    setTimeout(() => res.writeHead(status).end(status === 200 ? 'ok' : 'etcd failed'), delayMs);
  });
  opened.push(api);
  return api;
}

function providerFor(kubeconfig: string): ExistingProvider {
  const work = mkdtempSync(join(tmpdir(), 'ocm-lab-existing-health-'));
  dirs.push(work);
  const spec = parseConfig(`name: mine\nprovider: existing\nhub: {name: hub, kubeconfig: ${kubeconfig}}\nmanagedClusters: [{name: cluster1, kubeconfig: ${kubeconfig}}]\n`, join(work, 'lab.config.yaml'));
  return new ExistingProvider(spec, { work, state: work } as never);
}

describe('the health of a cluster the lab did not make', () => {
  it('an API server that takes 2.5 s to answer /readyz is running (a loaded CI machine)', async () => {
    const api = await apiServer([200], 2500);
    const health = await providerFor(api.kubeconfig).health('hub');
    expect(health.running).toBe(true);
    expect(health.problems.join('\n')).not.toContain('does not answer');
  });

  it('an API server whose readiness check fails twice, then passes, is running', async () => {
    const api = await apiServer([500, 500, 200]);
    expect((await providerFor(api.kubeconfig).health('hub')).running).toBe(true);
  });

  it('an address where nothing listens does not answer, at once', async () => {
    const started = Date.now();
    const health = await providerFor(await closedPortKubeconfig()).health('hub');
    expect(health).toEqual({ running: false, problems: ['the API server of hub does not answer'] });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an API server that never becomes ready does not answer', async () => {
    const api = await apiServer([500]);
    expect(await apiServerAnswers(api.kubeconfig, { withinMs: 1500 })).toBe(false);
  });
});

/** A kubeconfig naming a port that was just free (nothing listens on it). */
async function closedPortKubeconfig(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const api = await startStandInApi(() => undefined);
  opened.push(api);
  writeFileSync(api.kubeconfig, readFileSync(api.kubeconfig, 'utf8').replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`));
  return api.kubeconfig;
}
