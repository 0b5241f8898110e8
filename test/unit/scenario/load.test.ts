import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { configIssues, expectIssueAt } from '../config-issues.js';
import { findScenarioFiles, loadScenarios } from '../../../src/scenario/load.js';
import { parseDuration } from '../../../src/scenario/duration.js';

const targets = { hub: 'hub', managed: ['cluster1', 'cluster2'] };
const bad = (name: string) => join('fixtures/scenarios/bad', name);

const issuesOf = (file: string, files = [file]) => configIssues(() => loadScenarios(files, targets), file);

const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-scenarios-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A scenario file in a scratch folder, with these steps (from line 6). */
function scenarioFile(name: string, steps: string, scenarioName = name.replace('.yaml', '')): string {
  const file = join(scratch, name);
  writeFileSync(file, `apiVersion: lab.ocm.io/v1alpha1\nkind: Scenario\nmetadata: {name: ${scenarioName}}\nspec:\n  steps:\n${steps}\n`);
  return file;
}

describe('loadScenarios', () => {
  it('loads every built-in scenario (and the demo tour) against the default lab', () => {
    const scenarios = loadScenarios([...findScenarioFiles(['scenarios']), 'scenarios/demo/tour.yaml'], targets);
    expect(scenarios.map((s) => s.name).sort()).toEqual([
      'addon-template',
      'claims-taints',
      'clusterset-binding',
      'default-clusterset',
      'demo-tour',
      'fault-lose-cluster',
      'join-accept',
      'manifestworkreplicaset',
      'webhook-rejects',
      'work-delete',
      'work-placement',
      'work-single-cluster',
      'work-status-feedback',
    ]);
  });

  it('parses the four core operations with their objects, files resolved against the scenario', () => {
    const [scenario] = loadScenarios(['fixtures/scenarios/good/core-ops.yaml'], targets);
    expect(scenario).toMatchObject({ name: 'core-ops', labels: { area: 'core' }, timeoutMs: 120_000 });
    expect(scenario!.steps.map((s) => s.op)).toEqual(['apply', 'apply', 'assert', 'assert', 'assert', 'absent', 'delete', 'absent']);
    expect(scenario!.steps[0]).toMatchObject({ op: 'apply', cluster: 'cluster1', objects: [{ kind: 'Namespace' }, { kind: 'ConfigMap' }] });
    expect(scenario!.steps[3]).toMatchObject({ op: 'assert', timeoutMs: 20_000, source: { line: 23 } });
    expect(scenario!.cleanup).toHaveLength(1);
    const [work] = loadScenarios(['scenarios/work-single-cluster.yaml'], targets);
    expect(work!.steps[0]).toMatchObject({ op: 'work', name: 'send web to cluster1', workName: 'web', to: 'cluster1', manifests: [{ kind: 'Deployment', metadata: { name: 'web' } }] });
  });

  it.each([
    ['unknown-op.yaml', 'spec.steps[0].teleport', /unknown key "teleport"/, 7],
    ['unknown-key.yaml', 'spec.steps[0].assert.objekt', /unknown key "objekt" \(allowed: cluster, object, timeout\)/, 8],
    ['unknown-key.yaml', 'spec.steps[0].assert.object', /^is required$/, 7],
    ['two-ops.yaml', 'spec.steps[0]', /has several operations \(apply, sleep\): one per step/, 6],
    ['bad-duration.yaml', 'spec.timeout', /must be a duration like 30s/, 5],
    ['missing-file.yaml', 'spec.steps[0].apply.file', /no such file: .*nowhere\.yaml/, 6],
    ['no-kind.yaml', 'spec.steps[0].assert.object', /needs apiVersion and kind/, 6],
    ['unknown-cluster.yaml', 'spec.steps[0].assert.cluster', /"cluster9" is not a cluster of this lab \(hub, cluster1, cluster2\)/, 6],
    ['wrong-kind.yaml', 'kind', /must be "Scenario", got "Test"/, 2],
    ['work-two-targets.yaml', 'spec.steps[0].work', /exactly one of "to" .* or "placement"/, 7],
    ['path-name.yaml', 'metadata.name', /must be lowercase letters, digits and "-".*got "x\/\.\.\/\.\.\/\.\.\/escape"/, 4],
    ['no-objects.yaml', 'spec.steps[0].apply.objects', /must list at least one object/, 7],
  ])('%s names the file, line and field', (file, field, message, line) => {
    expectIssueAt(issuesOf(bad(file)), { file: bad(file), field, message, line });
  });

  it('reads every operation into its step: defaults, both sleep forms, an operation\'s own timeout, null labels', () => {
    const file = scenarioFile(
      'ops.yaml',
      `  - {name: wait, timeout: 9s, sleep: 5s}
  - sleep: {duration: 1m30s}
  - {timeout: 9s, absent: {cluster: cluster2, timeout: 2s, object: {apiVersion: v1, kind: Namespace}}}
  - label: {cluster: cluster1, labels: {tier: null, rank: 1}}
  - fault: {cluster: cluster2, start: controlPlane}
  - script: {run: "true"}
  - clusterset: {name: team, clusters: [cluster1]}
  - work: {name: w, placement: ns/p, file: objects.yaml}`,
    );
    writeFileSync(join(dirname(file), 'objects.yaml'), 'apiVersion: v1\nkind: ConfigMap\n---\n---\napiVersion: v1\nkind: Secret\n');
    const [scenario] = loadScenarios([file], targets);
    expect(scenario).toMatchObject({ timeoutMs: 5 * 60_000, labels: {}, cleanup: [] });
    expect(scenario!.steps).toEqual([
      { op: 'sleep', name: 'wait', timeoutMs: 9000, durationMs: 5000, source: { file, line: 6 } },
      { op: 'sleep', name: 'sleep #2', durationMs: 90_000, source: { file, line: 7 } },
      expect.objectContaining({ op: 'absent', name: 'absent #3', timeoutMs: 2000, cluster: 'cluster2' }),
      expect.objectContaining({ op: 'label', cluster: 'cluster1', labels: { tier: null, rank: '1' } }),
      expect.objectContaining({ op: 'fault', cluster: 'cluster2', action: 'start', target: 'controlPlane' }),
      expect.objectContaining({ op: 'script', run: 'true', expectExitCode: 0, expectOutput: undefined }),
      expect.objectContaining({ op: 'clusterset', setName: 'team', clusters: ['cluster1'], bind: [] }),
      expect.objectContaining({ op: 'work', workName: 'w', placement: 'ns/p', manifests: [{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'Secret' }] }),
    ]);
  });

  it('reports every problem of a file at once, checks across fields included, in file order', () => {
    const file = scenarioFile(
      'many.yaml',
      `  - apply: {cluster: cluster7, object: {kind: X}}
    sleep: soon
  - fault: {cluster: cluster1}
  - work: {name: w, object: {apiVersion: v1, kind: ConfigMap}, extra: 1}`,
    );
    expect(configIssues(() => loadScenarios([file], targets), file).map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      '6 spec.steps[0]: has several operations (apply, sleep): one per step',
      '6 spec.steps[0].apply.cluster: "cluster7" is not a cluster of this lab (hub, cluster1, cluster2)',
      '6 spec.steps[0].apply.object: needs apiVersion and kind',
      '7 spec.steps[0].sleep: must be a duration like 30s, 2m or 1m30s, got "soon"',
      '8 spec.steps[1].fault: needs exactly one of "stop" or "start" (controlPlane or agent)',
      '9 spec.steps[2].work: needs exactly one of "to" (a managed cluster) or "placement" (namespace/name)',
      '9 spec.steps[2].work.extra: unknown key "extra" (allowed: name, to, placement, file, object, objects)',
    ]);
  });

  it('accepts any cluster name without targets', () => {
    const file = scenarioFile('any-cluster.yaml', '  - accept: {cluster: cluster9}');
    expect(loadScenarios([file])[0]!.steps[0]).toMatchObject({ op: 'accept', cluster: 'cluster9' });
  });

  it('reports a scenario name used twice at the second one', () => {
    const first = scenarioFile('first.yaml', '  - sleep: 1s', 'twin');
    const second = scenarioFile('second.yaml', '  - sleep: 1s', 'twin');
    expectIssueAt(issuesOf(second, [first, second]), { file: second, field: 'metadata.name', message: /duplicate scenario name "twin" \(also in .*first\.yaml\)/, line: 3 });
  });

  it('reports a file whose documents are not Kubernetes objects, at the file field', () => {
    const file = scenarioFile('file-objects.yaml', '  - apply: {cluster: hub, file: list.yaml}');
    writeFileSync(join(dirname(file), 'list.yaml'), '- 1\n---\nkind: X\n');
    const issues = issuesOf(file);
    expect(issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      '6 spec.steps[0].apply.file: must be a Kubernetes object (a mapping)',
      '6 spec.steps[0].apply.file: needs apiVersion and kind',
    ]);
  });

  it('reports problems from every file at once', () => {
    try {
      loadScenarios([bad('unknown-op.yaml'), bad('bad-duration.yaml')], targets);
      expect.unreachable();
    } catch (error) {
      expect(new Set((error as ConfigError).issues.map((i) => i.file))).toEqual(new Set([bad('unknown-op.yaml'), bad('bad-duration.yaml')]));
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['3m', 180_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['soon', '10', '5 s', '1x', ''])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
