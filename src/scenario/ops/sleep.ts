import { setTimeout as wait } from 'node:timers/promises';
import { formatDuration } from '../duration.js';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

export const sleep: StepExecutor<Extract<Step, { op: 'sleep' }>> = async (step) => {
  await wait(step.durationMs);
  return `slept ${formatDuration(step.durationMs)}`;
};
