import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { LineCounter, parseAllDocuments } from 'yaml';
import { displayPath } from '../config/load.js';
import { YamlSource, type FieldPath } from '../config/yaml-source.js';
import { installPath, type InstallSpec, type LabSpec } from '../config/schema.js';
import { CommandError, ConfigError, type ConfigIssue } from '../errors.js';
import { run } from '../process/run.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_FILE = /\.(ya?ml|json)$/;
const KUSTOMIZE_TIMEOUT_MS = 60_000;

/** An install as `up` applies it: its objects, rendered once, and a hash of them to tell a change. */
export interface RenderedInstall {
  name: string;
  objects: KubernetesObject[];
  hash: string;
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

/**
 * Every install of the config, rendered before anything is made: a manifest that is not YAML or not a Kubernetes
 * object, or a kustomization that does not build, is a usage error at its file and line (exit 2).
 */
export async function renderInstalls(spec: LabSpec, kubectl: string, signal?: AbortSignal): Promise<RenderedInstall[]> {
  const issues: ConfigIssue[] = [];
  const rendered = [];
  for (const [index, entry] of spec.install.entries()) {
    const path = installPath(spec, entry);
    // Checked here, not when the config loads: `down` must work with an install's folder gone.
    if (!existsSync(path)) {
      issues.push(...configIssue(spec, ['install', index, 'manifests'], `no such file or folder: ${path} (paths are relative to the config file)`));
      continue;
    }
    const objects = await manifestsOf(path, kubectl, issues, signal);
    if (!objects.length && !issues.length) issues.push({ file: displayPath(path), line: 0, column: 0, field: '', message: `install ${entry.name}: no Kubernetes object in it` });
    rendered.push({ name: entry.name, objects, hash: hashOf(entry, objects) });
  }
  if (issues.length) throw new ConfigError(issues, 'fix the manifests above (install: in the config names them)');
  return rendered;
}

/** A problem with a field of the config file, at its line. */
function configIssue(spec: LabSpec, field: FieldPath, message: string): ConfigIssue[] {
  const source = new YamlSource(displayPath(spec.configPath), readFileSync(spec.configPath, 'utf8'));
  source.report(field, message);
  return source.issues;
}

function hashOf(entry: InstallSpec, objects: KubernetesObject[]): string {
  return createHash('sha256').update(JSON.stringify({ clusters: entry.clusters, objects })).digest('hex');
}
