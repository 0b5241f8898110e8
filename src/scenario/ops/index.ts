import type { StepExecutor } from '../step-context.js';
import type { Step, StepOp } from '../types.js';
import { apply } from './apply.js';
import { absent, assert } from './assert.js';
import { clusterset } from './clusterset.js';
import { remove } from './delete.js';
import { fault } from './fault.js';
import { label } from './label.js';
import { accept, join } from './membership.js';
import { script } from './script.js';
import { sleep } from './sleep.js';
import { work } from './work.js';

/** Every operation a scenario step can use; a missing op is a compile error. */
export const EXECUTORS: { [Op in StepOp]: StepExecutor<Extract<Step, { op: Op }>> } = {
  apply,
  assert,
  absent,
  delete: remove,
  work,
  label,
  clusterset,
  accept,
  join,
  fault,
  script,
  sleep,
};

export function executorFor(step: Step): StepExecutor {
  return EXECUTORS[step.op] as StepExecutor;
}
