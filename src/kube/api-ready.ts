import { loadKubeconfig } from './load-kubeconfig.js';
import { TimeoutError } from '../errors.js';
import { throwIfAborted } from '../process/abort.js';
import { pollUntil } from '../process/poll.js';
import { rawRequest } from './raw-request.js';

type Readyz = 'ready' | 'refused' | 'not ready';

async function askReadyz(kubeconfigPath: string, options: { context?: string; timeoutMs: number; signal?: AbortSignal }): Promise<Readyz> {
  const kc = loadKubeconfig(kubeconfigPath, options.context);
  try {
    return (await rawRequest(kc, 'GET', '/readyz', { timeoutMs: options.timeoutMs, signal: options.signal })).status === 200 ? 'ready' : 'not ready';
  } catch (error) {
    throwIfAborted(options.signal);
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'not ready';
  }
}

/** One GET /readyz against the kubeconfig's current cluster; true on HTTP 200. */
async function apiServerReady(kubeconfigPath: string, options: { context?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  return (await askReadyz(kubeconfigPath, { ...options, timeoutMs: options.timeoutMs ?? 2000 })) === 'ready';
}

/**
 * How long a health check gives an API server: on a loaded machine (2 cores, three kind nodes and a local lab beside
 * them, CI 2026-12-06) a working server took more than the 2 s of one request to answer /readyz, and status called it
 * down.
 */
const ANSWER_WITHIN_MS = 15_000;
const ATTEMPT_TIMEOUT_MS = 5_000;
const ATTEMPT_INTERVAL_MS = 500;

/**
 * Whether the API server works, for a health check: /readyz answers 200 within `withinMs`. A slow answer or a failing
 * readiness check is asked again until then; a refused connection is an answer at once (nothing listens there).
 */
export async function apiServerAnswers(kubeconfigPath: string, options: { context?: string; withinMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const withinMs = options.withinMs ?? ANSWER_WITHIN_MS;
  const deadline = Date.now() + withinMs;
  const answer = await pollUntil(
    () => askReadyz(kubeconfigPath, { context: options.context, signal: options.signal, timeoutMs: Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now())) }),
    (readyz) => readyz !== 'not ready',
    { timeoutMs: withinMs, intervalMs: ATTEMPT_INTERVAL_MS, signal: options.signal },
  );
  return answer.value === 'ready';
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
