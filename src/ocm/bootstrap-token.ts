import { existsSync, readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-client.js';
import { renderKubeconfig } from '../kube/kubeconfig.js';
import { sleep } from '../process/abort.js';

/** The bootstrap identity `clusteradm init` makes on the hub (and the local installer makes the same way). */
export const BOOTSTRAP_NAMESPACE = 'open-cluster-management';
export const BOOTSTRAP_SERVICE_ACCOUNT = 'agent-registration-bootstrap';
/** The agent only uses it until it holds its own client certificate; `hubInfo` renews it before it runs out. */
const BOOTSTRAP_TOKEN_SECONDS = 24 * 3600;

/** Renew a bootstrap token with less than this left: a join or accept must not start on a token about to die. */
const RENEW_MARGIN_MS = 15 * 60_000;

/**
 * A new hub's API server under load may not finish a TokenRequest in time (504, "request did not complete within
 * requested timeout", in a CI rehearsal on 2026-12-06, right after kind made the hub); a token request creates nothing,
 * so it is asked again.
 */
const TOKEN_ATTEMPTS = 4;
const TOKEN_RETRY_DELAY_MS = 2000;

/** A server error, a request to come back, or no answer at all: worth asking again. Other client errors are not. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code >= 500 || code === 429 : true;
}

/** When a service-account token (a JWT) expires, in ms since the epoch; undefined when it says nothing. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the bootstrap kubeconfig is missing, unreadable, or holds a token that expires soon. */
export function bootstrapNeedsRenewal(path: string, now = Date.now()): boolean {
  if (!existsSync(path)) return true;
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    const token = kc.getCurrentUser()?.token;
    if (!token) return true;
    const expiry = tokenExpiry(token);
    return expiry !== undefined && expiry - now < RENEW_MARGIN_MS;
  } catch {
    return true;
  }
}

/** A bootstrap kubeconfig holding a fresh token of the bootstrap service account (a TokenRequest, as `clusteradm get token` makes, but valid for a day instead of an hour). */
export async function bootstrapKubeconfig(hub: ClusterClient, labName: string, retryDelayMs = TOKEN_RETRY_DELAY_MS): Promise<string> {
  const core = hub.kubeConfig.makeApiClient(CoreV1Api);
  const ask = () =>
    core.createNamespacedServiceAccountToken({
      name: BOOTSTRAP_SERVICE_ACCOUNT,
      namespace: BOOTSTRAP_NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: BOOTSTRAP_TOKEN_SECONDS } },
    });
  let request;
  for (let attempt = 1; ; attempt++) {
    try {
      request = await ask();
      break;
    } catch (error) {
      if (attempt >= TOKEN_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(retryDelayMs * attempt);
    }
  }
  const token = request.status?.token;
  if (!token) throw new Error('the hub returned no bootstrap token');
  const cluster = hub.kubeConfig.getCurrentCluster()!;
  return renderKubeconfig({
    name: `${labName}-hub-bootstrap`,
    server: cluster.server,
    certificateAuthorityData: cluster.caData ?? readFileSync(cluster.caFile!).toString('base64'),
    credentials: { token },
  });
}

