import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOCUS, mergePasses, selects, specResults, specTable, suitePasses, type SpecResult } from '../../../ops/ocm-e2e/run.js';
import { inClusterAdminKubeconfig } from '../../../ops/ocm-e2e/spoke.js';

// Our own report logic only: Ginkgo's JSON report shape, as OCM's e2e binary writes it.
const report = (specs: { text: string; line: number; state: string; skipMessage?: string; attempts?: number; earlier?: string }[]) => [
  {
    SpecReports: specs.map((s) => ({
      ContainerHierarchyTexts: ['Delete hosted klusterlet CR'],
      LeafNodeText: s.text,
      LeafNodeType: 'It',
      LeafNodeLabels: null,
      LeafNodeLocation: { FileName: '/go/ocm/test/e2e/klusterlet_hosted_test.go', LineNumber: s.line },
      State: s.state,
      RunTime: 12_345_000_000,
      NumAttempts: s.attempts ?? 1,
      AdditionalFailures: s.earlier ? [{ Failure: { Message: s.earlier } }] : null,
      ...(s.skipMessage ? { Failure: { Message: s.skipMessage, Location: { FileName: 'x', LineNumber: 1 } } } : {}),
    })),
  },
];

describe('OCM e2e report', () => {
  it('names a spec by its containers and location, and tells a filtered spec from one that skipped itself', () => {
    const rows = specResults(
      report([
        { text: 'in Hosted mode without external managed kubeconfig', line: 34, state: 'skipped', skipMessage: 'Klusterlet deploy is Default' },
        { text: 'when the managed cluster was destroyed', line: 71, state: 'skipped' },
      ]),
    );
    expect(rows).toEqual([
      expect.objectContaining({ spec: 'Delete hosted klusterlet CR in Hosted mode without external managed kubeconfig', location: 'test/e2e/klusterlet_hosted_test.go:34', state: 'skipped', seconds: 12.3 }),
      expect.objectContaining({ location: 'test/e2e/klusterlet_hosted_test.go:71', state: 'not selected' }),
    ]);
  });

  it('names a spec that passed only after a failed attempt (--flake-attempts), in the row and the table', () => {
    const earlier = 'Failure recorded during attempt 1:\nforbidden: cannot get resource "managedclusters"';
    const rows = specResults(report([{ text: 'once', line: 10, state: 'passed' }, { text: 'twice', line: 20, state: 'passed', attempts: 2, earlier }]));
    expect(rows.map((r) => r.attempts)).toEqual([undefined, 2]);
    expect(specTable(rows).split('\n').slice(2)).toEqual([
      '| Delete hosted klusterlet CR once | passed | 12.3 |',
      '| Delete hosted klusterlet CR twice | passed (2 attempts): Failure recorded during attempt 1: forbidden: cannot get resource "managedclusters" | 12.3 |',
    ]);
  });

  it('merges passes into one row per spec: the pass that ran a spec gives its row', () => {
    const row = (location: string, state: string): SpecResult => ({ spec: `spec at ${location}`, location, state, seconds: 1 });
    const defaultMode = [row('a.go:1', 'passed'), row('hosted.go:34', 'skipped'), row('hosted.go:71', 'skipped'), row('b.go:9', 'failed')];
    const hostedMode = [row('a.go:1', 'not selected'), row('hosted.go:34', 'passed'), row('hosted.go:71', 'failed'), row('b.go:9', 'not selected')];
    expect(mergePasses([defaultMode, hostedMode]).map((r) => `${r.location} ${r.state}`)).toEqual([
      'a.go:1 passed',
      'b.go:9 failed',
      'hosted.go:34 passed',
      'hosted.go:71 failed',
    ]);
    // A spec no pass ran keeps the first pass's row (its skip reason).
    expect(mergePasses([[row('c.go:1', 'skipped')], [row('c.go:1', 'not selected')]])[0]!.state).toBe('skipped');
  });

  it('tells whether a focus/skip selection holds a spec (which decides the ClusterProperty spec\'s pass of its own)', () => {
    const spec = 'ClusterProperty API test create/update/delete clusterproperty managed cluster should have clusterproperty synced';
    expect(selects(DEFAULT_FOCUS, 'Template type addon should be functioning', spec)).toBe(true);
    expect(selects(undefined, '', spec)).toBe(true);
    expect(selects('Placement|Work agent', '', spec)).toBe(false);
    expect(selects(undefined, 'ClusterProperty', spec)).toBe(false);
  });

  it('runs the ClusterProperty spec in a pass of its own when the selection holds it, and Hosted mode when asked', () => {
    const selection = { out: '/r', focus: DEFAULT_FOCUS, skip: 'Template type addon should be functioning', hosted: false };
    expect(suitePasses(selection).map((p) => [p.out, p.args])).toEqual([
      ['/r', ['-klusterlet-deploy-mode=Default', `-ginkgo.focus=${DEFAULT_FOCUS}`, '-ginkgo.skip=Template type addon should be functioning|ClusterProperty API test']],
      ['/r/cluster-property', ['-klusterlet-deploy-mode=Default', '-ginkgo.focus=ClusterProperty API test']],
    ]);
    expect(suitePasses({ ...selection, focus: 'Placement' }).map((p) => p.out)).toEqual(['/r']);
    const all = suitePasses({ out: '/r', skip: '', hosted: true });
    expect(all.map((p) => p.out)).toEqual(['/r', '/r/cluster-property', '/r/hosted']);
    expect(all[0]!.args).toEqual(['-klusterlet-deploy-mode=Default', '-ginkgo.skip=ClusterProperty API test']);
    expect(all[2]!.args).toEqual(['-klusterlet-deploy-mode=SingletonHosted', '-ginkgo.label-filter=klusterlet-hosted']);
  });

  it('gives the suite the admin kubeconfig at the in-cluster address, credentials kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocm-e2e-test-'));
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: kind-hub, cluster: {server: 'https://127.0.0.1:41234', certificate-authority-data: Q0E=}}]
users: [{name: kind-hub, user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}}]
contexts: [{name: kind-hub, context: {cluster: kind-hub, user: kind-hub}}]
current-context: kind-hub
`,
    );
    const config = parse(inClusterAdminKubeconfig(path));
    expect(config.clusters).toEqual([{ name: 'kind-hub', cluster: expect.objectContaining({ server: 'https://kubernetes.default.svc:443', 'certificate-authority-data': 'Q0E=' }) }]);
    expect(config.users[0].user).toMatchObject({ 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' });
    expect(config['current-context']).toBe('kind-hub');
  });
});
