import { sleep } from './abort.js';

/** Time as a wait sees it; tests pass a fake one so a wait of minutes runs in no time. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep };

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  clock?: Clock;
}

export type PollResult<T> = { done: true; value: T } | { done: false; value: T };

/**
 * The one polling loop, for what has nothing to watch (a process's /healthz, a set of components, discovery):
 * asks `probe` until `done` says yes or the deadline passes, and answers with the last value either way, so the
 * caller words its own timeout. An error from the probe is permanent: it ends the wait at once. A cancelled
 * signal ends it with CancelledError.
 */
export async function pollUntil<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, options: PollOptions): Promise<PollResult<T>> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return { done: true, value };
    const left = deadline - clock.now();
    if (left <= 0) return { done: false, value };
    await clock.sleep(Math.min(options.intervalMs, left), options.signal);
  }
}
