import { loadKubeconfig } from './load-kubeconfig.js';
import { TimeoutError } from '../errors.js';
import { throwIfAborted } from '../process/abort.js';
import { pollUntil } from '../process/poll.js';
import { rawRequest } from './raw-request.js';

/** One GET /readyz against the kubeconfig's current cluster; true on HTTP 200. */
export async function apiServerReady(kubeconfigPath: string, options: { context?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const kc = loadKubeconfig(kubeconfigPath, options.context);
  try {
    return (await rawRequest(kc, 'GET', '/readyz', { timeoutMs: options.timeoutMs ?? 2000, signal: options.signal })).status === 200;
  } catch {
    throwIfAborted(options.signal);
    return false;
  }
}

/**
 * Waits until the API server reports ready. Readiness has no watch, so this polls /readyz
 * at a short interval; it returns as soon as the server is up.
 */
export async function waitForApiServer(cluster: string, kubeconfigPath: string, options: { timeoutMs: number; signal?: AbortSignal; hint?: string }): Promise<void> {
  const ready = await pollUntil(() => apiServerReady(kubeconfigPath, { signal: options.signal }), Boolean, { timeoutMs: options.timeoutMs, intervalMs: 250, signal: options.signal });
  if (ready.done) return;
  throw new TimeoutError(`the API server of ${cluster} was not ready after ${Math.round(options.timeoutMs / 1000)}s`, { hint: options.hint });
}
