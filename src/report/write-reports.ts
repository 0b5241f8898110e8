import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorMessage, LabError } from '../errors.js';
import { renderHtml } from './html.js';
import { renderJson, type ReportTargets } from './json.js';
import { renderJUnit } from './junit.js';
import type { RunResult } from './types.js';

/**
 * Writes every requested report (creating parent dirs) and returns the written paths.
 * Each file is attempted even when another fails; the failures are then raised together.
 */
export function writeReports(result: RunResult, targets: ReportTargets): string[] {
  let junit: string | undefined;
  let json: string | undefined;
  const jobs: { path: string; render: () => string }[] = [
    ...targets.junit.map((path) => ({ path, render: () => (junit ??= renderJUnit(result)) })),
    ...targets.json.map((path) => ({ path, render: () => (json ??= renderJson(result)) })),
    // Each HTML report links the diagnostics bundles relative to its own folder.
    ...targets.html.map((path) => ({ path, render: () => renderHtml(result, dirname(resolve(path))) })),
  ];
  const written: string[] = [];
  const failures: string[] = [];
  for (const job of jobs) {
    try {
      const content = job.render();
      mkdirSync(dirname(job.path), { recursive: true });
      writeFileSync(job.path, content);
      written.push(job.path);
    } catch (error) {
      failures.push(`${job.path}: ${errorMessage(error)}`);
    }
  }
  if (failures.length) {
    const wrote = written.length ? `\n(written: ${written.join(', ')})` : '';
    throw new LabError(`cannot write report${failures.length > 1 ? 's' : ''}:\n${failures.join('\n')}${wrote}`, {
      hint: 'check the paths given to --report (is the folder writable?)',
    });
  }
  return written;
}
