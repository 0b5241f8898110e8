import { KubeConfig } from '@kubernetes/client-node';
import { TimeoutError } from '../errors.js';
import { sleep, throwIfAborted } from '../process/abort.js';
import { rawRequest } from './raw-request.js';

/** One GET /readyz against the kubeconfig's current cluster; true on HTTP 200. */
export async function apiServerReady(kubeconfigPath: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
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
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await apiServerReady(kubeconfigPath, { signal: options.signal })) return;
    await sleep(250, options.signal);
  }
  throw new TimeoutError(`the API server of ${cluster} was not ready after ${Math.round(options.timeoutMs / 1000)}s`, { hint: options.hint });
}
