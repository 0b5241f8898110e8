import { z } from 'zod';
import type { FieldPath, YamlSource } from './yaml-source.js';

/** Strings longer than this are cut in messages, so one bad value cannot make a message of megabytes. */
const MAX_QUOTED_LENGTH = 80;

/** A string as a message quotes it: JSON-escaped (control characters visible), long ones cut with their length. */
export function quoted(text: string): string {
  if (text.length <= MAX_QUOTED_LENGTH) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED_LENGTH))}… (${text.length} characters)`;
}

/** How a value reads in a message: `string "docker"`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${quoted(value)}`;
  if (typeof value === 'bigint') return `number ${value}`;
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}

/** A value after "got": strings quoted on their own (`"soon"`), anything else described. */
export function quotedValue(value: unknown): string {
  return typeof value === 'string' ? quoted(value) : describeValue(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** Wording of the issues the schemas leave to zod; a schema's own `error` wins over this. */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}, got ${quotedValue(issue.input)}`
        : `must be one of ${issue.values.join(', ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      // Only the allowed keys: each unknown key is reported on its own, at its own line (see reportIssue).
      return `allowed: ${issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape).join(', ') : 'none'}`;
    case 'invalid_key':
      return issue.issues[0]?.message;
    case 'invalid_union':
      return `is none of the allowed forms, got ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' ? `must list at least ${issue.minimum}` : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates `data` against `schema`. Every problem becomes an issue of `source`, at the line and column of the
 * field it is about; the result is undefined when there was any.
 */
export function validate<Schema extends z.ZodType>(schema: Schema, data: unknown, source: YamlSource): z.output<Schema> | undefined {
  const result = schema.safeParse(data, { error: issueMessage });
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(source, issue, []);
  return undefined;
}

function reportIssue(source: YamlSource, issue: z.core.$ZodIssue, parent: FieldPath): void {
  const path = [...parent, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) source.report([...path, key], `unknown key "${key}" (${issue.message})`, { at: 'key' });
      return;
    case 'invalid_key':
      source.report(path, issue.message, { at: 'key', field: path.slice(0, -1) });
      return;
    case 'invalid_union': {
      const branch = matchingBranch(issue.errors);
      if (branch) {
        for (const inner of branch) reportIssue(source, inner, path);
        return;
      }
      break;
    }
  }
  source.report(path, issue.message);
}

/** The union member whose type fits the value (its issues are about the value's content): its issues say most. */
function matchingBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  return branches.find((issues) => !issues.some((issue) => issue.path.length === 0 && issue.code === 'invalid_type'));
}
