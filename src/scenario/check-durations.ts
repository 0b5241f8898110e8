import { isMapping } from '../config/schema-fields.js';
import type { FieldPath } from '../config/yaml-source.js';
import { DEFAULT_STEP_TIMEOUT_MS, MAX_DURATION_MS, parseDuration } from './duration.js';

/** The scenario timeout when a file gives none; the schema's default too. */
export const DEFAULT_SCENARIO_TIMEOUT = '5m';
const DEFAULT_STEP_TIMEOUT = '2m';
/** Operations with a timeout of their own, which wins over the step's. */
const TIMED_OPS = ['assert', 'absent', 'delete'] as const;

interface Given {
  text: string;
  ms: number;
}

/** A duration as written, when it is one the schema accepts (others are reported by the schema). */
function given(value: unknown): Given | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  return ms !== undefined && ms > 0 && ms <= MAX_DURATION_MS ? { text: value, ms } : undefined;
}

/**
 * Checks across a scenario's durations, on the file's data as written (so they are reported with every other
 * problem of the file): no step, cleanup included, has a timeout longer than the scenario's, and no sleep is
 * longer than its step's timeout (given, or the default).
 */
export function checkDurations(data: unknown, report: (path: FieldPath, message: string) => void): void {
  const spec = isMapping(data) && isMapping(data.spec) ? data.spec : undefined;
  if (!spec) return;
  const scenario = spec.timeout === undefined ? given(DEFAULT_SCENARIO_TIMEOUT) : given(spec.timeout);
  const outlasts = (path: FieldPath, timeout: Given | undefined) => {
    if (scenario && timeout && timeout.ms > scenario.ms) {
      report(path, `${timeout.text} is longer than the scenario's timeout (${scenario.text}): a step cannot outlast its scenario`);
    }
  };
  for (const key of ['steps', 'cleanup'] as const) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    list.forEach((step: unknown, index) => {
      if (!isMapping(step)) return;
      const at = ['spec', key, index];
      const timeout = given(step.timeout);
      outlasts([...at, 'timeout'], timeout);
      for (const op of TIMED_OPS) if (isMapping(step[op])) outlasts([...at, op, 'timeout'], given(step[op].timeout));
      // A step timeout the schema refused leaves nothing to compare a sleep with.
      const sleep = step.timeout === undefined || timeout ? given(isMapping(step.sleep) ? step.sleep.duration : step.sleep) : undefined;
      const limit = timeout ?? { text: `${DEFAULT_STEP_TIMEOUT} by default`, ms: DEFAULT_STEP_TIMEOUT_MS };
      if (sleep && sleep.ms > limit.ms) report([...at, 'sleep'], `sleeps ${sleep.text}, longer than the step's timeout (${limit.text}): give the step a longer timeout`);
      else if (sleep && !timeout) outlasts([...at, 'sleep'], sleep);
    });
  }
}
