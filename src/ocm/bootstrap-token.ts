import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

/** Renew a bootstrap token with less than this left: a join or accept must not start on a token about to die. */
const RENEW_MARGIN_MS = 15 * 60_000;

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
