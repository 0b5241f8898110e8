import { expect } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';

/** Runs `load`, expects it to reject its input with a ConfigError (exit 2), and returns the issues. */
export function configIssues(load: () => unknown, what: string): ConfigIssue[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as ConfigError).issues;
  }
  throw new Error(`${what} was accepted`);
}

/** Expects one issue with this field and message, placed at this file and line. */
export function expectIssueAt(issues: ConfigIssue[], expected: { file: string; field: string; message: RegExp; line: number }): void {
  const issue = issues.find((i) => i.field === expected.field && expected.message.test(i.message));
  expect(issue, JSON.stringify(issues)).toBeDefined();
  expect({ file: issue!.file, line: issue!.line }).toEqual({ file: expected.file, line: expected.line });
}
