import { z } from 'zod';
import { describeValue } from '../../config/schema-issues.js';
import { sleep as wait } from '../../process/abort.js';
import { formatDuration } from '../duration.js';
import type { StepBase } from '../types.js';
import { duration } from './fields.js';
import { defineOperation } from './operation.js';

export interface SleepStep extends StepBase {
  op: 'sleep';
  durationMs: number;
}

export const sleepOperation = defineOperation<SleepStep>({
  name: 'sleep',
  schema: () =>
    z
      .union([duration('How long to wait.'), z.strictObject({ duration: duration('How long to wait.') })], {
        error: (issue) => `must be a duration like 30s or {duration: 30s}, got ${describeValue(issue.input)}`,
      })
      .meta({ description: 'Waits: `sleep: 5s` or `sleep: {duration: 5s}`.' })
      .transform((value) => ({ op: 'sleep' as const, durationMs: typeof value === 'number' ? value : value.duration })),

  /** Waits; the step's signal (its timeout, Ctrl-C) ends the wait at once. */
  async execute(step, { signal }) {
    await wait(step.durationMs, signal);
    return `slept ${formatDuration(step.durationMs)}`;
  },
});
