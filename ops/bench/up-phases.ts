// Where a benchmarked `./lab up` spent its time, from its own `--json` result: so a slow round shows its slow phase.
import type { PhaseTiming } from '../../src/lab/bring-up/action.js';
import { median } from './measure.js';

/** The phases of one `./lab up --json` (its stdout); [] when it printed no result (a failed up). */
export function parseUpPhases(stdout: string): PhaseTiming[] {
  try {
    const result = JSON.parse(stdout) as { phases?: PhaseTiming[] };
    return Array.isArray(result.phases) ? result.phases : [];
  } catch {
    return [];
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** One line for a round: every phase that took 0.5 s or more, `title took (ends at +end)`, in the order they ran. */
export function phaseLine(phases: PhaseTiming[]): string {
  return phases
    .filter((p) => p.durationMs >= 500)
    .map((p) => `${p.title} ${seconds(p.durationMs)}s (ends +${seconds(p.startedMs + p.durationMs)}s)`)
    .join(', ');
}

/** Each phase's median time over the rounds (phases that took 0.5 s or more in some round), in the order they ran. */
export function medianPhases(rounds: PhaseTiming[][]): string {
  const titles = [...new Set(rounds.flatMap((phases) => phases.filter((p) => p.durationMs >= 500).map((p) => p.title)))];
  return titles.map((title) => `${title} ${seconds(median(rounds.map((phases) => phases.find((p) => p.title === title)?.durationMs ?? 0)))}s`).join(', ');
}

/**
 * The clusters whose klusterlet operator the hub-connection recheck had to wake, from up's progress lines (one per
 * cluster, `✔ cluster2: <what was done>; <…> [32.1s]`): `cluster2 7× after acceptance`.
 */
export function rechecks(progress: string): string[] {
  return progress.split('\n').flatMap((line) => {
    const cluster = /(\S+?): /.exec(line)?.[1];
    return [...line.matchAll(/asked to check the hub credentials again (before|after) acceptance \((\d+)×\)/g)].map((m) => `${cluster} ${m[2]}× ${m[1]} acceptance`);
  });
}
