import type { z } from 'zod';
import type { LabCapabilities } from '../capabilities.js';
import type { StepExecutor } from '../step-context.js';
import type { StepBase } from '../types.js';
import type { OperationFields } from './fields.js';

/** A step of one operation: the common fields and the operation's own. */
export type OperationStep = StepBase & { op: string };

/** What an operation's schema turns the value of its key into: its step, less what the scenario schema and loader add. */
export type OperationValue<S extends OperationStep> = Omit<S, keyof StepBase> & { timeoutMs?: number };

/** Everything about one scenario operation; the registry, the scenario schema, the runner and the capability check read it. */
export interface Operation<S extends OperationStep> {
  /** The step's key, e.g. `apply:`. */
  name: S['op'];
  /** The schema of the key's value, built from fields that know the lab's cluster names and read `file:` fields. */
  schema: (fields: OperationFields) => z.ZodType<OperationValue<S>>;
  execute: StepExecutor<S>;
  /** Why a lab with these capabilities cannot run the step (completing `step "name" …`), or undefined when it can. */
  needs?: (step: S, caps: LabCapabilities) => string | undefined;
}

export function defineOperation<S extends OperationStep>(operation: Operation<S>): Operation<S> {
  return operation;
}

/** A `needs` answer for something the lab's provider cannot do. */
export function providerCannot(caps: LabCapabilities, what: string): string {
  return `needs ${what}, which the ${caps.provider} provider cannot do`;
}
