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
