import { loadKubeconfig } from './load-kubeconfig.js';
import { TimeoutError } from '../errors.js';
import { throwIfAborted } from '../process/abort.js';
import { pollUntil } from '../process/poll.js';
import { rawRequest } from './raw-request.js';
import { answersWithin, type ProbeAnswer } from '../process/ask-again.js';

async function askReadyz(kubeconfigPath: string, options: { context?: string; timeoutMs: number; signal?: AbortSignal }): Promise<ProbeAnswer> {
  const kc = loadKubeconfig(kubeconfigPath, options.context);
  try {
    return (await rawRequest(kc, 'GET', '/readyz', { timeoutMs: options.timeoutMs, signal: options.signal })).status === 200 ? 'ok' : 'other';
  } catch (error) {
    throwIfAborted(options.signal);
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'other';
  }
}

/** Whether the API server works, for a health check: /readyz answers 200 within `withinMs` (answersWithin). */
export function apiServerAnswers(kubeconfigPath: string, options: { context?: string; withinMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  return answersWithin((timeoutMs) => askReadyz(kubeconfigPath, { context: options.context, timeoutMs, signal: options.signal }), options);
}

/**
 * Waits until the API server reports ready. Readiness has no watch, so this polls /readyz
 * at a short interval; it returns as soon as the server is up.
 */
export async function waitForApiServer(cluster: string, kubeconfigPath: string, options: { timeoutMs: number; signal?: AbortSignal; hint?: string }): Promise<void> {
  const ready = await pollUntil(async () => (await askReadyz(kubeconfigPath, { timeoutMs: 2000, signal: options.signal })) === 'ok', Boolean, { timeoutMs: options.timeoutMs, intervalMs: 250, signal: options.signal });
  if (ready.done) return;
  throw new TimeoutError(`the API server of ${cluster} was not ready after ${Math.round(options.timeoutMs / 1000)}s`, { hint: options.hint });
}
