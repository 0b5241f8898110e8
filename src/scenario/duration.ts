const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest duration a scenario may give anywhere (well inside the range of Node's timers, 2^31 ms). */
export const MAX_DURATION_MS = 24 * 3_600_000;
/** A step's timeout when it gives none (a cleanup step's too). */
export const DEFAULT_STEP_TIMEOUT_MS = 2 * 60_000;

/** Parses Go-style durations like "90s", "3m", "1m30s", "500ms"; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((total, [, value, unit]) => total + Number(value) * UNITS[unit!]!, 0);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
