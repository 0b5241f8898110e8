import { appendFileSync } from 'node:fs';
import type { RunResult, ScenarioResult, StepResult } from './types.js';

/**
 * `./lab run` inside GitHub Actions (GITHUB_ACTIONS=true): workflow commands on the output (an error annotation at
 * each failed step's file and line, a log group per scenario) and a Markdown summary appended to
 * $GITHUB_STEP_SUMMARY. Escaping as the runner reads it: data escapes %, CR and LF; properties also : and ,.
 */
const escapeData = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (text: string) => escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const failedSteps = (scenario: ScenarioResult) => scenario.steps.filter((s) => s.outcome === 'failed');

/** One `::error` per failed step, at the scenario file and the step's line. */
export function githubAnnotations(result: RunResult): string[] {
  return result.scenarios.flatMap((scenario) =>
    failedSteps(scenario).map((step) => {
      const title = `${scenario.name}: ${step.phase === 'cleanup' ? 'cleanup ' : ''}step "${step.name}" failed`;
      return `::error file=${escapeProperty(scenario.file)},line=${step.line},title=${escapeProperty(title)}::${escapeData(step.message ?? 'failed')}`;
    }),
  );
}

const MARK: Record<StepResult['outcome'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

/** A collapsible log group per scenario: its steps with their outcome and time. */
export function githubGroups(result: RunResult): string[] {
  return result.scenarios.flatMap((scenario) => [
    `::group::${MARK[scenario.outcome]} ${scenario.name} (${seconds(scenario.durationMs)}, ${scenario.file})`,
    ...scenario.steps.map((step) => `${MARK[step.outcome]}  ${seconds(step.durationMs).padStart(7)}  ${step.phase === 'cleanup' ? 'cleanup: ' : ''}${step.name} (line ${step.line})`),
    '::endgroup::',
  ]);
}

/** Markdown for the run's page: a table of scenarios, then each failure with its message (the closest candidate's diff). */
export function githubSummary(result: RunResult): string {
  const icon = { passed: '✅', failed: '❌', skipped: '⏭️' } as const;
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    `## ocm-lab run on lab \`${result.lab}\`: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${seconds(result.durationMs)})`,
    '',
    '| scenario | result | time | steps passed | file |',
    '| --- | --- | --- | --- | --- |',
    ...result.scenarios.map((s) => {
      const steps = s.steps.filter((x) => x.phase === 'step');
      return `| ${cell(s.name)} | ${icon[s.outcome]} ${s.outcome} | ${seconds(s.durationMs)} | ${steps.filter((x) => x.outcome === 'passed').length}/${steps.length} | \`${cell(s.file)}\` |`;
    }),
  ];
  for (const scenario of result.scenarios) {
    for (const step of failedSteps(scenario)) {
      const fence = '`'.repeat(Math.max(3, ...[...(step.message ?? '').matchAll(/`+/g)].map((m) => m[0].length + 1)));
      lines.push('', `### ❌ ${scenario.name}: step "${step.name}" (\`${scenario.file}:${step.line}\`, ${seconds(step.durationMs)})`, '', `${fence}text`, step.message ?? '', fence);
      if (scenario.diagnostics) lines.push('', `Diagnostics bundle: \`${scenario.diagnostics}\``);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Speaks GitHub when the run is in a GitHub Actions job: returns the workflow command lines to print, and appends
 * the summary to $GITHUB_STEP_SUMMARY when the runner gives that file. Outside Actions: nothing.
 */
export function reportToGitHub(result: RunResult, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.GITHUB_ACTIONS !== 'true') return [];
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, githubSummary(result));
  return [...githubGroups(result), ...githubAnnotations(result)];
}
