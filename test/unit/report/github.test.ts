import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { githubAnnotations, githubSummary, reportToGitHub } from '../../../src/report/github.js';
import type { RunResult } from '../../../src/report/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-github-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result: RunResult = {
  lab: 'ci',
  startedAt: '2026-12-06T00:00:00.000Z',
  durationMs: 5000,
  passed: 0,
  failed: 1,
  skipped: 0,
  scenarios: [
    {
      name: 'work, placed',
      file: 'scenarios/a:b.yaml',
      labels: {},
      outcome: 'failed',
      durationMs: 4000,
      diagnostics: 'lab-diagnostics/x',
      steps: [
        { name: 'apply', op: 'apply', phase: 'step', line: 7, outcome: 'passed', durationMs: 100 },
        { name: '100% there', op: 'assert', phase: 'step', line: 12, outcome: 'failed', durationMs: 3000, message: 'a: expected "x", got "y"\r\nsee ```log```' },
        { name: 'delete', op: 'delete', phase: 'cleanup', line: 20, outcome: 'passed', durationMs: 10 },
      ],
    },
  ],
};

describe('./lab run in GitHub Actions', () => {
  it('annotates the failed step at its file and line, escaping what the runner would misread', () => {
    expect(githubAnnotations(result)).toEqual([
      '::error file=scenarios/a%3Ab.yaml,line=12,title=work%2C placed%3A step "100%25 there" failed::a: expected "x", got "y"%0D%0Asee ```log```',
    ]);
  });

  it('summarizes in Markdown, the failure in a fence longer than any run of backticks in it', () => {
    const markdown = githubSummary(result);
    expect(markdown).toContain('| work, placed | ❌ failed | 4.0s | 1/2 | `scenarios/a:b.yaml` |');
    expect(markdown).toContain('````text\na: expected "x", got "y"\r\nsee ```log```\n````');
    expect(markdown).toContain('Diagnostics bundle: `lab-diagnostics/x`');
  });

  it('does nothing outside Actions; inside, appends the summary to $GITHUB_STEP_SUMMARY and returns groups and annotations', () => {
    expect(reportToGitHub(result, {})).toEqual([]);
    const summary = join(dir, 'summary.md');
    const lines = reportToGitHub(result, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(lines[0]).toBe('::group::FAIL work, placed (4.0s, scenarios/a:b.yaml)');
    expect(lines).toContain('::endgroup::');
    expect(lines.at(-1)).toMatch(/^::error file=/);
    expect(readFileSync(summary, 'utf8')).toBe(githubSummary(result));
  });
});
