import { z } from 'zod';
import { evenIfFieldsFailed, hasExactlyOne, nonEmptyString, oneKeyOf, scalarString } from '../config/schema-fields.js';
import { DEFAULT_SCENARIO_TIMEOUT } from './check-durations.js';
import { duration, type ScenarioContext } from './operations/fields.js';
import { OPS } from './operations/registry.js';
import { operationSchemas } from './schema-operations.js';
import type { Step, StepOp } from './types.js';

export const SCENARIO_API_VERSION = 'lab.ocm.io/v1alpha1';

/** Scenario names become folder names (diagnostics) and console text: one plain path segment, as Kubernetes names are. */
const SCENARIO_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const MAX_SCENARIO_NAME = 63;
/** C0/C1 controls (escape sequences, line breaks), line and paragraph separators, bidirectional overrides. */
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
const MAX_STEP_NAME = 200;

function scenarioName(description: string) {
  return nonEmptyString(description)
    .max(MAX_SCENARIO_NAME, { error: (issue) => `must be at most ${MAX_SCENARIO_NAME} characters, got ${String(issue.input).length}` })
    .regex(SCENARIO_NAME, {
      error: (issue) => `must be lowercase letters, digits and "-", starting and ending with a letter or digit (like work-placement), got ${JSON.stringify(issue.input)}`,
    })
    .meta({ description });
}

function stepName(description: string) {
  return nonEmptyString(description)
    .max(MAX_STEP_NAME, { error: (issue) => `must be at most ${MAX_STEP_NAME} characters, got ${String(issue.input).length}` })
    .refine((name) => !CONTROL.test(name), { error: 'must not hold control characters (line breaks, escape sequences)' })
    .meta({ description });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A step as the schema leaves it: the loader adds where it sits in its file. */
export type StepBody = DistributiveOmit<Step, 'source'>;

/** The scenario file schema. With a context it also checks cluster names and reads `file:` fields. */
export function scenarioSchema(context: ScenarioContext = {}) {
  const operations = operationSchemas(context);

  const optionalOperations = Object.fromEntries(OPS.map((op) => [op, operations[op].optional()])) as { [Op in StepOp]: z.ZodOptional<(typeof operations)[Op]> };
  const step = z
    .strictObject({
      name: stepName('What the step does, for reports (at most 200 characters, no control characters).').optional(),
      timeout: duration('Timeout of the step (default 2m); at most the scenario\'s.').optional(),
      ...optionalOperations,
    })
    .refine(hasExactlyOne(OPS), {
      error: (issue) => {
        const present = OPS.filter((op) => (issue.input as Record<string, unknown>)[op] !== undefined);
        return present.length ? `has several operations (${present.join(', ')}): one per step` : `needs one operation: ${OPS.join(', ')}`;
      },
      ...evenIfFieldsFailed,
    })
    .meta({ description: 'One operation, with an optional name and timeout.', ...oneKeyOf(OPS) })
    .transform(({ name, timeout, ...operation }) => {
      const body = Object.values(operation).find((value) => value !== undefined)!;
      // An operation's own timeout (assert, absent, delete) wins over the step's.
      return { ...body, name, timeoutMs: ('timeoutMs' in body ? body.timeoutMs : undefined) ?? timeout };
    });

  /** Steps without a name are named after their operation and place: `apply #2`. */
  const named = (list: z.output<typeof step>[]) => list.map((body, index) => ({ ...body, name: body.name ?? `${body.op} #${index + 1}` }) satisfies StepBody);

  return z
    .strictObject({
      apiVersion: z.literal(SCENARIO_API_VERSION).meta({ description: 'The scenario format version.' }),
      kind: z.literal('Scenario').meta({ description: 'Always Scenario.' }),
      metadata: z
        .strictObject({
          name: scenarioName('Scenario name, unique among the scenarios of a run: lowercase letters, digits and "-", at most 63 characters.'),
          labels: z.record(z.string(), scalarString(z.string(), 'A label value.')).default({}).meta({ description: 'Labels, e.g. {area: work}.' }),
        })
        .meta({ description: 'Name and labels of the scenario.' }),
      spec: z
        .strictObject({
          timeout: duration('Timeout of the whole scenario (at most 24h).').prefault(DEFAULT_SCENARIO_TIMEOUT),
          steps: z
            .array(step, { error: (issue) => (issue.input === undefined ? 'is required: list at least one step' : undefined) })
            .min(1, { error: 'must list at least one step' })
            .meta({ description: 'The steps, run in order; after a failed step the rest are skipped.' })
            .transform(named),
          cleanup: z
            .array(step)
            .meta({ description: 'Steps that always run after the steps, even after a failure.' })
            .transform(named)
            .default([]),
        })
        .meta({ description: 'What the scenario does.' }),
    })
    .meta({ title: 'ocm-lab scenario', description: 'A scenario: steps run against a lab\'s clusters. See README "Scenarios".' });
}
