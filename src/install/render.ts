import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { LineCounter, parseAllDocuments } from 'yaml';
import { displayPath } from '../config/load.js';
import { YamlSource, type FieldPath } from '../config/yaml-source.js';
import { configRelativePath, type HelmSpec, type InstallSpec, type LabSpec } from '../config/schema.js';
import { CommandError, ConfigError, type ConfigIssue } from '../errors.js';
import { run } from '../process/run.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_FILE = /\.(ya?ml|json)$/;
const KUSTOMIZE_TIMEOUT_MS = 60_000;
const HELM_TIMEOUT_MS = 120_000;

/** An install as `up` applies it: its objects, rendered once, and a hash of them to tell a change. */
export interface RenderedInstall {
  name: string;
  objects: KubernetesObject[];
  /** Where a namespaced object written without a namespace goes (a Helm release's namespace; else "default"). */
  namespace?: string;
  hash: string;
}

/** The toolchain programs that render installs. */
export interface RenderTools {
  kubectl: string;
  helm: string;
  /** The lab's Kubernetes version, for charts that check Capabilities.KubeVersion. */
  kubeVersion: string;
}

/** The objects of one YAML stream (a List's items in its place); anything that is not an object is an issue at its line. */
function objectsOf(text: string, file: string, issues: ConfigIssue[]): KubernetesObject[] {
  const lines = new LineCounter();
  const objects: KubernetesObject[] = [];
  const issue = (offset: number, message: string) => {
    const { line, col } = lines.linePos(offset);
    issues.push({ file: displayPath(file), line, column: col, field: '', message });
  };
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    if (doc.errors.length) {
      issue(doc.errors[0]!.pos[0], `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
      continue;
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const offset = doc.contents?.range?.[0] ?? 0;
    const object = value as KubernetesObject & { items?: unknown[] };
    const items = object.kind === 'List' && Array.isArray(object.items) ? (object.items as KubernetesObject[]) : [object];
    for (const item of items) {
      if (typeof item !== 'object' || !item?.apiVersion || !item.kind || !item.metadata?.name) {
        issue(offset, 'not a Kubernetes object: it needs apiVersion, kind and metadata.name');
      } else objects.push(item);
    }
  }
  return objects;
}

/** The manifests of one install: a file, a folder's files (sorted, not its subfolders), or a kustomization. */
async function manifestsOf(path: string, kubectl: string, issues: ConfigIssue[], signal?: AbortSignal): Promise<KubernetesObject[]> {
  if (!statSync(path).isDirectory()) return objectsOf(readFileSync(path, 'utf8'), path, issues);
  if (KUSTOMIZATION_FILES.some((name) => existsSync(join(path, name)))) {
    try {
      return objectsOf(await run(kubectl, ['kustomize', path], { timeoutMs: KUSTOMIZE_TIMEOUT_MS, signal }), join(path, 'kustomization.yaml'), issues);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      issues.push({ file: displayPath(path), line: 0, column: 0, field: '', message: `kubectl kustomize failed: ${error.stderr.trim().split('\n').slice(-3).join(' ')}` });
      return [];
    }
  }
  const files = readdirSync(path)
    .filter((name) => MANIFEST_FILE.test(name) && statSync(join(path, name)).isFile())
    .sort();
  return files.flatMap((name) => objectsOf(readFileSync(join(path, name), 'utf8'), join(path, name), issues));
}

/** A chart argument for helm: a path relative to the config, unless it names a repository chart or an OCI reference. */
function chartArgument(spec: LabSpec, helm: HelmSpec): { chart: string; local: boolean } {
  if (helm.repo || helm.chart.startsWith('oci://')) return { chart: helm.chart, local: false };
  return { chart: configRelativePath(spec, helm.chart), local: true };
}

/**
 * A chart rendered by `helm template` (as `helm install` would render it, CRDs included, tests left out); values go
 * in on stdin, so none is written to disk. A chart helm cannot render is an issue at the install's `helm.chart`.
 */
async function helmObjects(spec: LabSpec, index: number, name: string, helm: HelmSpec, tools: RenderTools, issues: ConfigIssue[], signal?: AbortSignal): Promise<KubernetesObject[]> {
  const { chart, local } = chartArgument(spec, helm);
  const at = (field: string | number, ...rest: (string | number)[]) => ['install', index, 'helm', field, ...rest] as FieldPath;
  if (local && !existsSync(chart)) {
    issues.push(...configIssue(spec, at('chart'), `no such chart: ${chart} (paths are relative to the config file)`));
    return [];
  }
  const valuesFiles = helm.valuesFiles.map((file) => configRelativePath(spec, file));
  valuesFiles.forEach((file, i) => {
    if (!existsSync(file)) issues.push(...configIssue(spec, at('valuesFiles', i), `no such values file: ${file}`));
  });
  if (valuesFiles.some((file) => !existsSync(file))) return [];
  const args = [
    'template', helm.release ?? name, chart,
    '--namespace', helm.namespace,
    '--include-crds', '--skip-tests',
    '--kube-version', tools.kubeVersion,
    ...(helm.repo ? ['--repo', helm.repo] : []),
    ...(helm.version ? ['--version', helm.version] : []),
    ...valuesFiles.flatMap((file) => ['--values', file]),
    '--values', '-',
  ];
  try {
    const out = await run(tools.helm, args, { input: JSON.stringify(helm.values ?? {}), timeoutMs: HELM_TIMEOUT_MS, signal });
    return objectsOf(out, local ? chart : helm.chart, issues);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const reason = error.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ');
    issues.push(...configIssue(spec, at('chart'), `helm cannot render chart ${helm.chart}: ${reason}`));
    return [];
  }
}

/** A release namespace other than default is made by the install unless its chart has it. */
function withReleaseNamespace(objects: KubernetesObject[], namespace: string): KubernetesObject[] {
  if (namespace === 'default' || objects.some((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata?.name === namespace)) return objects;
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...objects];
}

/**
 * Every install of the config, rendered before anything is made: a manifest that is not YAML or not a Kubernetes
 * object, a kustomization that does not build, or a chart helm cannot render, is a usage error at its file and
 * line (exit 2).
 */
export async function renderInstalls(spec: LabSpec, tools: RenderTools, signal?: AbortSignal): Promise<RenderedInstall[]> {
  const issues: ConfigIssue[] = [];
  const rendered: RenderedInstall[] = [];
  for (const [index, entry] of spec.install.entries()) {
    const before = issues.length;
    let objects: KubernetesObject[];
    if (entry.helm) {
      objects = withReleaseNamespace(await helmObjects(spec, index, entry.name, entry.helm, tools, issues, signal), entry.helm.namespace);
    } else {
      const path = configRelativePath(spec, entry.manifests!);
      // Checked here, not when the config loads: `down` must work with an install's folder gone.
      if (!existsSync(path)) {
        issues.push(...configIssue(spec, ['install', index, 'manifests'], `no such file or folder: ${path} (paths are relative to the config file)`));
        continue;
      }
      objects = await manifestsOf(path, tools.kubectl, issues, signal);
    }
    if (issues.length > before) continue;
    if (!objects.length) issues.push(...configIssue(spec, ['install', index, 'name'], `install ${entry.name}: no Kubernetes object in it`));
    rendered.push({ name: entry.name, objects, namespace: entry.helm?.namespace, hash: hashOf(entry, objects) });
  }
  if (issues.length) throw new ConfigError(issues, 'fix the installs above (install: in the config names them)');
  return rendered;
}

/** A problem with a field of the config file, at its line. */
function configIssue(spec: LabSpec, field: FieldPath, message: string): ConfigIssue[] {
  const source = new YamlSource(displayPath(spec.configPath), readFileSync(spec.configPath, 'utf8'));
  source.report(field, message);
  return source.issues;
}

function hashOf(entry: InstallSpec, objects: KubernetesObject[]): string {
  return createHash('sha256').update(JSON.stringify({ clusters: entry.clusters, namespace: entry.helm?.namespace, objects })).digest('hex');
}
