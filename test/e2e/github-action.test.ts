import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toolchainHash } from '../../src/toolchain/versions.js';
import { labProcesses, REPO } from './helpers.js';

// Provider: local. The repository's GitHub Action (action.yml) run the way the runner runs a composite action: its
// steps in order, each `run:` in `bash --noprofile --norc -eo pipefail` with the runner's variables (GITHUB_ACTIONS,
// GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP), `${{ }}` expressions
// filled in, and `if:` decided by whether a step failed. `uses:` steps (setup-node, setup-go, cache, upload-artifact)
// need GitHub's servers: they are not run, and the test checks what the runner would hand them instead.

interface ActionStep {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, string>;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}

interface StepRecord {
  step: ActionStep;
  ran: boolean;
  exitCode?: number;
  output?: string;
  with?: Record<string, string>;
}

const root = mkdtempSync(join(tmpdir(), 'ocm-lab-action-'));
const actionPath = join(root, 'action');
const workspace = join(root, 'workspace');
const runnerTemp = join(root, 'runner-temp');
const summaryFile = join(root, 'step-summary.md');

/** The action's checkout as GitHub makes it: the repository's files (tracked and new, not ignored), no node_modules. */
function checkOutAction(): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO, file))) continue;
    mkdirSync(dirname(join(actionPath, file)), { recursive: true });
    cpSync(join(REPO, file), join(actionPath, file));
  }
}

/** `${{ }}` as the runner fills it for this action; an expression the test cannot give is an error, not a blank. */
function expand(text: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    const [scope, ...path] = expression.split('.');
    if (scope === 'inputs' && path.length === 1 && path[0]! in inputs) return inputs[path[0]!]!;
    if (scope === 'steps' && path.length === 3 && path[1] === 'outputs') return outputs[path[0]!]?.[path[2]!] ?? '';
    if (expression === 'github.action_path') return actionPath;
    if (expression === 'github.workspace') return workspace;
    if (expression === 'runner.temp') return runnerTemp;
    throw new Error(`action.yml uses \${{ ${expression} }}, which this test does not provide`);
  });
}

/** Whether a step runs, as the runner decides it: success() by default, always(), failure(). */
function runs(step: ActionStep, failed: boolean): boolean {
  const condition = step.if?.trim() ?? 'success()';
  if (condition === 'always()') return true;
  if (condition === 'failure()') return failed;
  if (condition === 'success()') return !failed;
  throw new Error(`action.yml has if: ${condition}, which this test does not evaluate`);
}

async function runAction(given: Record<string, string>): Promise<StepRecord[]> {
  const action = parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: ActionStep[] };
  };
  expect(action.runs.using).toBe('composite');
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, given[name] ?? input.default ?? '']));
  const outputs: Record<string, Record<string, string>> = {};
  const records: StepRecord[] = [];
  let failed = false;
  for (const step of action.runs.steps) {
    if (!runs(step, failed)) {
      records.push({ step, ran: false });
      continue;
    }
    if (step.uses) {
      records.push({ step, ran: false, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), inputs, outputs)])) });
      continue;
    }
    expect(step.shell, step.name).toBe('bash');
    const outputFile = join(runnerTemp, `output-${records.length}`);
    writeFileSync(outputFile, '');
    const script = join(runnerTemp, `step-${records.length}.sh`);
    writeFileSync(script, expand(step.run!, inputs, outputs));
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), inputs, outputs)]));
    const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: 900_000,
      env: {
        ...env,
        NO_COLOR: '1',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: runnerTemp,
        RUNNER_OS: 'Linux',
      },
    });
    if (step.id) {
      outputs[step.id] = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    }
    records.push({ step, ran: true, exitCode: result.exitCode, output: result.all });
    if (result.exitCode !== 0) failed = true;
  }
  return records;
}

describe('the GitHub Action, its steps run as the runner runs them (provider local)', { timeout: 1_800_000 }, () => {
  let records: StepRecord[] = [];

  beforeAll(async () => {
    checkOutAction();
    mkdirSync(join(workspace, 'scenarios'), { recursive: true });
    mkdirSync(runnerTemp, { recursive: true });
    writeFileSync(join(workspace, 'lab.config.yaml'), 'name: action\nprovider: local\nmanagedClusters:\n  - name: cluster1\n    labels: {region: east}\n');
    cpSync(join(REPO, 'fixtures/scenarios/good/false-expectation.yaml'), join(workspace, 'scenarios/false-expectation.yaml'));
    records = await runAction({ scenarios: 'scenarios', 'run-args': '--fail-fast' });
  }, 1_800_000);

  afterAll(async () => {
    await execa(join(actionPath, 'lab'), ['down', '--config', join(workspace, 'lab.config.yaml')], { reject: false });
    rmSync(root, { recursive: true, force: true });
  }, 300_000);

  const named = (name: string) => records.find((r) => r.step.name === name)!;
  const using = (action: string) => records.find((r) => r.step.uses?.startsWith(action))!;

  it('installs, keys the toolchain cache by the pinned versions, and brings the lab up', () => {
    for (const name of ['Install ocm-lab\'s dependencies', 'Paths and cache keys', 'Toolchain', 'Lab up']) expect(named(name), name).toMatchObject({ ran: true, exitCode: 0 });
    expect(using('actions/cache').with).toEqual({ path: '~/.cache/ocm-lab/toolchain', key: `ocm-lab-toolchain-Linux-${toolchainHash()}` });
    // The path the cache action saves is where the toolchain is (on a runner, HOME has no XDG_CACHE_HOME).
    expect(existsSync(join(homedir(), '.cache/ocm-lab/toolchain', toolchainHash()))).toBe(true);
  });

  it('a failing scenario fails the run step, with an annotation at its file and line and the job summary', () => {
    const run = named('Run scenarios');
    expect(run).toMatchObject({ ran: true, exitCode: 1 });
    expect(run.output).toMatch(/^::error file=scenarios\/false-expectation\.yaml,line=8,title=false-expectation%3A step /m);
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/^## ocm-lab run on lab `action`: 0 passed, 1 failed/);
  });

  it('after the failure the reports and the diagnostics bundle are uploaded, and the lab is torn down anyway', () => {
    const upload = using('actions/upload-artifact');
    const reports = join(runnerTemp, 'ocm-lab');
    expect(upload.with).toEqual({ name: 'ocm-lab-reports', path: reports });
    expect(readdirSync(reports).sort()).toEqual(['diagnostics', 'junit.xml', 'report.html', 'report.json']);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toContain('<failure');
    // The HTML report sits beside the bundle it links to, so the artifact keeps its links working.
    const html = readFileSync(join(reports, 'report.html'), 'utf8');
    expect(html).toContain('data-scenario="false-expectation" data-outcome="failed"');
    expect(html).toMatch(/<a href="diagnostics\/[^"\/]+-false-expectation\/README\.txt">README\.txt<\/a>/);
    expect(html).toContain('<g class="cluster" data-name="cluster1">');
    expect(named('Lab down')).toMatchObject({ ran: true, exitCode: 0 });
    expect(existsSync(join(workspace, '.lab', 'action'))).toBe(false);
    expect(labProcesses(join(workspace, '.lab', 'action'))).toEqual([]);
  });
});
