import type { Outcome, RunResult, ScenarioResult, StepResult } from './types.js';

/** ANSI escape sequences: CSI (colors, cursor moves), OSC (titles, links) and two-character escapes. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Characters outside the XML 1.0 `Char` production (control characters, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text that is safe in XML 1.0: ANSI codes and characters XML cannot carry are removed. */
export function xmlSafe(text: string): string {
  return text.replace(ANSI, '').replace(INVALID_XML, '');
}

/** Escapes element content. */
export function escapeXmlText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value; tabs and line breaks are kept as character references (parsers would fold them). */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXmlAttr(String(value))}"`)
    .join('');
}

/** ISO 8601 in UTC, to the second. */
function timestamp(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

interface Case {
  classname: string;
  name: string;
  outcome: Outcome;
  durationMs: number;
  message?: string;
}

function stepCase(scenario: ScenarioResult, step: StepResult): Case {
  return {
    classname: scenario.name,
    name: step.phase === 'cleanup' ? `cleanup: ${step.name}` : step.name,
    outcome: step.outcome,
    durationMs: step.durationMs,
    message: step.message,
  };
}

/**
 * A scenario without step results (it stopped before its first step) still reports its outcome,
 * as one test case named after the scenario, so CI never counts a failed run as green.
 */
function casesOf(scenario: ScenarioResult): Case[] {
  if (scenario.steps.length) return scenario.steps.map((step) => stepCase(scenario, step));
  return [{ classname: scenario.name, name: scenario.name, outcome: scenario.outcome, durationMs: scenario.durationMs }];
}

function count(cases: Case[], outcome: Outcome): number {
  return cases.filter((c) => c.outcome === outcome).length;
}

function renderCase(c: Case): string[] {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: seconds(c.durationMs) })}`;
  if (c.outcome === 'passed') return [`${open}/>`];
  if (c.outcome === 'skipped') return [`${open}>`, '      <skipped/>', '    </testcase>'];
  const message = c.message?.trim() ? c.message : 'failed';
  const firstLine = xmlSafe(message).trim().split(/\r?\n/)[0]?.trim() || 'failed';
  return [`${open}>`, `      <failure${attrs({ message: firstLine })}>${escapeXmlText(message)}</failure>`, '    </testcase>'];
}

function renderSuite(scenario: ScenarioResult, startedMs: number): string[] {
  const cases = casesOf(scenario);
  const lines = [
    `  <testsuite${attrs({
      name: scenario.name,
      tests: cases.length,
      failures: count(cases, 'failed'),
      errors: 0,
      skipped: count(cases, 'skipped'),
      time: seconds(scenario.durationMs),
      timestamp: timestamp(startedMs),
    })}>`,
    '    <properties>',
    `      <property${attrs({ name: 'file', value: scenario.file })}/>`,
    ...Object.entries(scenario.labels).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap(renderCase),
  ];
  if (scenario.diagnostics) lines.push(`    <system-out>${escapeXmlText(`diagnostics: ${scenario.diagnostics}`)}</system-out>`);
  lines.push('  </testsuite>');
  return lines;
}

/**
 * JUnit XML: one <testsuite> per scenario, one <testcase> per step (cleanup steps as "cleanup: <name>").
 * Scenarios run one after another, so a suite's timestamp is the run's start plus the scenarios before it.
 */
export function renderJUnit(result: RunResult): string {
  const cases = result.scenarios.flatMap(casesOf);
  let startedMs = Date.parse(result.startedAt);
  const suites: string[] = [];
  for (const scenario of result.scenarios) {
    suites.push(...renderSuite(scenario, startedMs));
    startedMs += Math.max(0, scenario.durationMs);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name: 'ocm-lab',
      tests: cases.length,
      failures: count(cases, 'failed'),
      errors: 0,
      skipped: count(cases, 'skipped'),
      time: seconds(result.durationMs),
      timestamp: timestamp(Date.parse(result.startedAt)),
    })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
