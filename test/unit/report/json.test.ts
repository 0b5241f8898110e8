import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { fleetFromObjects } from '../../../src/report/fleet.js';
import { jsonResult, parseReportTargets, renderJson } from '../../../src/report/json.js';
import type { RunResult } from '../../../src/report/types.js';
import { writeReports } from '../../../src/report/write-reports.js';

const FAILURE = 'expected "Applied" & <true>, got \u001b[31mfalse\u001b[0m';

const result: RunResult = {
  lab: 'unit',
  startedAt: '2024-05-01T10:00:00.000Z',
  durationMs: 4200,
  passed: 1,
  failed: 1,
  skipped: 0,
  scenarios: [
    {
      name: 'join',
      file: 'scenarios/join.yaml',
      labels: { area: 'registration' },
      outcome: 'passed',
      durationMs: 1000,
      steps: [{ name: 'apply', op: 'apply', phase: 'step', line: 7, outcome: 'passed', durationMs: 1000 }],
    },
    {
      name: 'work',
      file: 'scenarios/work.yaml',
      labels: {},
      outcome: 'failed',
      durationMs: 3000,
      diagnostics: 'lab-diagnostics/work',
      steps: [
        { name: 'work applied', op: 'assert', phase: 'step', line: 9, outcome: 'failed', durationMs: 3000, message: FAILURE },
        { name: 'check', op: 'assert', phase: 'step', line: 11, outcome: 'skipped', durationMs: 0 },
      ],
    },
  ],
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('renderJson', () => {
  it('is pretty JSON of the whole result with version 1 first', () => {
    const text = renderJson(result);
    expect(text.startsWith('{\n  "version": 1,\n  "lab": "unit",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as RunResult & { version: number };
    expect(parsed).toEqual({ version: 1, ...result });
    expect(parsed.scenarios[1]?.steps[0]?.message).toBe(FAILURE);
    expect(parsed.scenarios[1]?.diagnostics).toBe('lab-diagnostics/work');
  });

  it('is the same with fleet snapshots (taken for an HTML report): they stay out of the JSON', () => {
    const fleet = fleetFromObjects('hub', { managedClusters: [{ metadata: { name: 'cluster1' } }], clusterSets: [], bindings: [], placements: [], decisions: [], works: [], addOns: [] });
    const withFleet: RunResult = { ...result, fleet, scenarios: result.scenarios.map((s) => (s.outcome === 'failed' ? { ...s, fleetAtFailure: fleet } : s)) };
    expect(renderJson(withFleet)).toBe(renderJson(result));
    expect(jsonResult(withFleet)).toEqual(result);
    expect(JSON.stringify(jsonResult(withFleet))).not.toContain('fleet');
    // The result itself keeps them for the HTML report.
    expect(withFleet.fleet?.clusters.map((c) => c.name)).toEqual(['cluster1']);
  });
});

function usageError(values: string[]): UsageError {
  try {
    parseReportTargets(values);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`parseReportTargets(${JSON.stringify(values)}) did not throw`);
}

describe('parseReportTargets', () => {
  it('accepts junit=PATH, json=PATH and html=PATH, repeated, in order', () => {
    expect(parseReportTargets([])).toEqual({ junit: [], json: [], html: [] });
    expect(parseReportTargets(['junit=out/report.xml', 'json=out/report.json', 'html=out/run.html', 'junit=ci/junit.xml', 'html=ci/run.html'])).toEqual({
      junit: ['out/report.xml', 'ci/junit.xml'],
      json: ['out/report.json'],
      html: ['out/run.html', 'ci/run.html'],
    });
  });

  it('keeps everything after the first = as the path', () => {
    expect(parseReportTargets(['json=a=b.json']).json).toEqual(['a=b.json']);
  });

  it('rejects an unknown format, naming the known ones', () => {
    const error = usageError(['xml=report.xml']);
    expect(error.message).toContain('unknown format "xml"');
    expect(error.message).toContain('(known: junit, json, html)');
    expect(error.hint).toContain('junit=PATH');
    expect(error.hint).toContain('html=PATH');
    expect(usageError(['HTML=r.html']).message).toContain('unknown format "HTML"');
    expect(usageError(['pdf=r.pdf']).exitCode).toBe(2);
    expect(error.exitCode).toBe(2);
  });

  it('rejects a missing path, with or without the =', () => {
    expect(usageError(['junit']).message).toContain('the path is missing');
    expect(usageError(['junit']).hint).toBe('e.g. --report junit=report.xml');
    expect(usageError(['html']).message).toBe('--report "html" is not FORMAT=PATH: the path is missing');
    expect(usageError(['html']).hint).toBe('e.g. --report html=report.html');
    expect(usageError(['html=']).message).toContain('the path is missing');
    expect(usageError(['json=']).message).toContain('the path is missing');
    expect(usageError(['json=  ']).message).toContain('the path is missing');
  });

  it('rejects a value that is not FORMAT=PATH and a missing format', () => {
    expect(usageError(['report.xml']).message).toBe('--report "report.xml" is not FORMAT=PATH');
    expect(usageError(['=report.xml']).message).toContain('unknown format ""');
    expect(usageError(['JUNIT=report.xml']).message).toContain('unknown format "JUNIT"');
  });

  it('rejects two reports into the same file', () => {
    expect(usageError(['junit=out/r.xml', 'json=./out/r.xml']).message).toContain('already the target of --report junit=out/r.xml');
    expect(usageError(['html=out/r.html', 'html=out/../out/r.html']).message).toContain('already the target of --report html=out/r.html');
  });
});

describe('writeReports', () => {
  it('writes every report, creating parent folders, and returns the paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-report-'));
    dirs.push(dir);
    const junit = join(dir, 'a', 'b', 'junit.xml');
    const json = join(dir, 'c', 'report.json');
    const html = join(dir, 'd', 'run.html');
    expect(writeReports(result, { junit: [junit], json: [json], html: [html] })).toEqual([junit, json, html]);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ocm-lab" tests="3" failures="1"/);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { version: number }).version).toBe(1);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('data-scenario="work"');
    // The bundle's folder does not exist here: the report says so instead of failing.
    expect(page).toContain('lab-diagnostics/work: cannot list it');
  });

  it('reports a path it cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-report-'));
    dirs.push(dir);
    const ok = join(dir, 'ok.json');
    // A directory where the file should go.
    expect(() => writeReports(result, { junit: [dir], json: [ok], html: [] })).toThrow(/cannot write report:\n.*ocm-lab-report-[^:]*: [^\n]+\n\(written: .*ok\.json\)/);
    expect(JSON.parse(readFileSync(ok, 'utf8'))).toMatchObject({ version: 1, lab: 'unit' });
  });
});
