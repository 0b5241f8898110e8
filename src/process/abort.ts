import { setTimeout as sleepTimer } from 'node:timers/promises';
import { LabError } from '../errors.js';

/** Raised when a command, a wait or a whole bring-up is cancelled (Ctrl-C, a step timeout). */
export class CancelledError extends LabError {
  constructor(reason?: unknown) {
    super(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'cancelled', { exitCode: 130 });
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(signal.reason);
}

/** Sleeps `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleepTimer(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(signal.reason);
    throw error;
  }
}

/** A signal that aborts when `parent` does or when `timeoutMs` passes, whichever is first. */
export function deadlineSignal(timeoutMs: number, parent?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(0, timeoutMs));
  return parent ? AbortSignal.any([parent, timeout]) : timeout;
}

