import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/errors.js';
import { parseConfig } from '../../src/config/load.js';

describe('formatIssue', () => {
  // Issue 14: control characters in names reached the console (a key could colour the terminal or ring it).
  it('shows control characters, bidi overrides and line separators from a user\'s file as escapes', () => {
    const line = formatIssue({ file: 'lab.config.yaml', line: 3, column: 1, field: '\u001b[31mevil\u0007', message: 'unknown key "\u202eabc\u2028"' });
    expect(line).toBe('lab.config.yaml:3:1: \\u001b[31mevil\\u0007: unknown key "\\u202eabc\\u2028"');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
  });

  it('reaches every config error', () => {
    let message = '';
    try {
      parseConfig('name: x\nmanagedClusters: [{name: c1}]\n"\\e[31mevil": 1\n', '/tmp/lab.config.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('\\u001b[31mevil');
    expect(message).not.toContain('\u001b');
  });
});
