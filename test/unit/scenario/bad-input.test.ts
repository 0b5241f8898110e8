import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configIssues, expectIssueAt } from '../config-issues.js';
import { findScenarioFiles, loadScenarios } from '../../../src/scenario/load.js';

const targets = { hub: 'hub', managed: ['cluster1', 'cluster2'] };
const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-bad-input-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder, optionally holding a lab config (which makes it a project root for `file:` fields). */
function folder(withConfig = false): string {
  folders += 1;
  const dir = join(scratch, `case${folders}`);
  mkdirSync(dir, { recursive: true });
  if (withConfig) writeFileSync(join(dir, 'lab.config.yaml'), 'name: lab\n');
  return dir;
}

/** A scenario file with these spec lines (the first on line 5) and this name; steps start on line 5 when `spec` is `  steps:`. */
function scenario(dir: string, spec: string, name = 'bad'): string {
  const file = join(dir, `${name.replace(/[^a-z0-9-]/g, '_') || 'scenario'}.yaml`);
  writeFileSync(file, `apiVersion: lab.ocm.io/v1alpha1\nkind: Scenario\nmetadata: {name: ${JSON.stringify(name)}}\nspec:\n${spec}\n`);
  return file;
}

const issuesOf = (file: string) => configIssues(() => loadScenarios([file], targets), file);
const lines = (file: string) => issuesOf(file).map((i) => `${i.line} ${i.field}: ${i.message}`);

describe('durations (item 3)', () => {
  it('are at most 24h, wherever they are given', () => {
    const file = scenario(
      folder(),
      `  timeout: 25h
  steps:
  - {timeout: 600h, sleep: 1s}
  - sleep: 597h
  - assert: {cluster: hub, timeout: 1193h, object: {apiVersion: v1, kind: Namespace}}`,
    );
    expect(lines(file)).toEqual([
      '5 spec.timeout: must be at most 24h, got "25h"',
      '7 spec.steps[0].timeout: must be at most 24h, got "600h"',
      '8 spec.steps[1].sleep: must be at most 24h, got "597h"',
      '9 spec.steps[2].assert.timeout: must be at most 24h, got "1193h"',
    ]);
  });

  it('of a step never outlast the scenario, and a sleep never outlasts its step', () => {
    const file = scenario(
      folder(),
      `  timeout: 3m
  steps:
  - {timeout: 4m, script: {run: "true"}}
  - absent: {cluster: hub, timeout: 10m, object: {apiVersion: v1, kind: Namespace}}
  - {timeout: 10s, sleep: 30s}
  - sleep: 2m30s
  - {timeout: 2m, sleep: {duration: 2m}}
  cleanup:
  - {timeout: 1h, script: {run: "true"}}`,
    );
    expect(lines(file)).toEqual([
      '7 spec.steps[0].timeout: 4m is longer than the scenario\'s timeout (3m): a step cannot outlast its scenario',
      '8 spec.steps[1].absent.timeout: 10m is longer than the scenario\'s timeout (3m): a step cannot outlast its scenario',
      '9 spec.steps[2].sleep: sleeps 30s, longer than the step\'s timeout (10s): give the step a longer timeout',
      '10 spec.steps[3].sleep: sleeps 2m30s, longer than the step\'s timeout (2m by default): give the step a longer timeout',
      '13 spec.cleanup[0].timeout: 1h is longer than the scenario\'s timeout (3m): a step cannot outlast its scenario',
    ]);
  });

  it('accept a sleep as long as its step, and a step as long as its scenario', () => {
    const file = scenario(folder(), '  timeout: 4m\n  steps:\n  - {timeout: 4m, sleep: 3m}\n  - {sleep: 2m}');
    expect(loadScenarios([file], targets)[0]!.steps.map((s) => s.timeoutMs)).toEqual([240_000, undefined]);
  });
});

describe('names (item 4)', () => {
  it.each([
    ['x/../../../escape', /must be lowercase letters, digits and "-"/],
    ['..', /must be lowercase letters, digits and "-"/],
    ['bad\u001b[31mred', /must be lowercase letters, digits and "-"/],
    ['Upper', /must be lowercase letters, digits and "-"/],
    ['a'.repeat(64), /at most 63 characters/],
  ])('a scenario named %j is refused at metadata.name', (name, message) => {
    const file = scenario(folder(), '  steps:\n  - sleep: 1s', name);
    expectIssueAt(issuesOf(file), { file, field: 'metadata.name', message, line: 3 });
  });

  it('a step name with a control character or of unbounded length is refused at its name', () => {
    const file = scenario(folder(), `  steps:\n  - {name: "ring\\u0007bell", sleep: 1s}\n  - {name: "new\\nline", sleep: 1s}\n  - {name: ${'x'.repeat(201)}, sleep: 1s}`);
    expect(lines(file)).toEqual([
      '6 spec.steps[0].name: must not hold control characters (line breaks, escape sequences)',
      '7 spec.steps[1].name: must not hold control characters (line breaks, escape sequences)',
      '8 spec.steps[2].name: must be at most 200 characters, got 201',
    ]);
  });

  it('names of the objects a step makes (ManifestWork, ManagedClusterSet, namespaces to bind) are Kubernetes names', () => {
    const configMap = '[{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]';
    const file = scenario(
      folder(),
      `  steps:\n  - work: {name: "../../x", to: cluster1, objects: ${configMap}}\n  - clusterset: {name: Dev_Set, bind: ["a/b"]}\n  - work: {name: web.v1, to: cluster1, objects: ${configMap}}`,
    );
    expect(lines(file)).toEqual([
      '6 spec.steps[0].work.name: must be a DNS-1123 subdomain (lowercase letters, digits, "-" and "."; at most 253), got "../../x"',
      '7 spec.steps[1].clusterset.name: must be a DNS-1123 label (lowercase letters, digits, "-"; at most 63), got "Dev_Set"',
      '7 spec.steps[1].clusterset.bind[0]: must be a DNS-1123 label (lowercase letters, digits, "-"; at most 63), got "a/b"',
    ]);
  });
});

describe('file: fields (item 5)', () => {
  it('refuses a FIFO at once, without opening it', () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const file = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: pipe.yaml}');
    expectIssueAt(issuesOf(file), { file, field: 'spec.steps[0].apply.file', message: /pipe\.yaml is not a regular file/, line: 6 });
  });

  it('refuses a folder, at the field', () => {
    const dir = folder();
    mkdirSync(join(dir, 'sub.yaml'));
    const file = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: sub.yaml}');
    expectIssueAt(issuesOf(file), { file, field: 'spec.steps[0].apply.file', message: /sub\.yaml is a folder, not a file/, line: 6 });
  });

  it('refuses a file over 1 MiB, saying the limit', () => {
    const dir = folder();
    writeFileSync(join(dir, 'big.yaml'), '');
    truncateSync(join(dir, 'big.yaml'), 2 * 1024 * 1024);
    const file = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: big.yaml}');
    expectIssueAt(issuesOf(file), { file, field: 'spec.steps[0].apply.file', message: /big\.yaml is 2097152 bytes: at most 1 MiB/, line: 6 });
  });

  it('refuses a file outside the project (the folder of the lab config above the scenario), or a hidden one in it', () => {
    const project = folder(true);
    mkdirSync(join(project, 'scenarios'));
    mkdirSync(join(project, 'manifests'));
    mkdirSync(join(project, '.lab', 'x'), { recursive: true });
    writeFileSync(join(project, 'manifests', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    writeFileSync(join(project, '.lab', 'x', 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    writeFileSync(join(scratch, 'outside.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    symlinkSync(join(scratch, 'outside.yaml'), join(project, 'manifests', 'link.yaml'));
    const file = scenario(
      join(project, 'scenarios'),
      `  steps:
  - apply: {cluster: hub, file: ../manifests/cm.yaml}
  - apply: {cluster: hub, file: ../../outside.yaml}
  - apply: {cluster: hub, file: /etc/hostname}
  - apply: {cluster: hub, file: ../.lab/x/kubeconfig}
  - apply: {cluster: hub, file: ../manifests/link.yaml}`,
    );
    expect(lines(file)).toEqual([
      expect.stringMatching(/^7 spec\.steps\[1\]\.apply\.file: .*outside\.yaml lies outside .*case\d+, the folder of the lab config above the scenario: a file: field reads only files there$/),
      expect.stringMatching(/^8 spec\.steps\[2\]\.apply\.file: \/etc\/hostname lies outside /),
      expect.stringMatching(/^9 spec\.steps\[3\]\.apply\.file: .*kubeconfig is in a hidden folder or file \(\.lab\)/),
      expect.stringMatching(/^10 spec\.steps\[4\]\.apply\.file: .*link\.yaml lies outside /),
    ]);
  });

  it('without a lab config above, keeps to the scenario\'s own folder', () => {
    const dir = folder();
    mkdirSync(join(dir, 'inner'));
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    writeFileSync(join(dir, 'inner', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    const inner = scenario(join(dir, 'inner'), '  steps:\n  - apply: {cluster: hub, file: ../cm.yaml}');
    expectIssueAt(issuesOf(inner), { file: inner, field: 'spec.steps[0].apply.file', message: /cm\.yaml lies outside .*inner, the scenario's folder/, line: 6 });
    const top = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: inner/cm.yaml}');
    expect(loadScenarios([top], targets)[0]!.steps[0]).toMatchObject({ objects: [{ kind: 'ConfigMap' }] });
  });

  it('gives a YAML alias bomb exit 2 at the field, naming the file', () => {
    const dir = folder();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), `apiVersion: v1\nkind: ConfigMap\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    const file = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: bomb.yaml}');
    expectIssueAt(issuesOf(file), { file, field: 'spec.steps[0].apply.file', message: /bomb\.yaml:\d+:\d+: .*aliases/, line: 6 });
  });

  it('refuses a file with no objects, at the field', () => {
    const dir = folder();
    writeFileSync(join(dir, 'empty.yaml'), '# nothing\n---\n');
    const file = scenario(dir, '  steps:\n  - apply: {cluster: hub, file: empty.yaml}');
    expectIssueAt(issuesOf(file), { file, field: 'spec.steps[0].apply.file', message: /empty\.yaml holds no Kubernetes objects/, line: 6 });
  });
});

describe('objects (item 6)', () => {
  it('an apply, delete or work with an empty list of objects is refused', () => {
    const file = scenario(
      folder(),
      `  steps:
  - apply: {cluster: hub, objects: [], expectError: denied}
  - delete: {cluster: hub, objects: []}
  - work: {name: w, to: cluster1, objects: []}`,
    );
    expect(lines(file)).toEqual([
      '6 spec.steps[0].apply.objects: must list at least one object',
      '7 spec.steps[1].delete.objects: must list at least one object',
      '8 spec.steps[2].work.objects: must list at least one object',
    ]);
  });
});

describe('scenario files (item 7)', () => {
  it('a FIFO or a device given as a scenario is refused with exit 2, without reading it', () => {
    const dir = folder();
    const pipe = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [pipe]);
    expect(configIssues(() => findScenarioFiles([pipe]), 'a FIFO')[0]!.message).toMatch(/is not a regular file/);
    expect(configIssues(() => findScenarioFiles(['/dev/zero']), '/dev/zero')[0]!.message).toMatch(/is not a regular file/);
    expect(configIssues(() => findScenarioFiles([dir]), 'a folder with a FIFO')[0]).toMatchObject({ file: expect.stringMatching(/pipe\.yaml$/), message: expect.stringMatching(/is not a regular file/) });
  });

  it('a huge scenario file is refused with exit 2, saying the limit', () => {
    const dir = folder();
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 2 * 1024 * 1024);
    expect(configIssues(() => loadScenarios([big], targets), 'a huge file')[0]!.message).toMatch(/is 2097152 bytes: at most 1 MiB/);
  });
});

describe('file: fields with the lab config\'s folder given', () => {
  it('read inside that folder, whatever the config file is called', () => {
    const project = folder();
    mkdirSync(join(project, 'scenarios'));
    writeFileSync(join(project, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    const file = scenario(join(project, 'scenarios'), '  steps:\n  - apply: {cluster: hub, file: ../cm.yaml}');
    expect(configIssues(() => loadScenarios([file], targets), file)[0]!.message).toMatch(/lies outside .*scenarios, the scenario's folder/);
    expect(loadScenarios([file], targets, project)[0]!.steps[0]).toMatchObject({ objects: [{ kind: 'ConfigMap' }] });
  });
});
