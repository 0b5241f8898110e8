import { KubeConfig } from '@kubernetes/client-node';
import { TimeoutError } from '../errors.js';
import { rawRequest } from './raw-request.js';

/** One GET /readyz against the kubeconfig's current cluster; true on HTTP 200. */
export async function apiServerReady(kubeconfigPath: string, timeoutMs = 2000): Promise<boolean> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  try {
    return (await rawRequest(kc, 'GET', '/readyz', { timeoutMs })).status === 200;
  } catch {
    return false;
  }
}

/**
 * Waits until the API server reports ready. Readiness has no watch, so this polls /readyz
 * at a short interval; it returns as soon as the server is up.
 */
export async function waitForApiServer(cluster: string, kubeconfigPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await apiServerReady(kubeconfigPath)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new TimeoutError(`the API server of ${cluster} was not ready after ${Math.round(timeoutMs / 1000)}s`, {
    hint: `see its logs under the lab state dir (kwok/clusters/${cluster}/logs/)`,
  });
}
