import { sleep as wait } from '../../process/abort.js';
import { formatDuration } from '../duration.js';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/** Waits; the step's signal (its timeout, Ctrl-C) ends the wait at once. */
export const sleep: StepExecutor<Extract<Step, { op: 'sleep' }>> = async (step, { signal }) => {
  await wait(step.durationMs, signal);
  return `slept ${formatDuration(step.durationMs)}`;
};
