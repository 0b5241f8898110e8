import { pollUntil } from './poll.js';

/** What one health probe heard: 'refused' means nothing listens there, 'other' a slow, failing or foreign answer. */
export type ProbeAnswer = 'ok' | 'refused' | 'other';

/**
 * How long a health check gives a server that is slow or briefly failing: on a loaded machine (2 cores, kind nodes and
 * a local lab side by side, CI 2026-12-06) working servers missed the 2 s of one request, and status and up called
 * them down.
 */
const WITHIN_MS = 15_000;
const ATTEMPT_TIMEOUT_MS = 5_000;
const ATTEMPT_INTERVAL_MS = 500;

/**
 * Whether a server answers 'ok' within `withinMs`, for a health check: asked again while its answer is 'other'; a
 * refused connection is an answer at once. `probe` gets the time one attempt may take.
 */
export async function answersWithin(probe: (timeoutMs: number) => Promise<ProbeAnswer>, options: { withinMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const withinMs = options.withinMs ?? WITHIN_MS;
  const deadline = Date.now() + withinMs;
  const heard = await pollUntil(() => probe(Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()))), (answer) => answer !== 'other', {
    timeoutMs: withinMs,
    intervalMs: ATTEMPT_INTERVAL_MS,
    signal: options.signal,
  });
  return heard.value === 'ok';
}
