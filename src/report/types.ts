import type { FleetSnapshot } from './fleet.js';

/** Results of a `./lab run`, the input of every reporter. */
export type Outcome = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  name: string;
  op: string;
  phase: 'step' | 'cleanup';
  /** Its line in the scenario file. */
  line: number;
  outcome: Outcome;
  durationMs: number;
  /** On failure: what differs, expected vs actual, cluster, elapsed time. */
  message?: string;
}

export interface ScenarioResult {
  name: string;
  file: string;
  labels: Record<string, string>;
  outcome: Outcome;
  durationMs: number;
  steps: StepResult[];
  /** Path of the diagnostics bundle written for this scenario's failure. */
  diagnostics?: string;
  /** The fleet as the hub saw it right after the failure (only when an HTML report is asked for; not in JSON). */
  fleetAtFailure?: FleetSnapshot;
}

export interface RunResult {
  lab: string;
  startedAt: string;
  durationMs: number;
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** The fleet as the hub saw it at the end of the run (only when an HTML report is asked for; not in JSON). */
  fleet?: FleetSnapshot;
}
