import { z } from 'zod';
import { describeValue } from './schema-issues.js';
import type { FieldPath } from './yaml-source.js';

// Zod drops a schema's metadata when a check is added after it: building blocks take their description and set it last.

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema's error for a value that is there but wrong; a missing value is left to the common "is required". */
export function whenPresent(message: (input: unknown) => string): (issue: { input?: unknown }) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message(issue.input));
}

/**
 * For checks across fields: zod skips a check once a field has failed, but every problem of a file
 * is reported at once, so these run whenever the value is a mapping at all (and read its fields defensively).
 */
export const evenIfFieldsFailed = { when: (payload: z.core.ParsePayload) => isMapping(payload.value) };

type Report = (path: FieldPath, message: string) => void;

/** A cross-field check that may report several problems, each at its own path below the checked value. */
export function crossFieldCheck(check: (value: Record<string, unknown>, report: Report) => void): z.core.$ZodCheck<unknown> {
  return z.core._check<unknown>((payload) => {
    const report: Report = (path, message) => payload.issues.push({ code: 'custom', path: [...path], message, input: payload.value, continue: true });
    check(payload.value as Record<string, unknown>, report);
  }, evenIfFieldsFailed);
}

/** Whether exactly one of `keys` is set: for `.refine`, with `oneKeyOf(keys)` in the JSON Schema. */
export function hasExactlyOne(keys: readonly string[]): (value: Record<string, unknown>) => boolean {
  return (value) => keys.filter((key) => value[key] !== undefined).length === 1;
}

/** JSON Schema for "exactly one of these keys". */
export function oneKeyOf(keys: readonly string[]): { oneOf: { required: string[] }[] } {
  return { oneOf: keys.map((key) => ({ required: [key] })) };
}

export function nonEmptyString(description: string) {
  return z
    .string({ error: whenPresent((input) => `must be a non-empty string, got ${describeValue(input)}`) })
    .min(1, { error: 'must be a non-empty string, got string ""', abort: true })
    .meta({ description });
}

/** `schema` refined by `problem`, which says why a value is refused (undefined when it is fine): that is the message. */
export function refuse(schema: z.ZodString, problem: (value: string) => string | undefined): z.ZodString {
  return schema.refine((value) => problem(value) === undefined, { error: (issue) => problem(String(issue.input)) });
}

export function integerBetween(min: number, max: number, description: string) {
  const error = whenPresent((input) => `must be an integer from ${min} to ${max}, got ${describeValue(input)}`);
  return z.int({ error }).min(min, { error }).max(max, { error }).meta({ description });
}

/**
 * A string that YAML may also have read as a number or boolean (`version: 1`, `ready: true`): it is used as text,
 * and must then still be a valid `text`.
 */
export function scalarString(text: z.ZodString, description: string) {
  return z
    .union([text, z.number(), z.boolean()], { error: (issue) => `must be a string, got ${describeValue(issue.input)}` })
    .transform(String)
    .pipe(text)
    .meta({ description });
}
