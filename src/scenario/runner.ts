import { join, relative } from 'node:path';
import type { ListrTask } from 'listr2';
import { errorMessage } from '../errors.js';
import { withTimeout } from '../process/with-timeout.js';
import { collectDiagnostics } from '../report/diagnostics.js';
import type { RunResult, ScenarioResult, StepResult } from '../report/types.js';
import { formatDuration } from './duration.js';
import { executorFor } from './ops/index.js';
import type { ScenarioLab } from './step-context.js';
import type { Scenario, Step } from './types.js';

const DEFAULT_STEP_TIMEOUT_MS = 2 * 60_000;
const CLEANUP_STEP_TIMEOUT_MS = 2 * 60_000;
/** Grace beyond a step's own timeout before the runner gives up on an operation that ignores it. */
const HARD_TIMEOUT_GRACE_MS = 15_000;

export interface RunOptions {
  failFast: boolean;
  /** Folder under which a diagnostics bundle per failed scenario is written. */
  diagnosticsDir: string;
}

export interface RunContext {
  result: RunResult;
  /** Set by --fail-fast after the first failed scenario. */
  stop: boolean;
}

export function runContext(lab: string): RunContext {
  return { result: { lab, startedAt: new Date().toISOString(), durationMs: 0, scenarios: [], passed: 0, failed: 0, skipped: 0 }, stop: false };
}

/** Scenarios whose labels include every `key=value` selector. */
export function selectScenarios(scenarios: Scenario[], selectors: string[]): Scenario[] {
  const wanted = selectors.map((s) => s.split('=') as [string, string]);
  return scenarios.filter((scenario) => wanted.every(([k, v]) => scenario.labels[k] === v));
}

/** One listr task per scenario, each with one subtask per step, diagnostics on failure, then cleanup. */
export function scenarioTasks(scenarios: Scenario[], lab: ScenarioLab, options: RunOptions): ListrTask<RunContext>[] {
  const tasks: ListrTask<RunContext>[] = scenarios.map((scenario) => ({
    title: scenario.name,
    task: async (ctx, task) => {
      const result: ScenarioResult = {
        name: scenario.name,
        file: relative(process.cwd(), scenario.file),
        labels: scenario.labels,
        outcome: 'passed',
        durationMs: 0,
        steps: [],
      };
      ctx.result.scenarios.push(result);
      if (ctx.stop) {
        result.outcome = 'skipped';
        scenario.steps.forEach((s) => result.steps.push({ name: s.name, op: s.op, phase: 'step', outcome: 'skipped', durationMs: 0 }));
        task.skip('--fail-fast after an earlier failure');
        return;
      }
      const scenarioStarted = Date.now();
      const deadline = scenarioStarted + scenario.timeoutMs;
      const finish = () => {
        result.durationMs = Date.now() - scenarioStarted;
      };

      const stepTask = (step: Step, phase: StepResult['phase']): ListrTask<RunContext> => ({
        title: phase === 'cleanup' ? `cleanup: ${step.name}` : step.name,
        task: async (_, sub) => {
          const record: StepResult = { name: step.name, op: step.op, phase, outcome: 'passed', durationMs: 0 };
          result.steps.push(record);
          if (phase === 'step' && result.outcome === 'failed') {
            record.outcome = 'skipped';
            finish();
            sub.skip('an earlier step failed');
            return;
          }
          const stepStarted = Date.now();
          const budget = phase === 'cleanup' ? CLEANUP_STEP_TIMEOUT_MS : deadline - stepStarted;
          const timeoutMs = Math.max(1000, Math.min(step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, budget));
          try {
            if (phase === 'step' && budget <= 0) throw new Error(`the scenario's timeout of ${formatDuration(scenario.timeoutMs)} ran out before this step`);
            const summary = await withTimeout(
              executorFor(step)(step, { lab, timeoutMs }),
              timeoutMs + HARD_TIMEOUT_GRACE_MS,
              `step did not finish within ${formatDuration(timeoutMs + HARD_TIMEOUT_GRACE_MS)}`,
            );
            if (summary) sub.output = summary;
          } catch (error) {
            record.outcome = 'failed';
            record.message = `${errorMessage(error)}\n(${relative(process.cwd(), step.source.file)}:${step.source.line}, step "${step.name}", op ${step.op})`;
            result.outcome = 'failed';
            throw new Error(record.message);
          } finally {
            record.durationMs = Date.now() - stepStarted;
            finish();
          }
        },
      });

      const steps = task.newListr(
        [
          ...scenario.steps.map((step) => stepTask(step, 'step')),
          {
            title: 'collect diagnostics',
            enabled: () => result.outcome === 'failed',
            task: async (_, sub) => {
              const dir = join(options.diagnosticsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${scenario.name}`);
              const state = lab.state.read();
              const written = await collectDiagnostics({
                dir,
                clusters: Object.values(state?.clusters ?? {}).map((c) => ({ name: c.name, role: c.role, kubeconfig: c.kubeconfig })),
                processLogs: Object.values(state?.processes ?? {}).map((p) => ({ id: p.id, log: p.log })),
              });
              result.diagnostics = written;
              sub.title = `diagnostics: ${relative(process.cwd(), written) || written}`;
              if (options.failFast) ctx.stop = true;
            },
          },
          ...scenario.cleanup.map((step) => stepTask(step, 'cleanup')),
        ],
        { concurrent: false, exitOnError: false },
      );
      await steps.run(ctx);
      // Mark the scenario itself failed in the tree (its steps' errors do not propagate with exitOnError: false).
      if (result.outcome === 'failed') throw new Error(`${scenario.name} failed`);
    },
  }));
  return tasks;
}

/** Fills in the counts and the duration once every task has run. */
export function summarize(result: RunResult): RunResult {
  result.durationMs = Date.now() - Date.parse(result.startedAt);
  result.passed = result.scenarios.filter((s) => s.outcome === 'passed').length;
  result.failed = result.scenarios.filter((s) => s.outcome === 'failed').length;
  result.skipped = result.scenarios.filter((s) => s.outcome === 'skipped').length;
  return result;
}
