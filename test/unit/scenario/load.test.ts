import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { configIssues, expectIssueAt } from '../config-issues.js';
import { findScenarioFiles, loadScenarios } from '../../../src/scenario/load.js';
import { parseDuration } from '../../../src/scenario/duration.js';

const targets = { hub: 'hub', managed: ['cluster1', 'cluster2'] };
const bad = (name: string) => join('fixtures/scenarios/bad', name);

const issuesOf = (file: string) => configIssues(() => loadScenarios([file], targets), file);

describe('loadScenarios', () => {
  it('loads every built-in scenario (and the demo tour) against the default lab', () => {
    const scenarios = loadScenarios([...findScenarioFiles(['scenarios']), 'scenarios/demo/tour.yaml'], targets);
    expect(scenarios.map((s) => s.name).sort()).toEqual([
      'clusterset-binding',
      'demo-tour',
      'fault-lose-cluster',
      'join-accept',
      'work-delete',
      'work-placement',
      'work-single-cluster',
    ]);
  });

  it('parses the four core operations with their objects, files resolved against the scenario', () => {
    const [scenario] = loadScenarios(['fixtures/scenarios/good/core-ops.yaml'], targets);
    expect(scenario).toMatchObject({ name: 'core-ops', labels: { area: 'core' }, timeoutMs: 120_000 });
    expect(scenario!.steps.map((s) => s.op)).toEqual(['apply', 'apply', 'assert', 'assert', 'assert', 'absent', 'delete', 'absent']);
    expect(scenario!.steps[0]).toMatchObject({ op: 'apply', cluster: 'cluster1', objects: [{ kind: 'Namespace' }, { kind: 'ConfigMap' }] });
    expect(scenario!.steps[3]).toMatchObject({ op: 'assert', timeoutMs: 20_000, source: { line: 22 } });
    expect(scenario!.cleanup).toHaveLength(1);
    const [work] = loadScenarios(['scenarios/work-single-cluster.yaml'], targets);
    expect(work!.steps[0]).toMatchObject({ op: 'work', name: 'send nginx to cluster1', workName: 'nginx', to: 'cluster1', manifests: [{ kind: 'Deployment', metadata: { name: 'nginx' } }] });
  });

  it.each([
    ['unknown-op.yaml', 'spec.steps[0].teleport', /unknown key "teleport"/, 7],
    ['unknown-key.yaml', 'spec.steps[0].assert.objekt', /unknown key "objekt" \(allowed: cluster, object, timeout\)/, 8],
    ['two-ops.yaml', 'spec.steps[0]', /has several operations \(apply, sleep\): one per step/, 6],
    ['bad-duration.yaml', 'spec.timeout', /must be a duration like 30s/, 5],
    ['missing-file.yaml', 'spec.steps[0].apply.file', /no such file: .*nowhere\.yaml/, 6],
    ['no-kind.yaml', 'spec.steps[0].assert.object', /needs apiVersion and kind/, 6],
    ['unknown-cluster.yaml', 'spec.steps[0].assert.cluster', /"cluster9" is not a cluster of this lab \(hub, cluster1, cluster2\)/, 6],
    ['wrong-kind.yaml', 'kind', /must be "Scenario", got "Test"/, 2],
    ['work-two-targets.yaml', 'spec.steps[0].work', /exactly one of "to" .* or "placement"/, 7],
  ])('%s names the file, line and field', (file, field, message, line) => {
    expectIssueAt(issuesOf(bad(file)), { file: bad(file), field, message, line });
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
