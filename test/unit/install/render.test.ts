import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { renderInstalls } from '../../../src/install/render.js';
import type { HelmSpec, LabSpec } from '../../../src/config/schema.js';
import { findToolchain } from '../../../src/toolchain/toolchain.js';
import { REPO } from '../../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (manifests: string) =>
  ({ configPath: join(dir, 'lab.config.yaml'), install: [{ name: 'app', clusters: 'managed', manifests, timeoutSeconds: 300 }] }) as unknown as LabSpec;
// No kustomization here: kubectl is never run.
const render = (manifests: string) => renderInstalls(spec(manifests), { kubectl: '/nonexistent/kubectl', helm: '/nonexistent/helm', kubeVersion: 'v1.36.1' });

/** Charts render with the toolchain's helm (built by ./lab setup, as CI does first). */
function helmTools() {
  const toolchain = findToolchain();
  if (!toolchain) throw new Error('the toolchain is not built: run ./lab setup');
  return { kubectl: toolchain.bin('kubectl'), helm: toolchain.bin('helm'), kubeVersion: toolchain.versions.kubernetes };
}
const renderChart = (helm: Partial<HelmSpec> & { chart: string }) =>
  renderInstalls(
    { configPath: join(REPO, 'fixtures', 'lab.config.yaml'), install: [{ name: 'web', clusters: 'managed', helm: { namespace: 'default', valuesFiles: [], ...helm }, timeoutSeconds: 300 }] } as unknown as LabSpec,
    helmTools(),
  );

describe('renderInstalls', () => {
  it("reads a folder's manifest files in name order (not its subfolders), a List's items in its place", async () => {
    mkdirSync(join(dir, 'folder/sub'), { recursive: true });
    writeFileSync(join(dir, 'folder/b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n# only a comment\n');
    writeFileSync(join(dir, 'folder/a.json'), '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a1"}}, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a2"}}]}');
    writeFileSync(join(dir, 'folder/notes.txt'), 'not a manifest');
    writeFileSync(join(dir, 'folder/sub/c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    const [install] = await render('folder');
    expect(install!.objects.map((o) => `${o.kind}/${o.metadata!.name}`)).toEqual(['Secret/a1', 'Secret/a2', 'ConfigMap/b']);
  });

  it('hashes what it renders: the same input gives the same hash, a change another', async () => {
    writeFileSync(join(dir, 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {x: "1"}\n');
    const first = (await render('one.yaml'))[0]!.hash;
    expect((await render('one.yaml'))[0]!.hash).toBe(first);
    writeFileSync(join(dir, 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {x: "2"}\n');
    expect((await render('one.yaml'))[0]!.hash).not.toBe(first);
  });

  it('reports invalid YAML and documents that are not objects at their file and line, as a usage error', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: ConfigMap\nmetadata: {name: no-api-version}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: oops\n');
    const error = await render('bad.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => `${i.line}: ${i.message}`);
    expect(issues[0]).toBe('5: not a Kubernetes object: it needs apiVersion, kind and metadata.name');
    expect(issues[1]).toMatch(/^12: invalid YAML: All mapping items must start at the same column/);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('reports a path that does not exist at its line in the config file', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), 'managedClusters: [{name: c1}]\ninstall:\n  - {name: app, manifests: no/such/dir}\n');
    const error = await render('no/such/dir').catch((e: unknown) => e);
    expect((error as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`)).toEqual([
      `3:28 install[0].manifests: no such file or folder: ${join(dir, 'no/such/dir')} (paths are relative to the config file)`,
    ]);
  });

  it('refuses a folder with no Kubernetes object in it', async () => {
    mkdirSync(join(dir, 'empty'));
    await expect(render('empty')).rejects.toThrow(/install app: no Kubernetes object in it/);
  });

  it('renders a local chart with helm: values from the config, the release namespace made, test hooks left out', async () => {
    const [install] = await renderChart({ chart: 'installs/chart-web', namespace: 'lab-web', release: 'site', values: { replicaCount: 2, greeting: 'hi' } });
    expect(install!.namespace).toBe('lab-web');
    expect(install!.objects.map((o) => `${o.kind}/${o.metadata!.name}`)).toEqual(['Namespace/lab-web', 'ConfigMap/site-settings', 'Deployment/site-web']);
    const [, settings, deployment] = install!.objects as [unknown, { data: Record<string, string> }, { spec: { replicas: number } }];
    expect(settings.data).toEqual({ greeting: 'hi', namespace: 'lab-web' });
    expect(deployment.spec.replicas).toBe(2);
  });

  it('makes no namespace for a release in default, and a change of values changes the hash', async () => {
    const [one] = await renderChart({ chart: 'installs/chart-web' });
    expect(one!.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment']);
    const [two] = await renderChart({ chart: 'installs/chart-web', values: { greeting: 'changed' } });
    expect(two!.hash).not.toBe(one!.hash);
  });

  it('reports a chart helm cannot render, and a chart path that does not exist, at the config line of helm.chart', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), 'install:\n  - name: web\n    helm: {chart: broken}\n');
    const at = (chart: string) =>
      renderInstalls(
        { configPath: join(dir, 'lab.config.yaml'), install: [{ name: 'web', clusters: 'managed', helm: { chart, namespace: 'default', valuesFiles: [] }, timeoutSeconds: 300 }] } as unknown as LabSpec,
        helmTools(),
      ).then(
        () => expect.fail('rendered'),
        (e: unknown) => e as ConfigError,
      );
    cpSync(join(REPO, 'fixtures/installs/chart-broken'), join(dir, 'broken'), { recursive: true });
    const broken = await at('broken');
    expect(broken.exitCode).toBe(2);
    expect(broken.issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      expect.stringMatching(/^3 install\[0\]\.helm\.chart: helm cannot render chart broken: .*parse error at \(broken\/templates\/broken\.yaml:5\)/),
    ]);
    // A values file the config names and that is not there: at its own line.
    writeFileSync(join(dir, 'lab.config.yaml'), 'install:\n  - name: web\n    helm:\n      chart: broken\n      valuesFiles: [prod.yaml]\n');
    const noValues = await renderInstalls(
      { configPath: join(dir, 'lab.config.yaml'), install: [{ name: 'web', clusters: 'managed', helm: { chart: 'broken', namespace: 'default', valuesFiles: ['prod.yaml'] }, timeoutSeconds: 300 }] } as unknown as LabSpec,
      helmTools(),
    ).then(
      () => expect.fail('rendered'),
      (e: unknown) => e as ConfigError,
    );
    expect(noValues.issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([`5 install[0].helm.valuesFiles[0]: no such values file: ${join(dir, 'prod.yaml')}`]);
    writeFileSync(join(dir, 'lab.config.yaml'), 'install:\n  - name: web\n    helm: {chart: broken}\n');
    rmSync(join(dir, 'broken'), { recursive: true });
    const missing = await at('broken');
    expect(missing.issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([`3 install[0].helm.chart: no such chart: ${join(dir, 'broken')} (paths are relative to the config file)`]);
  });
});
