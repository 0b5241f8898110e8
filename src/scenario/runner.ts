import { setMaxListeners } from 'node:events';
import { relative } from 'node:path';
import { errorMessage } from '../errors.js';
import { CancelledError, deadlineSignal } from '../process/abort.js';
import { withTimeout } from '../process/with-timeout.js';
import { collectDiagnostics } from '../report/diagnostics.js';
import { captureFleet, failedFleet, type FleetSnapshot } from '../report/fleet.js';
import type { RunResult, ScenarioResult, StepResult } from '../report/types.js';
import { Progress, type CoreOptions, type PlanStep } from '../core/progress.js';
import { DEFAULT_STEP_TIMEOUT_MS, formatDuration, MAX_DURATION_MS } from './duration.js';
import { executorFor } from './operations/registry.js';
import type { ScenarioLab } from './step-context.js';
import type { Scenario, Step } from './types.js';

/**
 * A step's signal aborts this long after its timeout: an operation that watches its own timeout
 * reports it first, with its own detail (an assert's closest candidate); anything still running
 * then is cancelled.
 */
const CANCEL_AFTER_MS = 2_000;
/** Grace beyond that for an operation to notice its cancelled signal and return. */
const CANCEL_GRACE_MS = 10_000;

export interface RunOptions extends CoreOptions {
  failFast: boolean;
  /** Folder under which a diagnostics bundle per failed scenario is written. */
  diagnosticsDir: string;
  /** Read the fleet from the hub at each failure and at the end (for the HTML report). */
  captureFleet?: boolean;
}

/** Scenarios whose labels include every `key=value` selector. */
export function selectScenarios(scenarios: Scenario[], selectors: string[]): Scenario[] {
  const wanted = selectors.map((s) => s.split('=') as [string, string]);
  return scenarios.filter((scenario) => wanted.every(([k, v]) => scenario.labels[k] === v));
}

const scenarioId = (i: number) => `scenario${i}`;
const stepId = (i: number, phase: StepResult['phase'], j: number) => `${scenarioId(i)}/${phase}${j}`;

function runPlan(scenarios: Scenario[]): PlanStep[] {
  return scenarios.map((scenario, i) => ({
    id: scenarioId(i),
    title: scenario.name,
    children: [
      ...scenario.steps.map((step, j) => ({ id: stepId(i, 'step', j), title: step.name })),
      ...scenario.cleanup.map((step, j) => ({ id: stepId(i, 'cleanup', j), title: `cleanup: ${step.name}` })),
    ],
  }));
}

/**
 * Runs scenarios one after another: each step under its own timeout, which cancels the step's work
 * (no request, command or wait of a timed-out step goes on); diagnostics on failure; then cleanup.
 */
export async function runScenarios(scenarios: Scenario[], lab: ScenarioLab, options: RunOptions): Promise<RunResult> {
  const progress = new Progress(options.onEvent);
  progress.plan(runPlan(scenarios));
  const result: RunResult = { lab: lab.name, startedAt: new Date().toISOString(), durationMs: 0, scenarios: [], passed: 0, failed: 0, skipped: 0 };
  let stop = false;
  for (const [i, scenario] of scenarios.entries()) {
    const outcome = await runScenario(scenario, i, lab, progress, options, stop);
    result.scenarios.push(outcome);
    if (outcome.outcome === 'failed' && options.failFast) stop = true;
    if (options.signal?.aborted) throw new CancelledError(options.signal.reason);
  }
  summarize(result);
  if (options.captureFleet) result.fleet = await fleetOf(lab, options.signal);
  return result;
}

/** The fleet from the lab's hub; never throws (a run does not fail because its picture could not be taken). */
async function fleetOf(lab: ScenarioLab, signal?: AbortSignal): Promise<FleetSnapshot> {
  try {
    return await captureFleet(lab.hub(), signal);
  } catch (error) {
    return failedFleet(lab.hubName, error);
  }
}

async function runScenario(scenario: Scenario, i: number, lab: ScenarioLab, progress: Progress, options: RunOptions, skip: boolean): Promise<ScenarioResult> {
  const result: ScenarioResult = { name: scenario.name, file: relative(process.cwd(), scenario.file), labels: scenario.labels, outcome: 'passed', durationMs: 0, steps: [] };
  const id = scenarioId(i);
  if (skip) {
    result.outcome = 'skipped';
    scenario.steps.forEach((s) => result.steps.push({ name: s.name, op: s.op, phase: 'step', line: s.source.line, outcome: 'skipped', durationMs: 0 }));
    progress.skip(id, '--fail-fast after an earlier failure');
    return result;
  }
  progress.start(id);
  const started = Date.now();
  const deadline = started + scenario.timeoutMs;
  for (const [j, step] of scenario.steps.entries()) {
    const stepIdentifier = stepId(i, 'step', j);
    if (result.outcome === 'failed') {
      result.steps.push({ name: step.name, op: step.op, phase: 'step', line: step.source.line, outcome: 'skipped', durationMs: 0 });
      progress.skip(stepIdentifier, 'an earlier step failed');
      continue;
    }
    const budget = deadline - Date.now();
    const record = await runStep(step, 'step', lab, progress, stepIdentifier, Math.min(step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, budget), options.signal, budget <= 0 ? scenario.timeoutMs : undefined);
    result.steps.push(record);
    if (record.outcome === 'failed') result.outcome = 'failed';
  }
  if (result.outcome === 'failed') {
    // The fleet first: it is quick, and closest to the moment of the failure.
    if (options.captureFleet) result.fleetAtFailure = await fleetOf(lab, options.signal);
    try {
      result.diagnostics = await collectDiagnostics({ root: options.diagnosticsDir, scenario: scenario.name, clusters: lab.clusters(), ...lab.diagnosticSources() });
      progress.output(id, `diagnostics: ${relative(process.cwd(), result.diagnostics) || result.diagnostics}`);
    } catch (error) {
      progress.output(id, `diagnostics could not be collected: ${errorMessage(error)}`);
    }
  }
  for (const [j, step] of scenario.cleanup.entries()) {
    result.steps.push(await runStep(step, 'cleanup', lab, progress, stepId(i, 'cleanup', j), step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS));
  }
  result.durationMs = Date.now() - started;
  if (result.outcome === 'failed') progress.fail(id, `${scenario.name} failed`);
  else progress.done(id);
  return result;
}

/** One step under its own deadline; the deadline aborts the signal the operation works with. */
async function runStep(
  step: Step,
  phase: StepResult['phase'],
  lab: ScenarioLab,
  progress: Progress,
  id: string,
  timeoutMs: number,
  parent?: AbortSignal,
  scenarioTimedOutAfter?: number,
): Promise<StepResult> {
  const record: StepResult = { name: step.name, op: step.op, phase, line: step.source.line, outcome: 'passed', durationMs: 0 };
  const started = Date.now();
  progress.start(id);
  // Loaded scenarios are validated within MAX_DURATION_MS; the clamp keeps timers in range for any other caller.
  const budget = Math.min(Math.max(1000, timeoutMs), MAX_DURATION_MS);
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, deadlineSignal(budget + CANCEL_AFTER_MS, parent)]);
  // A step waits on every cluster at once (an upgrade on each cluster's Deployments): each wait listens here.
  setMaxListeners(100, signal);
  try {
    if (scenarioTimedOutAfter !== undefined) throw new Error(`the scenario's timeout of ${formatDuration(scenarioTimedOutAfter)} ran out before this step`);
    const summary = await withTimeout(
      executorFor(step)(step, { lab, timeoutMs: budget, signal }),
      budget + CANCEL_AFTER_MS + CANCEL_GRACE_MS,
      `step did not finish within ${formatDuration(budget)} and did not stop when cancelled`,
    );
    if (summary) progress.output(id, summary);
    progress.done(id);
  } catch (error) {
    const timedOut = signal.aborted && !parent?.aborted;
    const message = timedOut && error instanceof CancelledError ? `step did not finish within ${formatDuration(budget)} and was cancelled` : errorMessage(error);
    record.outcome = 'failed';
    record.message = `${message}\n(${relative(process.cwd(), step.source.file)}:${step.source.line}, step "${step.name}", op ${step.op})`;
    progress.fail(id, record.message);
  } finally {
    controller.abort(new Error('step finished'));
    record.durationMs = Date.now() - started;
  }
  return record;
}

/** Fills in the counts and the duration once every scenario has run. */
export function summarize(result: RunResult): RunResult {
  result.durationMs = Date.now() - Date.parse(result.startedAt);
  result.passed = result.scenarios.filter((s) => s.outcome === 'passed').length;
  result.failed = result.scenarios.filter((s) => s.outcome === 'failed').length;
  result.skipped = result.scenarios.filter((s) => s.outcome === 'skipped').length;
  return result;
}
