import type { StepExecutor } from '../step-context.js';
import type { Step, StepOp } from '../types.js';
import { absentOperation } from './absent.js';
import { acceptOperation } from './accept.js';
import { applyOperation } from './apply.js';
import { assertOperation } from './assert.js';
import { clustersetOperation } from './clusterset.js';
import { deleteOperation } from './delete.js';
import { faultOperation } from './fault.js';
import { joinOperation } from './join.js';
import { labelOperation } from './label.js';
import type { Operation, OperationStep } from './operation.js';
import { scriptOperation } from './script.js';
import { sleepOperation } from './sleep.js';
import { upgradeOperation } from './upgrade.js';
import { workOperation } from './work.js';

/** Every operation a scenario step can use, in the order the JSON Schema and messages list them. */
export const OPERATIONS = [
  applyOperation,
  assertOperation,
  absentOperation,
  deleteOperation,
  workOperation,
  labelOperation,
  clustersetOperation,
  acceptOperation,
  joinOperation,
  faultOperation,
  upgradeOperation,
  scriptOperation,
  sleepOperation,
] as const;

/** The step an operation definition runs. */
export type StepOf<O> = O extends Operation<infer S> ? S : never;

export const OPS: readonly StepOp[] = OPERATIONS.map((operation) => operation.name);

const BY_NAME = new Map<string, Operation<OperationStep>>(OPERATIONS.map((operation) => [operation.name, operation as unknown as Operation<OperationStep>]));

/** The definition of the step's operation. */
export function operationOf<S extends Step>(step: S): Operation<S> {
  return BY_NAME.get(step.op) as unknown as Operation<S>;
}

export function executorFor(step: Step): StepExecutor {
  return operationOf(step).execute as StepExecutor;
}
