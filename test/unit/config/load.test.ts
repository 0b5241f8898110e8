import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { clusterNames, installClusters, joinedClusters } from '../../../src/config/schema.js';
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
    expect(spec.existing).toEqual({ forceInternalEndpointLookup: false, ocmRuntime: 'pods' });
  });

  it('loads a lab of existing clusters, named by kubeconfig and context, as written (the provider resolves the paths)', () => {
    const spec = loadConfig('fixtures/configs/existing.yaml');
    expect(spec.provider).toBe('existing');
    expect(spec.hub).toEqual({ name: 'hub', manage: false, kubeconfig: '~/.kube/hub.yaml', context: 'admin@hub' });
    expect(spec.managedClusters).toEqual([
      { name: 'cluster1', kubeconfig: '~/.kube/c1.yaml', context: 'kind-c1', labels: { env: 'dev' }, clusterSets: ['dev'], accept: 'auto' },
      { name: 'cluster2', kubeconfig: 'kubeconfigs/c2.yaml', labels: {}, clusterSets: [], accept: 'auto' },
    ]);
    expect(spec.existing).toEqual({ hubServerForAgents: 'https://hub-control-plane:6443', forceInternalEndpointLookup: true, ocmRuntime: 'pods' });
    // The types a provider reads.
    const hub: { kubeconfig?: string; context?: string } = spec.hub;
    const cluster: { kubeconfig?: string; context?: string } = spec.managedClusters[0]!;
    const existing: { hubServerForAgents?: string; forceInternalEndpointLookup: boolean } = spec.existing;
    expect([hub.context, cluster.context, existing.forceInternalEndpointLookup]).toEqual(['admin@hub', 'kind-c1', true]);
  });

  it.each([
    ['not-yaml.yaml', '', /invalid YAML/, 5],
    ['unknown-key.yaml', 'managedClusters[0].colour', /unknown key "colour"/, 4],
    ['unknown-provider.yaml', 'provider', /must be one of auto, local, kind, existing, got string "docker"/, 2],
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
    ['alias-bomb.yaml', '', /aliases would expand it many times over/, 3],
    ['extra-image-flag.yaml', 'kind.extraImages[0]', /"--name=other" is not an image reference: it starts with "-", which kind would read as an option/, 6],
    ['reserved-clusterset.yaml', 'managedClusters[0].clusterSets[1]', /"global" is reserved: OCM's own set of every cluster/, 5],
    ['reserved-label.yaml', 'managedClusters[0].labels', /"cluster\.open-cluster-management\.io\/clusterset" is reserved: the open-cluster-management\.io domain belongs to OCM/, 5],
    ['reserved-cluster-name.yaml', 'managedClusters[1].name', /"all" is reserved: the lab writes every cluster's context to kubeconfigs\/all\.yaml/, 4],
    ['too-many-kind-clusters.yaml', 'managedClusters', /lists 11 managed clusters, over the 10 a lab on the kind provider may have/, 3],
    ['existing-without-kubeconfig.yaml', 'managedClusters[0]', /^needs kubeconfig: with provider existing every cluster is named by its kubeconfig \(and optionally context\)$/, 5],
    ['kubeconfig-on-kind.yaml', 'managedClusters[0].kubeconfig', /^only with provider: existing \(the lab makes its own clusters on kind\)$/, 5],
    ['bad-hub-server-for-agents.yaml', 'existing.hubServerForAgents', /"http:\/\/hub-control-plane:6443" is not an https:\/\/ URL/, 6],
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
      '4:11 provider: must be one of auto, local, kind, existing, got string "nope"',
      '5:17 hub.extra: unknown key "extra" (allowed: name, manage, kubeconfig, context)',
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
    ['managedClusters: [{name: c1}]\nocm: {version: 2}\n', 'ocm.version', 2, 'number 2 is not available: this toolchain builds OCM v1.0.0 and v1.2.0'],
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

  it('refuses a file over 1 MiB before reading it, at line 0 (the whole file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-config-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, `managedClusters: [{name: c1}]\n${'# padding\n'.repeat(200_000)}`);
      const issues = configIssues(() => loadConfig(file), file);
      expect(issues).toEqual([expect.objectContaining({ line: 0, column: 0, message: expect.stringMatching(/^the file is 1\.9 MiB, over the 1\.0 MiB a config or scenario file may be/) })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a folder given as the config', () => {
    expect(() => loadConfig('fixtures/configs')).toThrow(/fixtures\/configs:0:0: is a folder, not a file/);
  });
});

describe('parseConfig refuses what would turn against OCM, kind or the lab', () => {
  const issuesOf = (text: string) => configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml').map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  const cluster = (fields: string) => `managedClusters:\n  - name: c1\n${fields}`;

  it.each([
    ['--name=other', 'starts with "-", which kind would read as an option'],
    ['-x', 'starts with "-"'],
    ['quay.io/Org/app:v1', 'is not a valid image reference: use [registry[:port]/]name[:tag][@digest] with a lowercase name'],
    ['my app', 'is not a valid image reference'],
    ['app:', 'is not a valid image reference'],
    ['app@sha256:abc', 'is not a valid image reference'],
    [`${'a'.repeat(600)}:v1`, 'is not a valid image reference'],
  ])('kind.extraImages and kind.nodeImage refuse %j', (image, reason) => {
    const text = `${cluster('')}kind:\n  nodeImage: ${JSON.stringify(image)}\n  extraImages:\n    - ${JSON.stringify(image)}\n`;
    expect(issuesOf(text)).toEqual([expect.stringMatching(/^4:14 kind\.nodeImage: /), expect.stringMatching(/^6:7 kind\.extraImages\[0\]: /)]);
    expect(issuesOf(text).every((issue) => issue.includes(reason))).toBe(true);
  });

  it('takes image references as docker does: registry, port, path, tag and digest', () => {
    const images = ['myapp:dev', 'kindest/node:v1.36.1', 'localhost:5000/team/app', 'Registry.Example.com/a_b/c-d.e:1.0_rc', `quay.io/org/app:v1@sha256:${'a'.repeat(64)}`, '[::1]:5000/app'];
    const spec = parseConfig(`${cluster('')}kind: {extraImages: ${JSON.stringify(images)}}\n`, join(process.cwd(), 'x.yaml'));
    expect(spec.kind.extraImages).toEqual(images);
  });

  it('reserves OCM\'s own cluster sets global and default', () => {
    expect(issuesOf(cluster('    clusterSets: [dev, global, default]\n'))).toEqual([
      '3:24 managedClusters[0].clusterSets[1]: "global" is reserved: OCM\'s own set of every cluster; the lab would replace its selector with its own',
      '3:32 managedClusters[0].clusterSets[2]: "default" is reserved: OCM puts every cluster without a set into it; the lab would replace its selector with its own',
    ]);
  });

  it.each([
    ['cluster.open-cluster-management.io/clusterset', 'the open-cluster-management.io domain belongs to OCM'],
    ['open-cluster-management.io/anything', 'the open-cluster-management.io domain belongs to OCM'],
    ['feature.open-cluster-management.io/addon-foo', 'the open-cluster-management.io domain belongs to OCM'],
    ['clusterset.lab.ocm.io/dev', 'the lab.ocm.io domain belongs to ocm-lab'],
    [`${'a'.repeat(254)}/x`, 'is not a valid label key'],
    [`example.com/${'b'.repeat(64)}`, 'is not a valid label key'],
    ['Example.com/x', 'is not a valid label key'],
    ['a/b/c', 'is not a valid label key'],
    ['/x', 'is not a valid label key'],
  ])('refuses the label key %s at the key', (key, reason) => {
    const [issue, ...more] = issuesOf(cluster(`    labels:\n      ${JSON.stringify(key)}: x\n`));
    expect(more).toEqual([]);
    expect(issue).toMatch(/^4:7 managedClusters\[0\]\.labels: /);
    expect(issue).toContain(reason);
  });

  it('takes label keys and values Kubernetes takes', () => {
    const labels = { [`${'a'.repeat(63)}.${'b'.repeat(63)}.example.com/${'c'.repeat(63)}`]: 'd'.repeat(63), 'x_y.z': '', 'k8s.io/Name-1': 'V_1.0' };
    const spec = parseConfig(`${cluster('')}    labels: ${JSON.stringify(labels)}\n`, join(process.cwd(), 'x.yaml'));
    expect(spec.managedClusters[0]!.labels).toEqual(labels);
    expect(issuesOf(cluster(`    labels: {env: ${'v'.repeat(64)}}\n`))).toEqual([expect.stringMatching(/^3:19 managedClusters\[0\]\.labels\.env: "v{64}" is not a valid label value$/)]);
  });

  it.each([
    ['Cluster1', 'is not a valid name: use a DNS-1123 label'],
    ['-c1', 'is not a valid name'],
    ['c1-', 'is not a valid name'],
    ['c.1', 'is not a valid name'],
    ['c1\n', 'is not a valid name'],
    ['c'.repeat(41), 'is not a valid name'],
    ['all', '"all" is reserved: the lab writes every cluster\'s context to kubeconfigs/all.yaml'],
    ['kube-system', 'is reserved: a managed cluster\'s name is also its namespace on the hub, and kube-system is Kubernetes\' own namespace'],
    ['default', 'is reserved: a managed cluster\'s name is also its namespace on the hub'],
    ['open-cluster-management-agent', 'and open-cluster-management-agent is OCM\'s own namespace'],
  ])('refuses the cluster name %j', (name, reason) => {
    const [issue, ...more] = issuesOf(`managedClusters:\n  - name: ${JSON.stringify(name)}\n`);
    expect(more).toEqual([]);
    expect(issue).toMatch(/^2:11 managedClusters\[0\]\.name: /);
    expect(issue).toContain(reason);
  });

  it('reserves "all" for the hub too (kubeconfigs/<hub>.yaml), but a hub may be named like a namespace', () => {
    expect(issuesOf('hub: {name: all}\nmanagedClusters: [{name: c1}]\n')).toEqual([expect.stringMatching(/^1:13 hub\.name: "all" is reserved/)]);
    expect(parseConfig('hub: {name: default}\nmanagedClusters: [{name: c1}]\n', join(process.cwd(), 'x.yaml')).hub.name).toBe('default');
  });

  it.each([
    ['Dev', 'not a valid cluster set name (DNS-1123 label)'],
    ['s'.repeat(64), 'not a valid cluster set name'],
    ['a_b', 'not a valid cluster set name'],
  ])('refuses the cluster set name %j', (name, reason) => {
    expect(issuesOf(cluster(`    clusterSets: [${JSON.stringify(name)}]\n`))).toEqual([expect.stringContaining(reason)]);
  });

  it.each([
    ['local', 100, 101],
    ['auto', 100, 101],
    ['kind', 10, 11],
  ])('on provider %s allows %d managed clusters, not %d', (provider, fits, tooMany) => {
    const clusters = (n: number) => Array.from({ length: n }, (_, i) => `  - name: c${i}`).join('\n');
    const text = (n: number) => `provider: ${provider}\nmanagedClusters:\n${clusters(n)}\n`;
    expect(parseConfig(text(fits), join(process.cwd(), 'x.yaml')).managedClusters).toHaveLength(fits);
    const bound = provider === 'kind' ? 10 : 100;
    expect(issuesOf(text(tooMany))).toEqual([
      `3:3 managedClusters: lists ${tooMany} managed clusters, over the ${bound} a lab on the ${provider === 'kind' ? 'kind' : 'local'} provider may have`,
    ]);
  });

  it('lists at most 50 problems of a file, then how many more there are', () => {
    const text = `managedClusters: [{name: c1}]\n${Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`;
    const started = Date.now();
    const issues = issuesOf(text);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(issues).toHaveLength(51);
    expect(issues[0]).toMatch(/^2:1 k0: unknown key "k0"/);
    expect(issues[50]).toBe('0:0 : and 4950 more problems, not listed: fix the ones above first');
  });

  it('reports a name too long only once, not again as part of a kind host name', () => {
    expect(issuesOf(`hub: {name: ${'h'.repeat(5000)}}\nmanagedClusters: [{name: c1}]\n`)).toEqual([expect.stringMatching(/^1:13 hub\.name: "h{80}"… \(5000 characters\) is not a valid name/)]);
  });

  it('quotes a long bad value cut short, so one value cannot make a message of megabytes', () => {
    const [issue] = issuesOf(`name: ${'N'.repeat(100_000)}\nprovider: local\nmanagedClusters: [{name: c1}]\n`);
    expect(issue).toBe(`1:7 name: "${'N'.repeat(80)}"… (100000 characters) is not a valid name: use a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 40 characters)`);
  });
});

describe('provider existing: clusters the user already has, named by kubeconfig', () => {
  const issuesOf = (text: string) => configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml').map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  const parse = (text: string) => parseConfig(text, join(process.cwd(), 'x.yaml'));
  const lab = (rest = '') => `provider: existing\nhub: {kubeconfig: hub.yaml}\nmanagedClusters:\n  - {name: c1, kubeconfig: c1.yaml}\n${rest}`;
  const needs = 'needs kubeconfig: with provider existing every cluster is named by its kubeconfig (and optionally context)';

  it('takes kubeconfig and context as written; existing settings default to no hub server and no internal lookup', () => {
    const spec = parse(lab());
    expect(spec.hub).toEqual({ name: 'hub', manage: false, kubeconfig: 'hub.yaml' });
    expect(spec.managedClusters[0]).toMatchObject({ name: 'c1', kubeconfig: 'c1.yaml' });
    expect(spec.managedClusters[0]!.context).toBeUndefined();
    expect(spec.existing).toEqual({ forceInternalEndpointLookup: false, ocmRuntime: 'pods' });
  });

  it('needs a kubeconfig for the hub and every managed cluster, each reported at its cluster', () => {
    expect(issuesOf('provider: existing\nhub: {name: h, context: x}\nmanagedClusters:\n  - {name: c1, kubeconfig: c1.yaml}\n  - {name: c2}\n')).toEqual([
      `2:6 hub: ${needs}`,
      `5:5 managedClusters[1]: ${needs}`,
    ]);
    // No hub section at all: the hub still needs one, reported where the hub would be (the file's start).
    expect(issuesOf('provider: existing\nmanagedClusters:\n  - {name: c1, kubeconfig: c1.yaml}\n')).toEqual([`1:1 hub: ${needs}`]);
  });

  it.each(['auto', 'local', 'kind'])('refuses kubeconfig, context and existing settings on provider %s, at each field', (provider) => {
    const text =
      `provider: ${provider}\nhub: {kubeconfig: hub.yaml}\nmanagedClusters:\n  - name: c1\n    context: kind-c1\n    kubeconfig: c1.yaml\n` +
      'existing:\n  forceInternalEndpointLookup: true\n';
    const notHere = `only with provider: existing (the lab makes its own clusters on ${provider})`;
    expect(issuesOf(text)).toEqual([
      `2:19 hub.kubeconfig: ${notHere}`,
      `5:14 managedClusters[0].context: ${notHere}`,
      `6:17 managedClusters[0].kubeconfig: ${notHere}`,
      `8:3 existing: ${notHere}`,
    ]);
    expect(issuesOf(`provider: ${provider}\nmanagedClusters: [{name: c1}]\nexisting: {hubServerForAgents: "https://hub:6443"}\n`)).toEqual([`3:11 existing: ${notHere}`]);
  });

  it('takes an existing section that sets nothing on any provider (the default when it is left out)', () => {
    expect(parse('provider: kind\nmanagedClusters: [{name: c1}]\nexisting: {}\n').existing).toEqual({ forceInternalEndpointLookup: false, ocmRuntime: 'pods' });
    expect(parse('managedClusters: [{name: c1}]\nexisting: {forceInternalEndpointLookup: false}\n').existing).toEqual({ forceInternalEndpointLookup: false, ocmRuntime: 'pods' });
  });

  it('leaves an unknown provider to its own message', () => {
    expect(issuesOf('provider: docker\nmanagedClusters: [{name: c1, kubeconfig: c1.yaml}]\n')).toEqual([
      '1:11 provider: must be one of auto, local, kind, existing, got string "docker"',
    ]);
  });

  it.each([
    ['kubeconfig', '""', 'must be a non-empty string, got string ""'],
    ['kubeconfig', '"a\\nb.yaml"', '"a\\nb.yaml" is not a valid kubeconfig path: it contains a line break'],
    ['kubeconfig', '"a\\0.yaml"', '"a\\u0000.yaml" is not a valid kubeconfig path: it contains a NUL character'],
    ['kubeconfig', '7', 'must be a non-empty string, got number 7'],
    ['context', '"kind-c1\\r"', '"kind-c1\\r" is not a valid context name: it contains a line break'],
    ['context', '[a]', 'must be a non-empty string, got a list'],
  ])('refuses %s: %s', (field, value, message) => {
    const text = `provider: existing\nhub: {kubeconfig: hub.yaml}\nmanagedClusters:\n  - name: c1\n    kubeconfig: c1.yaml\n    ${field}: ${value}\n`;
    const text2 = field === 'kubeconfig' ? text.replace('    kubeconfig: c1.yaml\n', '') : text;
    expect(issuesOf(text2)).toEqual([expect.stringMatching(new RegExp(`^\\d+:\\d+ managedClusters\\[0\\]\\.${field}: `))]);
    expect(issuesOf(text2)[0]!.endsWith(message)).toBe(true);
  });

  it('takes paths and context names as they are, ~/ and spaces included', () => {
    const spec = parse('provider: existing\nhub: {kubeconfig: "~/My Clusters/hub.yaml", context: "arn:aws:eks:eu-west-1:1:cluster/hub"}\nmanagedClusters: [{name: c1, kubeconfig: /etc/c1.yaml}]\n');
    expect(spec.hub).toMatchObject({ kubeconfig: '~/My Clusters/hub.yaml', context: 'arn:aws:eks:eu-west-1:1:cluster/hub' });
  });

  it.each(['https://hub-control-plane:6443', 'https://10.0.0.1:6443', 'https://[::1]:6443', 'https://hub.example.com', 'https://hub.example.com:443/k8s/clusters/c-1'])(
    'takes hubServerForAgents %s',
    (server) => {
      expect(parse(lab(`existing: {hubServerForAgents: "${server}"}\n`)).existing.hubServerForAgents).toBe(server);
    },
  );

  it.each([
    ['http://hub:6443', 'is not an https:// URL: the agents reach the hub API server over TLS'],
    ['hub:6443', 'is not an https:// URL'],
    ['HTTPS://hub:6443', 'is not an https:// URL'],
    ['https:hub:6443', 'is not an https:// URL'],
    ['hub-control-plane', 'is not a URL: write https://<host>[:<port>][/<path>], e.g. https://hub-control-plane:6443'],
    ['https://', 'is not a URL'],
    ['https://hub:99999', 'is not a URL'],
    [' https://hub:6443', 'contains whitespace or a control character'],
    ['https://hub:6443\\n', 'contains whitespace or a control character'],
    ['https://admin:secret@hub:6443', 'is not a server address: write https://<host>[:<port>][/<path>], e.g. https://hub-control-plane:6443, without user, password, query or fragment'],
    ['https://hub:6443/?x=1', 'is not a server address'],
    ['https://hub:6443/#x', 'is not a server address'],
    ['', 'must be a non-empty string, got string ""'],
  ])('refuses hubServerForAgents %j at its line', (server, message) => {
    const issues = issuesOf(lab(`existing:\n  hubServerForAgents: "${server}"\n`));
    expect(issues).toEqual([expect.stringMatching(/^6:23 existing\.hubServerForAgents: /)]);
    expect(issues[0]).toContain(message);
  });

  it('refuses a forceInternalEndpointLookup that is not true or false, and unknown existing settings', () => {
    expect(issuesOf(lab('existing:\n  forceInternalEndpointLookup: "yes"\n  hubServer: x\n'))).toEqual([
      '6:32 existing.forceInternalEndpointLookup: must be true or false, got string "yes"',
      '7:3 existing.hubServer: unknown key "hubServer" (allowed: hubServerForAgents, forceInternalEndpointLookup, ocmRuntime)',
    ]);
  });

  it('takes ocmRuntime host-processes (kwokctl clusters), refuses an unknown runtime, and the endpoint lookup with host processes', () => {
    expect(parse(lab('existing: {ocmRuntime: host-processes}\n')).existing.ocmRuntime).toBe('host-processes');
    expect(issuesOf(lab('existing: {ocmRuntime: docker}\n'))).toEqual(['5:24 existing.ocmRuntime: must be one of pods, host-processes, got string "docker"']);
    expect(issuesOf(lab('existing:\n  ocmRuntime: host-processes\n  forceInternalEndpointLookup: true\n'))).toEqual([
      '7:32 existing.forceInternalEndpointLookup: only with ocmRuntime: pods (agents that run on this host reach the hub at its kubeconfig server, or at hubServerForAgents)',
    ]);
    expect(issuesOf('provider: local\nmanagedClusters: [{name: c1}]\nexisting: {ocmRuntime: host-processes}\n')).toEqual([
      '3:11 existing: only with provider: existing (the lab makes its own clusters on local)',
    ]);
  });

  it('allows long names (no kind host name is made from them) and as many managed clusters as local, not more', () => {
    const long = parse(`name: a-rather-long-lab-name-for-kind\n${lab().replace('name: c1', 'name: a-rather-long-cluster-name')}`);
    expect(long.managedClusters[0]!.name).toBe('a-rather-long-cluster-name');
    const clusters = (n: number) => Array.from({ length: n }, (_, i) => `  - {name: c${i}, kubeconfig: c${i}.yaml}`).join('\n');
    const text = (n: number) => `provider: existing\nhub: {kubeconfig: hub.yaml}\nmanagedClusters:\n${clusters(n)}\n`;
    expect(parse(text(100)).managedClusters).toHaveLength(100);
    expect(issuesOf(text(101))).toEqual(['4:3 managedClusters: lists 101 managed clusters, over the 100 a lab on the local provider may have']);
  });
});

describe('hub.manage: the hub as a managed cluster of itself (local-cluster)', () => {
  const issuesOf = (text: string) => configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml').map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  const parse = (text: string) => parseConfig(text, join(process.cwd(), 'x.yaml'));

  it('is off by default; on, OCM joins local-cluster besides the config\'s clusters, and no provider makes it', () => {
    expect(parse('managedClusters:\n  - name: c1\n').hub.manage).toBe(false);
    const spec = { ...parse('hub: {manage: true}\nmanagedClusters:\n  - name: c1\n'), configPath: '/x.yaml' };
    expect(joinedClusters(spec).map((c) => `${c.name}:${c.accept}`)).toEqual(['c1:auto', 'local-cluster:auto']);
    expect(clusterNames(spec)).toEqual(['hub', 'c1']);
  });

  it('keeps the name local-cluster for the hub: a managed cluster or the hub named so is refused at its name', () => {
    expect(issuesOf('hub: {manage: true}\nmanagedClusters:\n  - name: local-cluster\n')).toEqual([
      '3:11 managedClusters[0].name: duplicate name "local-cluster" (already used by hub.manage (the hub as a managed cluster))',
    ]);
    expect(issuesOf('hub: {name: local-cluster, manage: true}\nmanagedClusters:\n  - name: c1\n')).toEqual([
      '1:13 hub.name: "local-cluster" is the hub\'s name as a managed cluster when hub.manage is on: name the hub otherwise',
    ]);
    expect(issuesOf('hub: {manage: yes}\nmanagedClusters:\n  - name: c1\n')).toEqual(['1:15 hub.manage: must be true or false, got string "yes"']);
  });
});

describe('install: components up installs on chosen clusters', () => {
  const issuesOf = (text: string) => configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml').map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  const parse = (text: string) => parseConfig(text, join(process.cwd(), 'x.yaml'));
  const lab = (install: string) => `managedClusters: [{name: c1}, {name: c2}]\ninstall:\n${install}`;

  it('defaults to the managed clusters and a five-minute wait; installClusters resolves hub, managed, all and lists', () => {
    const spec = parse(lab('  - {name: app, manifests: fixtures/installs/app}\n  - {name: tools, clusters: [c2, hub], manifests: fixtures/installs/kustomized}\n'));
    expect(spec.install[0]).toEqual({ name: 'app', clusters: 'managed', manifests: 'fixtures/installs/app', timeoutSeconds: 300 });
    expect(installClusters(spec, spec.install[0]!)).toEqual(['c1', 'c2']);
    expect(installClusters(spec, spec.install[1]!)).toEqual(['hub', 'c2']);
    expect(installClusters(spec, { clusters: 'hub' })).toEqual(['hub']);
    expect(installClusters(spec, { clusters: 'all' })).toEqual(['hub', 'c1', 'c2']);
    expect(spec.install).toHaveLength(2);
    expect(parse('managedClusters: [{name: c1}]\n').install).toEqual([]);
  });

  it('refuses a duplicate name, a cluster the lab does not have and a bad target, each at its line (a missing path is up\'s to report)', () => {
    expect(
      issuesOf(
        lab(
          '  - {name: app, manifests: fixtures/installs/app}\n' +
            '  - {name: app, clusters: [c3], manifests: fixtures/installs/app}\n' +
            '  - {name: x, clusters: everywhere, manifests: fixtures/installs/app}\n',
        ),
      ),
    ).toEqual([
      '4:12 install[1].name: duplicate install name "app"',
      '4:28 install[1].clusters[0]: "c3" is not a cluster of this lab (hub, c1, c2)',
      '5:25 install[2].clusters: must be one of hub, managed, all, got string "everywhere"',
    ]);
    expect(parse(lab('  - {name: app, manifests: no/such/dir}\n')).install[0]!.manifests).toBe('no/such/dir');
  });

  it('takes a Helm chart with its release namespace (default: default), values and values files', () => {
    const spec = parse(lab('  - name: web\n    helm: {chart: charts/web, namespace: web, values: {replicaCount: 2, image: {tag: "1"}}, valuesFiles: [prod.yaml]}\n  - {name: plain, helm: {chart: charts/web}}\n'));
    expect(spec.install[0]!.helm).toEqual({ chart: 'charts/web', namespace: 'web', values: { replicaCount: 2, image: { tag: '1' } }, valuesFiles: ['prod.yaml'] });
    expect(spec.install[1]!.helm).toEqual({ chart: 'charts/web', namespace: 'default', valuesFiles: [] });
  });

  it('needs exactly one of manifests and helm, and refuses values that are not a mapping, each at its line', () => {
    expect(
      issuesOf(
        lab(
          '  - {name: both, manifests: app, helm: {chart: web}}\n' +
            '  - {name: neither}\n' +
            '  - {name: web, helm: {chart: web, values: [1], namespace: Web}}\n',
        ),
      ),
    ).toEqual([
      '3:5 install[0]: needs exactly one of "manifests" (a file, folder or kustomization) or "helm" (a chart)',
      '4:5 install[1]: needs exactly one of "manifests" (a file, folder or kustomization) or "helm" (a chart)',
      '5:44 install[2].helm.values: must be a mapping of chart values, got a list',
      expect.stringMatching(/^5:\d+ install\[2\]\.helm\.namespace: "Web" is not a valid name/),
    ]);
  });
});

describe('ocm.version: the releases the toolchain builds', () => {
  const issuesOf = (text: string) => configIssues(() => parseConfig(text, join(process.cwd(), 'x.yaml')), 'x.yaml').map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  const parse = (text: string) => parseConfig(text, join(process.cwd(), 'x.yaml'));

  it('takes v1.0.0 beside the pinned v1.2.0, and checks feature gates against the chosen release', () => {
    expect(parse('ocm: {version: v1.0.0, featureGates: {ManifestWorkReplicaSet: true}}\nmanagedClusters: [{name: c1}]\n').ocm.version).toBe('v1.0.0');
    expect(parse('ocm: {featureGates: {CleanUpCompletedManifestWork: true}}\nmanagedClusters: [{name: c1}]\n').ocm.featureGates).toEqual({ CleanUpCompletedManifestWork: true });
    expect(issuesOf('ocm:\n  version: v1.0.0\n  featureGates: {CleanUpCompletedManifestWork: true}\nmanagedClusters: [{name: c1}]\n')).toEqual([
      '3:48 ocm.featureGates.CleanUpCompletedManifestWork: OCM v1.0.0 has no feature gate CleanUpCompletedManifestWork (it came in a later release)',
    ]);
    expect(issuesOf('ocm: {version: v1.1.0}\nmanagedClusters: [{name: c1}]\n')).toEqual([
      expect.stringMatching(/^1:16 ocm\.version: "v1\.1\.0" is not available: this toolchain builds OCM v1\.0\.0 and v1\.2\.0/),
    ]);
  });
});
