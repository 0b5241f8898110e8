import { describe, expect, it } from 'vitest';
import { escapeXmlAttr, escapeXmlText, renderJUnit } from '../../../src/report/junit.js';
import type { RunResult } from '../../../src/report/types.js';

const FAILURE = 'expected status "Applied" & <true>, got \u001b[31mfalse\u001b[0m\u0007\nat ManifestWork \'demo\' on hub';

function runResult(): RunResult {
  return {
    lab: 'unit',
    startedAt: '2024-05-01T10:00:00.000Z',
    durationMs: 12_345,
    passed: 1,
    failed: 1,
    skipped: 0,
    scenarios: [
      {
        name: 'join',
        file: 'scenarios/join.yaml',
        labels: { area: 'registration' },
        outcome: 'passed',
        durationMs: 1500,
        steps: [
          { name: 'apply', op: 'apply', phase: 'step', line: 7, outcome: 'passed', durationMs: 1000 },
          { name: 'assert joined', op: 'assert', phase: 'step', line: 9, outcome: 'passed', durationMs: 500 },
        ],
      },
      {
        name: 'work <&>',
        file: 'scenarios/work.yaml',
        labels: { area: 'work', tier: 'smoke' },
        outcome: 'failed',
        durationMs: 9876,
        diagnostics: 'lab-diagnostics/2024-05-01-work',
        steps: [
          { name: 'create work', op: 'apply', phase: 'step', line: 11, outcome: 'passed', durationMs: 200 },
          { name: 'work applied', op: 'assert', phase: 'step', line: 13, outcome: 'failed', durationMs: 9000, message: FAILURE },
          { name: 'check deployment', op: 'assert', phase: 'step', line: 15, outcome: 'skipped', durationMs: 0 },
          { name: 'delete work', op: 'delete', phase: 'cleanup', line: 17, outcome: 'passed', durationMs: 676 },
        ],
      },
    ],
  };
}

/** The opening tag of the first element named `tag` whose text matches `where`. */
function openTag(xml: string, tag: string, where: RegExp = /./): string {
  const found = xml.match(new RegExp(`<${tag}\\b[^>]*>`, 'g'))?.find((t) => where.test(t));
  if (!found) throw new Error(`no <${tag}> matching ${where} in:\n${xml}`);
  return found;
}

function attr(tag: string, name: string): string | undefined {
  return tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
}

describe('renderJUnit', () => {
  const xml = renderJUnit(runResult());

  it('starts with the XML declaration and has one root element', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(xml.match(/<testsuites\b/g)).toHaveLength(1);
  });

  it('counts test cases, failures and skips across the run', () => {
    const root = openTag(xml, 'testsuites');
    expect(attr(root, 'name')).toBe('ocm-lab');
    expect(attr(root, 'tests')).toBe('6');
    expect(attr(root, 'failures')).toBe('1');
    expect(attr(root, 'skipped')).toBe('1');
    expect(attr(root, 'time')).toBe('12.345');
  });

  it('writes one testsuite per scenario with its own counts, time and timestamp', () => {
    const suites = xml.match(/<testsuite\b[^>]*>/g) ?? [];
    expect(suites).toHaveLength(2);
    const [join, work] = suites as [string, string];
    expect(attr(join, 'name')).toBe('join');
    expect([attr(join, 'tests'), attr(join, 'failures'), attr(join, 'skipped'), attr(join, 'time')]).toEqual(['2', '0', '0', '1.500']);
    expect(attr(join, 'timestamp')).toBe('2024-05-01T10:00:00Z');
    expect(attr(work, 'name')).toBe('work &lt;&amp;&gt;');
    expect([attr(work, 'tests'), attr(work, 'failures'), attr(work, 'skipped'), attr(work, 'time')]).toEqual(['4', '1', '1', '9.876']);
    // The second scenario starts after the first one's 1.5s.
    expect(attr(work, 'timestamp')).toBe('2024-05-01T10:00:01Z');
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(2);
  });

  it('writes one testcase per step; cleanup steps are prefixed', () => {
    const cases = (xml.match(/<testcase\b[^>]*>/g) ?? []).map((t) => [attr(t, 'classname'), attr(t, 'name'), attr(t, 'time')]);
    expect(cases).toEqual([
      ['join', 'apply', '1.000'],
      ['join', 'assert joined', '0.500'],
      ['work &lt;&amp;&gt;', 'create work', '0.200'],
      ['work &lt;&amp;&gt;', 'work applied', '9.000'],
      ['work &lt;&amp;&gt;', 'check deployment', '0.000'],
      ['work &lt;&amp;&gt;', 'cleanup: delete work', '0.676'],
    ]);
    expect(xml).toContain('<testcase classname="join" name="apply" time="1.000"/>');
  });

  it('escapes the failure: first line in the message attribute, the whole text as content', () => {
    const failures = xml.match(/<failure\b[^>]*>[\s\S]*?<\/failure>/g) ?? [];
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBe(
      '<failure message="expected status &quot;Applied&quot; &amp; &lt;true&gt;, got false">' +
        'expected status "Applied" &amp; &lt;true&gt;, got false\nat ManifestWork \'demo\' on hub</failure>',
    );
  });

  it('marks skipped steps and only those', () => {
    expect(xml.match(/<skipped\/>/g)).toHaveLength(1);
    expect(xml).toMatch(/<testcase classname="[^"]*" name="check deployment" time="0.000">\n\s*<skipped\/>\n\s*<\/testcase>/);
  });

  it('lists the file and the labels as properties, and the diagnostics path as system-out', () => {
    expect(xml).toContain('<property name="file" value="scenarios/join.yaml"/>');
    expect(xml).toContain('<property name="area" value="registration"/>');
    expect(xml).toContain('<property name="tier" value="smoke"/>');
    expect(xml.match(/<system-out>/g)).toHaveLength(1);
    expect(xml).toContain('<system-out>diagnostics: lab-diagnostics/2024-05-01-work</system-out>');
  });

  it('contains no ANSI codes, control characters or unescaped markup in text', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(xml).not.toContain('[31m');
    // Every & starts an entity or character reference.
    expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    // Tags balance: as many opening as closing elements of each kind.
    for (const tag of ['testsuites', 'testsuite', 'properties', 'failure', 'system-out']) {
      expect(xml.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length, tag).toBe(xml.match(new RegExp(`</${tag}>`, 'g'))?.length);
    }
  });

  it('reports a scenario without step results as one test case with its outcome', () => {
    const result = runResult();
    result.scenarios = [{ name: 'broken', file: 'b.yaml', labels: {}, outcome: 'failed', durationMs: 5, steps: [] }];
    const out = renderJUnit(result);
    expect(attr(openTag(out, 'testsuites'), 'failures')).toBe('1');
    expect(out).toContain('<testcase classname="broken" name="broken" time="0.005">');
    expect(out).toContain('<failure message="failed">failed</failure>');
  });
});

describe('XML escaping', () => {
  it('escapes markup in text and, additionally, quotes and line breaks in attributes', () => {
    expect(escapeXmlText(`a<b>&"c"'d'`)).toBe(`a&lt;b&gt;&amp;"c"'d'`);
    expect(escapeXmlAttr(`a<b>&"c"'d'\n\te`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;&#9;e');
  });

  it('drops ANSI sequences and characters XML 1.0 cannot carry, keeps other Unicode', () => {
    expect(escapeXmlText('\u001b[1;32mok\u001b[0m \u001b]0;title\u0007done')).toBe('ok done');
    expect(escapeXmlText('a\u0000b\u0008c\u000bd\ufffee\ud800f')).toBe('abcdef');
    expect(escapeXmlText('tab\there\r\nünïcødé ✓ 🚀')).toBe('tab\there\r\nünïcødé ✓ 🚀');
  });
});
