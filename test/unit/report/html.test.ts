import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetFromObjects, type FleetObjects } from '../../../src/report/fleet.js';
import { fleetSvg, toneOf, wrap } from '../../../src/report/html-fleet.js';
import { filesUnder, relativeHref, renderHtml, timeline } from '../../../src/report/html.js';
import type { RunResult, StepResult } from '../../../src/report/types.js';

const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-html-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INJECTION = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const MESSAGE = 'assert failed on cluster hub after 3.0s: ManagedCluster cluster1 does not match\nclosest: ManagedCluster cluster1\nmetadata.labels.region: expected "mars", got "east"';

const step = (name: string, outcome: StepResult['outcome'], durationMs: number, extra: Partial<StepResult> = {}): StepResult => ({
  name,
  op: 'assert',
  phase: 'step',
  line: 7,
  outcome,
  durationMs,
  ...extra,
});

const mc = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { hubAcceptsClient: true },
  status: { conditions: [{ type: 'ManagedClusterJoined', status: 'True' }, { type: 'ManagedClusterConditionAvailable', status: 'True' }] },
});

function fleetOf(clusters: string[], extra: Partial<FleetObjects> = {}) {
  return fleetFromObjects('hub', {
    managedClusters: clusters.map((c) => mc(c, { env: 'dev' })),
    clusterSets: [{ metadata: { name: 'global' }, spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: {} } } }],
    bindings: [],
    placements: [{ metadata: { namespace: 'ns', name: 'two' } }],
    decisions: [{ metadata: { namespace: 'ns', name: 'two-1', labels: { 'cluster.open-cluster-management.io/placement': 'two' } }, status: { decisions: clusters.slice(0, 2).map((clusterName) => ({ clusterName })) } }],
    works: [{ metadata: { namespace: clusters[0], name: 'web' }, status: { conditions: [{ type: 'Applied', status: 'True' }, { type: 'Available', status: 'True' }] } }],
    addOns: [],
    ...extra,
  } as FleetObjects);
}

function run(overrides: Partial<RunResult> = {}): RunResult {
  return {
    lab: 'unit',
    startedAt: '2026-12-06T10:00:00.000Z',
    durationMs: 10_000,
    passed: 1,
    failed: 1,
    skipped: 0,
    scenarios: [
      { name: 'work-lands', file: 'scenarios/work.yaml', labels: { area: 'work' }, outcome: 'passed', durationMs: 2000, steps: [step('send web', 'passed', 2000, { op: 'work' })] },
      {
        name: 'false-expectation',
        file: 'scenarios/false.yaml',
        labels: {},
        outcome: 'failed',
        durationMs: 8000,
        steps: [
          step('apply it', 'passed', 1000, { op: 'apply' }),
          step('cluster1 is in region mars', 'failed', 3000, { message: MESSAGE, line: 8 }),
          step('never reached', 'skipped', 0, { op: 'sleep' }),
          step('delete it', 'passed', 4000, { op: 'delete', phase: 'cleanup' }),
        ],
      },
    ],
    ...overrides,
  };
}

/** The elements of one kind in the page, crudely: enough to count and read attributes of the renderer's own markup. */
const elements = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[0]);

describe('timeline', () => {
  it('puts the steps one after another, each as wide as its share of the time', () => {
    const bars = timeline([step('a', 'passed', 1000), step('b', 'failed', 3000), step('c', 'skipped', 0), step('d', 'passed', 4000, { phase: 'cleanup' })]);
    expect(bars.map((b) => [b.step.name, b.left, b.width])).toEqual([
      ['a', 0, 12.5],
      ['b', 12.5, 37.5],
      ['c', 50, 0],
      ['d', 50, 50],
    ]);
  });

  it('has no bars wider than nothing when no time passed', () => {
    expect(timeline([step('a', 'skipped', 0)]).map((b) => [b.left, b.width])).toEqual([[0, 0]]);
    expect(timeline([])).toEqual([]);
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: no script, nothing loaded from anywhere, a policy that forbids it', () => {
    const html = renderHtml(run({ fleet: fleetOf(['cluster1', 'cluster2']) }), scratch);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\((?!#)/i);
    // The only absolute URL is the SVG namespace, which is a name, never fetched.
    expect(elements(html, /https?:\/\/[^\s"')]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('shows every scenario and every step, marks the failed step and gives its message in a <pre>', () => {
    const html = renderHtml(run(), scratch);
    expect(elements(html, /<section class="scenario [a-z]+" id="scenario-\d+" data-scenario="[^"]+"/g)).toEqual([
      '<section class="scenario passed" id="scenario-0" data-scenario="work-lands"',
      '<section class="scenario failed" id="scenario-1" data-scenario="false-expectation"',
    ]);
    expect(elements(html, /<li class="step [^"]+"/g)).toEqual([
      '<li class="step passed step"',
      '<li class="step passed step"',
      '<li class="step failed step"',
      '<li class="step skipped step"',
      '<li class="step passed cleanup"',
    ]);
    const failed = html.slice(html.indexOf('<li class="step failed'), html.indexOf('</li>', html.indexOf('<li class="step failed')));
    expect(failed).toContain('<span class="step-name">cluster1 is in region mars</span>');
    expect(failed).toContain('assert · line 8 · 3.0s');
    expect(failed).toContain(`<pre class="message">${MESSAGE}</pre>`);
    expect(html.match(/<pre class="message">/g)).toHaveLength(1);
    expect(html).toContain('<span class="step-name">cleanup: delete it</span>');
    expect(html).toContain('<span class="badge failed">FAIL</span> false-expectation');
  });

  it('draws each bar at its place and width, in % of the scenario\'s step time', () => {
    const html = renderHtml(run(), scratch);
    const scenario = html.slice(html.indexOf('id="scenario-1"'));
    expect(elements(scenario, /style="left:[^"]+"/g)).toEqual([
      'style="left:0%;width:12.5%"',
      'style="left:12.5%;width:37.5%"',
      'style="left:50%;width:0%"',
      'style="left:50%;width:50%"',
    ]);
  });

  it('escapes every text it shows: names, labels, messages, files, the fleet', () => {
    const fleet = fleetOf([`c1${INJECTION}`, 'cluster2']);
    const html = renderHtml(
      run({
        lab: INJECTION,
        fleet,
        scenarios: [
          {
            name: INJECTION,
            file: `x${INJECTION}.yaml`,
            labels: { [INJECTION]: INJECTION },
            outcome: 'failed',
            durationMs: 1,
            diagnostics: join(scratch, 'nowhere', INJECTION),
            fleetAtFailure: fleet,
            steps: [step(INJECTION, 'failed', 1, { op: INJECTION, message: `${INJECTION}\n"quoted" & 'single'` })],
          },
        ],
      }),
      scratch,
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain(`<pre class="message">${INJECTION.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}\n"quoted" &amp; 'single'</pre>`);
    // Attribute values cannot be closed early either.
    expect(html).toContain('data-scenario="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"');
  });

  it('removes terminal colours and redacts tokens in messages', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlc2ln';
    const result = run();
    result.scenarios[1]!.steps[1]!.message = `got \u001b[31mfalse\u001b[0m with Bearer ${jwt}`;
    const html = renderHtml(result, scratch);
    expect(html).toContain('got false with Bearer &lt;redacted token&gt;');
    expect(html).not.toContain(jwt);
    expect(html).not.toContain('\u001b');
  });

  it('links every file of the diagnostics bundle, relative to the report\'s folder, names encoded', () => {
    const bundle = join(scratch, 'diag', '2026-12-06T10-00-00-000Z-false-expectation');
    mkdirSync(join(bundle, 'hub'), { recursive: true });
    mkdirSync(join(bundle, 'logs'), { recursive: true });
    writeFileSync(join(bundle, 'README.txt'), 'bundle');
    writeFileSync(join(bundle, 'hub', 'managedclusters.yaml'), '');
    writeFileSync(join(bundle, 'logs', 'a b#?&"x.log'), '');
    const result = run();
    result.scenarios[1]!.diagnostics = bundle;
    const reportDir = join(scratch, 'reports', 'html');
    const html = renderHtml(result, reportDir);
    const links = elements(html, /<li><a href="[^"]*">[^<]*<\/a><\/li>/g);
    expect(links).toEqual([
      '<li><a href="../../diag/2026-12-06T10-00-00-000Z-false-expectation/README.txt">README.txt</a></li>',
      '<li><a href="../../diag/2026-12-06T10-00-00-000Z-false-expectation/hub/managedclusters.yaml">hub/managedclusters.yaml</a></li>',
      '<li><a href="../../diag/2026-12-06T10-00-00-000Z-false-expectation/logs/a%20b%23%3F%26%22x.log">logs/a b#?&amp;"x.log</a></li>',
    ]);
    expect(html).toContain('(3 files)');
    expect(html).not.toContain('file://');
  });

  it('lists at most so many files, and says how many more there are', () => {
    const dir = join(scratch, 'many');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'sub', `f${i}`), '');
    expect(filesUnder(dir, 3)).toEqual({ files: ['sub/f0', 'sub/f1', 'sub/f2'], more: 2 });
    expect(relativeHref('/a/b', '/a/c/d e')).toBe('../c/d%20e');
    expect(relativeHref('/a', '/a/javascript:alert(1)')).toBe('javascript%3Aalert(1)');
  });

  it('shows the fleet at each failure and at the end, and only when they were captured', () => {
    expect(renderHtml(run(), scratch)).not.toContain('<svg');
    const result = run({ fleet: fleetOf(['cluster1', 'cluster2', 'cluster3']) });
    result.scenarios[1]!.fleetAtFailure = fleetOf(['cluster1', 'cluster2']);
    const html = renderHtml(result, scratch);
    expect(html.match(/<svg class="fleet-svg"/g)).toHaveLength(2);
    expect(html).toContain('<section class="fleet" id="fleet-1">');
    expect(html).toContain('The fleet at the failure of false-expectation');
    expect(html).toContain('<section class="fleet" id="fleet">');
    expect(html).toContain('The fleet at the end of the run');
    // Each picture has its own arrow markers.
    expect(html).toContain('id="fleet-1-arrow-0"');
    expect(html).toContain('id="fleet-arrow-0"');
  });

  it('names the errors of a capture above its picture', () => {
    const fleet = { ...fleetOf(['cluster1']), errors: ['ManifestWork (work.open-cluster-management.io/v1): HTTP 403 <forbidden>'] };
    expect(renderHtml(run({ fleet }), scratch)).toContain('<ul class="fleet-errors"><li>ManifestWork (work.open-cluster-management.io/v1): HTTP 403 &lt;forbidden&gt;</li></ul>');
  });
});

describe('the fleet picture', () => {
  it('has the hub and a box per cluster, with a grey line from the hub to each and an arrow per Placement decision', () => {
    const svg = fleetSvg(fleetOf(['cluster1', 'cluster2', 'cluster3']), 'f');
    expect(elements(svg, /<g class="(hub|cluster)" data-name="[^"]+"/g)).toEqual([
      '<g class="hub" data-name="hub"',
      '<g class="cluster" data-name="cluster1"',
      '<g class="cluster" data-name="cluster2"',
      '<g class="cluster" data-name="cluster3"',
    ]);
    expect(svg.match(/<path class="edge"/g)).toHaveLength(3);
    expect(elements(svg, /data-placement="[^"]+" data-cluster="[^"]+"/g)).toEqual([
      'data-placement="ns/two" data-cluster="cluster1"',
      'data-placement="ns/two" data-cluster="cluster2"',
    ]);
    expect(svg).toContain('aria-label="Fleet: hub hub, 3 managed clusters: cluster1, cluster2, cluster3"');
    expect(svg).toContain('>env=dev<');
    expect(svg).toContain('sets: global');
    expect(svg).toContain('>ManifestWorks 1, 1 Available<');
  });

  it('puts up to five clusters on one row and more on two, the second shifted by half a box', () => {
    const ys = (svg: string) => new Set(elements(svg, /<g class="cluster"[^]*?<rect x="[\d.]+" y="([\d.]+)"/g).map((g) => /y="([\d.]+)"$/.exec(g)![1]));
    const xs = (svg: string) => elements(svg, /<g class="cluster"[^]*?<rect x="([\d.]+)"/g).map((g) => Number(/x="([\d.]+)"$/.exec(g)![1]));
    const five = fleetSvg(fleetOf(['c1', 'c2', 'c3', 'c4', 'c5']), 'f');
    expect(ys(five).size).toBe(1);
    const ten = fleetSvg(fleetOf(Array.from({ length: 10 }, (_, i) => `c${i + 1}`)), 'f');
    expect(ys(ten).size).toBe(2);
    const [a, b, , , , f, g] = xs(ten);
    // The second row's boxes sit between the first row's, so the lines to them pass through the gaps.
    expect(f! - a!).toBeCloseTo((b! - a!) / 2);
    expect(g! - b!).toBeCloseTo((b! - a!) / 2);
  });

  it('cuts long names and keeps them whole in a tooltip', () => {
    const long = `cluster-${'x'.repeat(60)}`;
    const svg = fleetSvg(fleetOf([long]), 'f');
    expect(svg).toContain(`<title>ManagedCluster ${long}: Joined True, Available True</title>`);
    expect(svg).toMatch(/class="box-title">cluster-x+…</);
  });

  it('with no cluster, says so', () => {
    expect(fleetSvg(fleetOf([]), 'f')).toContain('no ManagedCluster on the hub');
  });

  it('reads conditions: True is good (bad for Degraded), absent is not reported', () => {
    expect([toneOf('True'), toneOf('False'), toneOf('Unknown'), toneOf(undefined), toneOf('True', true), toneOf('False', true)]).toEqual(['ok', 'bad', 'unknown', 'none', 'bad', 'ok']);
  });

  it('wraps lists over lines of a given width', () => {
    expect(wrap('sets:', ['default', 'dev', 'global'], 40)).toEqual(['sets: default, dev, global']);
    expect(wrap('sets:', ['default', 'dev', 'global'], 16)).toEqual(['sets: default,', '  dev, global']);
    expect(wrap('', ['a'.repeat(30)], 10)).toEqual([`${'a'.repeat(9)}…`]);
  });
});
