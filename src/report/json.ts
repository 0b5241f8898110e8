import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunResult } from './types.js';

/** Bumped when a field of the JSON report changes meaning or goes away. */
export const JSON_REPORT_VERSION = 1;

export const REPORT_FORMATS = ['junit', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type ReportTargets = Record<ReportFormat, string[]>;

const EXAMPLE_PATH: Record<ReportFormat, string> = { junit: 'report.xml', json: 'report.json', html: 'report.html' };
const REPORT_HINT = 'use --report junit=PATH, json=PATH or html=PATH, e.g. --report junit=report.xml (repeatable)';

/**
 * The result as the JSON report and `--json` give it: the fleet snapshots, taken only for an HTML report, are left
 * out, so the JSON is the same whichever reports were asked for.
 */
export function jsonResult(result: RunResult): RunResult {
  const { fleet: _fleet, ...rest } = result;
  return { ...rest, scenarios: rest.scenarios.map(({ fleetAtFailure: _snapshot, ...scenario }) => scenario) };
}

/** The run result as pretty JSON, versioned for the tools that read it. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify({ version: JSON_REPORT_VERSION, ...jsonResult(result) }, null, 2)}\n`;
}

function isFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Parses the values of `--report FORMAT=PATH`; anything else is a usage error (exit 2) raised before the run starts. */
export function parseReportTargets(values: string[]): ReportTargets {
  const targets: ReportTargets = { junit: [], json: [], html: [] };
  const seen = new Map<string, string>();
  for (const raw of values) {
    const value = String(raw).trim();
    const eq = value.indexOf('=');
    if (eq < 0) {
      const hint = isFormat(value) ? `e.g. --report ${value}=${EXAMPLE_PATH[value]}` : REPORT_HINT;
      throw new UsageError(`--report "${value}" is not FORMAT=PATH${isFormat(value) ? ': the path is missing' : ''}`, hint);
    }
    const format = value.slice(0, eq).trim();
    const path = value.slice(eq + 1).trim();
    if (!isFormat(format)) {
      throw new UsageError(`--report "${value}": unknown format "${format}" (known: ${REPORT_FORMATS.join(', ')})`, REPORT_HINT);
    }
    if (!path) throw new UsageError(`--report "${value}": the path is missing`, REPORT_HINT);
    const previous = seen.get(resolve(path));
    if (previous !== undefined) {
      throw new UsageError(`--report "${value}": ${path} is already the target of --report ${previous}`, 'give each report its own file');
    }
    seen.set(resolve(path), value);
    targets[format].push(path);
  }
  return targets;
}
