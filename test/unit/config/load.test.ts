import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { loadVersions } from '../../../src/toolchain/versions.js';
import { configIssues, expectIssueAt } from '../config-issues.js';

const bad = (name: string) => join('fixtures/configs/bad', name);

const issuesOf = (file: string) => configIssues(() => loadConfig(file), file);

describe('loadConfig', () => {
  it('loads the default lab with hub + cluster1 + cluster2', () => {
    const spec = loadConfig('lab.config.yaml');
    expect(spec.hub.name).toBe('hub');
    expect(spec.managedClusters.map((c) => c.name)).toEqual(['cluster1', 'cluster2']);
    expect(spec.managedClusters[0]).toMatchObject({ labels: { env: 'dev' }, clusterSets: ['dev'] });
  });

  it('applies defaults to a minimal file', () => {
    const spec = loadConfig('fixtures/configs/minimal.yaml');
    expect(spec).toMatchObject({ name: 'ocm-lab', provider: 'auto', hub: { name: 'hub' }, local: { fakeNodes: 1 } });
    expect(spec.managedClusters).toEqual([{ name: 'c1', labels: {}, clusterSets: [], accept: 'auto' }]);
  });

  it.each([
    ['not-yaml.yaml', '', /invalid YAML/, 5],
    ['unknown-key.yaml', 'managedClusters[0].colour', /unknown key "colour"/, 4],
    ['unknown-provider.yaml', 'provider', /must be one of auto, local, kind, got string "docker"/, 2],
    ['wrong-type.yaml', 'local.fakeNodes', /must be an integer/, 3],
    ['duplicate-name.yaml', 'managedClusters[2].name', /duplicate name "c1" \(already used by managedClusters\[0\]\.name\)/, 5],
    ['duplicate-hub-name.yaml', 'managedClusters[0].name', /duplicate name "hub" \(already used by hub\.name\)/, 5],
    ['bad-name.yaml', 'managedClusters[0].name', /"Cluster_1" is not a valid name: use a DNS-1123 label/, 3],
    ['no-clusters.yaml', 'managedClusters', /at least one managed cluster/, 2],
    ['bad-label.yaml', 'managedClusters[0].labels.env', /must be a string, got a list/, 5],
    ['unavailable-ocm-version.yaml', 'ocm.version', /"v0.1.0" is not available/, 3],
    ['bad-clusterset.yaml', 'managedClusters[0].clusterSets[0]', /not a valid cluster set name/, 4],
    ['not-a-mapping.yaml', '', /single YAML mapping/, 1],
    ['bad-accept.yaml', 'managedClusters[0].accept', /must be one of auto, manual/, 4],
    ['unknown-feature-gate.yaml', 'ocm.featureGates', /unknown hub feature gate "WarpDrive" \(OCM v1\.2\.0 knows: .*ManifestWorkReplicaSet/, 5],
    ['bad-feature-gate-value.yaml', 'ocm.agentFeatureGates.ClusterClaim', /must be true or false, got string "yes"/, 4],
  ])('%s names the file, line and field', (file, field, message, line) => {
    expectIssueAt(issuesOf(bad(file)), { file: bad(file), field, message, line });
  });

  it('reports every problem at once, formatted as file:line:column: field: message', () => {
    const text = 'name: Bad\nprovider: nope\nmanagedClusters:\n  - name: c1\n    extra: 1\n';
    const error = (() => {
      try {
        parseConfig(text, join(process.cwd(), 'x.yaml'));
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.issues.map((i) => i.field)).toEqual(['name', 'provider', 'managedClusters[0].extra']);
    expect(error?.message.split('\n')[0]).toMatch(/^x\.yaml:1:7: name: "Bad" is not a valid name/);
  });

  it('runs the checks across fields even when other fields fail, and lists the problems in file order', () => {
    const text = 'managedClusters:\n  - name: c1\n  - name: c1\nprovider: nope\nhub: {name: c1, extra: 1}\n';
    const issues = configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`)).toEqual([
      '2:11 managedClusters[0].name: duplicate name "c1" (already used by hub.name)',
      '3:11 managedClusters[1].name: duplicate name "c1" (already used by hub.name)',
      '4:11 provider: must be one of auto, local, kind, got string "nope"',
      '5:17 hub.extra: unknown key "extra" (allowed: name)',
    ]);
  });

  it('checks label keys (at the key) and values, and reads numbers and booleans as label values', () => {
    const text = 'managedClusters:\n  - name: c1\n    labels:\n      tier: 1\n      gpu: true\n      "bad key!": x\n      zone: "-east"\n';
    const issues = configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml');
    expect(issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      '6 managedClusters[0].labels: "bad key!" is not a valid label key',
      '7 managedClusters[0].labels.zone: "-east" is not a valid label value',
    ]);
    const spec = parseConfig('managedClusters:\n  - name: c1\n    labels: {tier: 1, gpu: true}\n    clusterSets: [a, b, a]\n', join(process.cwd(), 'x.yaml'));
    expect(spec.managedClusters[0]).toMatchObject({ labels: { tier: '1', gpu: 'true' }, clusterSets: ['a', 'b'] });
  });

  it('takes the OCM version and kind node image from the pinned toolchain by default', () => {
    const pins = loadVersions();
    expect(loadConfig('fixtures/configs/minimal.yaml')).toMatchObject({ ocm: { version: pins.ocm }, kind: { nodeImage: pins.kindNodeImage } });
  });

  it.each([
    ['name: lab\n', 'managedClusters', 1, 'is required: list at least one managed cluster'],
    ['managedClusters:\n  - labels: {}\n', 'managedClusters[0].name', 2, 'is required'],
    ['managedClusters: [{name: c1}]\n---\nname: two\n', '', 3, 'the config must be a single YAML mapping'],
    ['managedClusters: [{name: c1}]\nlocal: {fakeNodes: 51}\n', 'local.fakeNodes', 2, 'must be an integer from 1 to 50, got number 51'],
    ['managedClusters: [{name: c1}]\nocm: {version: 2}\n', 'ocm.version', 2, 'number 2 is not available: this toolchain pins OCM'],
    [
      `name: a-rather-long-lab-name-for-kind\nmanagedClusters:\n  - name: a-rather-long-cluster-name\n`,
      'managedClusters[0].name',
      3,
      'on kind this cluster\'s node would be "a-rather-long-lab-name-for-kind-a-rather-long-cluster-name-control-plane", 72 characters, over the 63',
    ],
    ['managedClusters: [{name: c1}]\nkind: {images: registry}\n', 'kind.images', 2, 'must be one of auto, pull, local'],
  ])('%j: %s at line %d', (text, field, line, message) => {
    const issues = configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml');
    expect(issues).toEqual([expect.objectContaining({ file: 'x.yaml', field, line, message: expect.stringContaining(message) })]);
  });

  it('allows long names on the local provider, where no host name is made from them', () => {
    const text = 'name: a-rather-long-lab-name-for-kind\nprovider: local\nmanagedClusters:\n  - name: a-rather-long-cluster-name\n';
    expect(parseConfig(text, join(process.cwd(), 'x.yaml')).managedClusters[0]!.name).toBe('a-rather-long-cluster-name');
  });

  it('kind images: auto by default, pull or local by choice, extra images listed', () => {
    expect(parseConfig('managedClusters: [{name: c1}]\n', join(process.cwd(), 'x.yaml')).kind).toMatchObject({ images: 'auto', extraImages: [] });
    const spec = parseConfig('managedClusters: [{name: c1}]\nkind: {images: local, extraImages: [myapp:dev]}\n', join(process.cwd(), 'x.yaml'));
    expect(spec.kind).toMatchObject({ images: 'local', extraImages: ['myapp:dev'] });
  });

  it('names a missing file', () => {
    expect(() => loadConfig('does-not-exist.yaml')).toThrow(/does-not-exist\.yaml:0:0: file not found/);
  });
});
