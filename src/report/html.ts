import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../errors.js';
import { fleetSection } from './html-fleet.js';
import { escapeXmlAttr as attr, escapeXmlText as esc } from './junit.js';
import { redactSecrets } from './redact.js';
import type { RunResult, ScenarioResult, StepResult } from './types.js';

/**
 * The HTML report of a run: one self-contained file (inline CSS and SVG, no script, and a Content-Security-Policy
 * that lets the page load nothing) with a timeline per scenario, each failed step's message, links to the
 * diagnostics bundle, and the fleet as the hub saw it at each failure and at the end. All text is escaped, and
 * messages are redacted as the bundle's logs are.
 */

/** Links listed per diagnostics bundle; a bigger bundle says how many more files it holds. */
const MAX_LINKS = 500;

export interface TimelineBar {
  step: StepResult;
  /** Where the bar starts and how wide it is, in % of the scenario's step time. */
  left: number;
  width: number;
}

/** Steps one after another on one axis: each bar as wide as its share of the time all steps took. */
export function timeline(steps: StepResult[]): TimelineBar[] {
  const total = steps.reduce((sum, s) => sum + Math.max(0, s.durationMs), 0);
  let start = 0;
  return steps.map((step) => {
    const duration = Math.max(0, step.durationMs);
    const bar = { step, left: total ? (100 * start) / total : 0, width: total ? (100 * duration) / total : 0 };
    start += duration;
    return bar;
  });
}

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
const percent = (value: number) => `${Number(value.toFixed(3))}%`;
const MARK: Record<StepResult['outcome'], string> = { passed: '✓', failed: '✗', skipped: '–' };
const BADGE: Record<StepResult['outcome'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

/**
 * Every regular file under `dir` (symbolic links are not followed) as paths relative to it: a folder's files
 * before its subfolders (the bundle's README.txt first), each sorted by name.
 */
export function filesUnder(dir: string, limit = MAX_LINKS): { files: string[]; more: number } {
  const files: string[] = [];
  let more = 0;
  const walk = (folder: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries.filter((e) => e.isFile())) {
      if (files.length < limit) files.push(relative(dir, join(folder, entry.name)));
      else more += 1;
    }
    for (const entry of entries.filter((e) => e.isDirectory())) walk(join(folder, entry.name));
  };
  walk(dir);
  return { files, more };
}

/** A relative URL to a local file: each path segment percent-encoded, so no name can become a scheme or markup. */
export function relativeHref(from: string, to: string): string {
  return relative(from, to).split(sep).map(encodeURIComponent).join('/');
}

function diagnosticsSection(scenario: ScenarioResult, reportDir: string): string {
  if (!scenario.diagnostics) return '';
  const root = resolve(scenario.diagnostics);
  let list: string;
  try {
    if (!lstatSync(root).isDirectory()) throw new Error('not a folder');
    const { files, more } = filesUnder(root);
    list = [
      '<ul>',
      ...files.map((file) => `<li><a href="${attr(relativeHref(reportDir, join(root, file)))}">${esc(file.split(sep).join('/'))}</a></li>`),
      more ? `<li class="muted">and ${more} more files</li>` : '',
      '</ul>',
    ].join('');
    // Named as the page reaches it: a CI artifact or a copied folder keeps the two side by side, not the paths of the run.
    list = `<p><a href="${attr(relativeHref(reportDir, root) || '.')}">${esc(relative(reportDir, root) || '.')}</a> (${files.length + more} files)</p>${list}`;
  } catch (error) {
    list = `<p>${esc(scenario.diagnostics)}: cannot list it: ${esc(errorMessage(error))}</p>`;
  }
  return `<details class="diagnostics" open><summary>Diagnostics bundle</summary>${list}</details>`;
}

function stepRow(bar: TimelineBar): string {
  const { step } = bar;
  const label = `${step.phase === 'cleanup' ? 'cleanup: ' : ''}${step.name}`;
  const meta = `${step.op} · line ${step.line} · ${step.outcome === 'skipped' ? 'skipped' : seconds(step.durationMs)}`;
  const message = step.message ? `<pre class="message">${esc(redactSecrets(step.message))}</pre>` : '';
  return [
    `<li class="step ${step.outcome} ${step.phase}" data-outcome="${step.outcome}" data-phase="${step.phase}" data-duration-ms="${step.durationMs}">`,
    `<div class="step-label"><span class="mark">${MARK[step.outcome]}</span> <span class="step-name">${esc(label)}</span> <small>${esc(meta)}</small></div>`,
    `<div class="track"><div class="bar" style="left:${percent(bar.left)};width:${percent(bar.width)}" title="${attr(`${label}: ${step.outcome}, ${seconds(step.durationMs)}`)}"></div></div>`,
    message,
    '</li>',
  ].join('');
}

function scenarioSection(scenario: ScenarioResult, i: number, reportDir: string): string {
  const labels = Object.entries(scenario.labels).map(([k, v]) => `<code>${esc(`${k}=${v}`)}</code>`).join(' ');
  const bars = timeline(scenario.steps);
  const total = scenario.steps.reduce((sum, s) => sum + Math.max(0, s.durationMs), 0);
  return [
    `<section class="scenario ${scenario.outcome}" id="scenario-${i}" data-scenario="${attr(scenario.name)}" data-outcome="${scenario.outcome}">`,
    `<h2><span class="badge ${scenario.outcome}">${BADGE[scenario.outcome]}</span> ${esc(scenario.name)} <small>${esc(scenario.file)} · ${seconds(scenario.durationMs)}</small> ${labels}</h2>`,
    `<div class="axis"><span>0s</span><span>steps: ${seconds(total)}</span></div>`,
    `<ol class="timeline">${bars.map(stepRow).join('')}</ol>`,
    diagnosticsSection(scenario, reportDir),
    scenario.fleetAtFailure ? fleetSection(scenario.fleetAtFailure, `fleet-${i}`, `The fleet at the failure of ${scenario.name}`) : '',
    '</section>',
  ].join('\n');
}

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main, footer { max-width: 1520px; margin: 0 auto; padding: 12px 24px; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 16px; margin: 16px 0 8px; }
h4 { margin: 12px 0 4px; }
small, .muted { color: var(--muted); font-weight: normal; }
code { background: var(--bg); padding: 0 4px; border-radius: 4px; font-size: 12px; }
.counts span { margin-right: 12px; font-weight: 600; }
.passed-count { color: var(--ok); } .failed-count { color: var(--bad); }
nav ul { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav a { text-decoration: none; }
.badge { display: inline-block; font-size: 12px; padding: 1px 6px; border-radius: 4px; color: #fff; vertical-align: 2px; }
.badge.passed { background: var(--ok); } .badge.failed { background: var(--bad); } .badge.skipped { background: var(--muted); }
.scenario { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 16px 0; }
.scenario.failed { border-color: var(--bad); }
.axis { display: flex; justify-content: space-between; margin-left: 40%; font-size: 12px; color: var(--muted); border-bottom: 1px solid var(--line); }
.timeline { list-style: none; margin: 0; padding: 0; }
.step { display: grid; grid-template-columns: 40% 60%; align-items: center; border-bottom: 1px dashed #eaeef2; padding: 3px 0; }
.step-label { padding-right: 10px; overflow-wrap: anywhere; }
.step .mark { display: inline-block; width: 1em; font-weight: bold; }
.step.passed .mark { color: var(--ok); } .step.failed .mark, .step.failed .step-name { color: var(--bad); font-weight: 600; }
.step.skipped { color: var(--muted); }
.track { position: relative; height: 16px; background: var(--bg); border-radius: 3px; }
.bar { position: absolute; top: 2px; bottom: 2px; min-width: 2px; border-radius: 2px; background: #4c9a5f; }
.step.failed .bar { background: var(--bad); }
.step.skipped .bar { background: transparent; border-left: 2px dotted var(--muted); }
.step.cleanup .bar { background: repeating-linear-gradient(135deg, #8c959f 0 4px, #d0d7de 4px 8px); }
.step.cleanup.failed .bar { background: repeating-linear-gradient(135deg, var(--bad) 0 4px, #ffcecb 4px 8px); }
.step.cleanup .step-label { font-style: italic; }
.message { grid-column: 1 / -1; margin: 6px 0 4px; padding: 8px 10px; background: #fff1f0; border-left: 4px solid var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
.diagnostics ul { columns: 2; font-size: 12px; margin: 4px 0; }
.fleet { margin-top: 12px; }
.fleet-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.fleet-errors { color: var(--bad); }
.fleet-svg { display: block; margin: 0 auto; max-width: 100%; height: auto; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
.fleet-svg .box { fill: #fff; stroke: #57606a; stroke-width: 1.2; }
.fleet-svg .hub .box { fill: #eef4ff; stroke: #0969da; stroke-width: 1.6; }
.fleet-svg .box-title { font-weight: bold; font-size: 13px; }
.fleet-svg .heading { font-weight: bold; fill: #424a53; }
.fleet-svg .muted, .fleet-svg .sets { fill: var(--muted); }
.fleet-svg .label { fill: #0550ae; }
.fleet-svg .edge { fill: none; stroke: #afb8c1; stroke-width: 1.5; }
.fleet-svg .choice { fill: none; stroke-width: 2; }
.fleet-svg .badge rect { stroke: #8c959f; }
.fleet-svg .badge text { font-size: 10px; fill: #fff; }
.fleet-svg .badge.t-ok rect { fill: var(--ok); } .fleet-svg .badge.t-bad rect { fill: var(--bad); }
.fleet-svg .badge.t-unknown rect { fill: #8c959f; } .fleet-svg .badge.t-none rect { fill: #fff; } .fleet-svg .badge.t-none text { fill: #57606a; }
.fleet-svg .dot.t-ok, .fleet-svg circle.t-ok { fill: var(--ok); } .fleet-svg .dot.t-bad { fill: var(--bad); } .fleet-svg .dot.t-unknown, .fleet-svg .dot.t-none { fill: #8c959f; }
.fleet-svg text.t-ok { fill: var(--ok); } .fleet-svg text.t-bad { fill: var(--bad); } .fleet-svg text.t-unknown { fill: var(--muted); }
table { border-collapse: collapse; font-size: 12px; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.t-ok { color: var(--ok); } td.t-bad { color: var(--bad); font-weight: 600; } td.t-unknown { color: var(--muted); }
td.labels code { display: inline-block; margin: 1px 0; }
footer { color: var(--muted); font-size: 12px; }
`;

/** The whole report; `reportDir` is the folder the file goes in (links to diagnostics are relative to it). */
export function renderHtml(result: RunResult, reportDir: string): string {
  const title = `ocm-lab run on lab ${result.lab}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
  const nav = result.scenarios.map((s, i) => `<li><a href="#scenario-${i}"><span class="badge ${s.outcome}">${BADGE[s.outcome]}</span> ${esc(s.name)}</a></li>`).join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing is loaded and nothing runs: styles are inline, images are inline SVG, links only go to local files.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>ocm-lab run on lab <code>${esc(result.lab)}</code></h1>`,
    `<p class="counts"><span class="passed-count">${result.passed} passed</span><span class="failed-count">${result.failed} failed</span><span>${result.skipped} skipped</span>` +
      `<small>started ${esc(result.startedAt)}, took ${seconds(result.durationMs)}</small></p>`,
    `<nav><ul>${nav}</ul>${result.fleet ? '<a href="#fleet">The fleet at the end of the run</a>' : ''}</nav>`,
    '</header>',
    '<main>',
    ...result.scenarios.map((s, i) => scenarioSection(s, i, reportDir)),
    result.fleet ? fleetSection(result.fleet, 'fleet', 'The fleet at the end of the run') : '',
    '</main>',
    `<footer>Written by ocm-lab. Steps: green passed, red failed, dotted skipped, striped cleanup; each bar is as wide as the step's share of the scenario's step time.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
