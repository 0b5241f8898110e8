import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, parseAllDocuments, type Node, type YAMLMap } from 'yaml';
import { displayPath } from '../config/load.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { YamlSource } from '../config/yaml-source.js';
import { parseDuration } from './duration.js';
import type { KubeObject, Scenario, SourceRef, Step, StepOp } from './types.js';

export const SCENARIO_API_VERSION = 'lab.ocm.io/v1alpha1';
const DEFAULT_SCENARIO_TIMEOUT_MS = 5 * 60_000;

export const OPS: readonly StepOp[] = ['apply', 'assert', 'absent', 'delete', 'work', 'label', 'clusterset', 'accept', 'join', 'fault', 'script', 'sleep'];

/** Cluster names a scenario may target; unknown names are reported at their line. */
export interface ScenarioTargets {
  hub: string;
  managed: string[];
}

/** The scenario files under the given files or folders (folders: every *.yaml / *.yml, sorted). */
export function findScenarioFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    const full = resolve(path);
    if (!existsSync(full)) {
      throw new ConfigError([{ file: displayPath(full), line: 0, column: 0, field: '', message: 'no such file or folder' }]);
    }
    if (!statSync(full).isDirectory()) return [full];
    return readdirSync(full)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(full, f));
  });
}

/** Loads and validates scenarios; every problem in every file is reported at once (exit 2). */
export function loadScenarios(files: string[], targets?: ScenarioTargets): Scenario[] {
  const issues: ConfigIssue[] = [];
  const scenarios: Scenario[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const reader = new ScenarioReader(file, targets);
    const scenario = reader.read();
    issues.push(...reader.src.issues);
    if (!scenario) continue;
    const previous = names.get(scenario.name);
    if (previous) {
      issues.push({ file: displayPath(file), line: 1, column: 1, field: 'metadata.name', message: `duplicate scenario name "${scenario.name}" (also in ${previous})` });
    }
    names.set(scenario.name, displayPath(file));
    scenarios.push(scenario);
  }
  if (issues.length) throw new ConfigError(issues, 'fix the scenario fields above; see README "Scenarios"');
  return scenarios;
}

class ScenarioReader {
  readonly src: YamlSource;
  private readonly dir: string;

  constructor(
    private readonly file: string,
    private readonly targets?: ScenarioTargets,
  ) {
    this.src = new YamlSource(displayPath(file), readFileSync(file, 'utf8'));
    this.dir = dirname(file);
  }

  read(): Scenario | undefined {
    const docs = this.src.documents();
    if (this.src.issues.length) return undefined;
    if (docs.length !== 1) {
      this.src.issue(docs[1]?.contents as Node, '', 'a scenario file holds exactly one Scenario document');
      return undefined;
    }
    const top = this.src.fields(this.src.map(docs[0]!.contents, ''), '', ['apiVersion', 'kind', 'metadata', 'spec']);
    const root = docs[0]!.contents as Node;
    this.expectValue(top.get('apiVersion'), 'apiVersion', SCENARIO_API_VERSION, root);
    this.expectValue(top.get('kind'), 'kind', 'Scenario', root);
    const metadata = this.src.fields(this.requiredMap(top, 'metadata', root), 'metadata', ['name', 'labels']);
    const name = this.src.string(metadata.get('name') ?? root, 'metadata.name') ?? '';
    const labels = metadata.has('labels') ? this.src.stringMap(metadata.get('labels'), 'metadata.labels') : {};
    const spec = this.src.fields(this.requiredMap(top, 'spec', root), 'spec', ['timeout', 'steps', 'cleanup']);
    const timeoutMs = spec.has('timeout') ? this.duration(spec.get('timeout'), 'spec.timeout') : DEFAULT_SCENARIO_TIMEOUT_MS;
    const stepsNode = spec.get('steps');
    if (!stepsNode) this.src.issue(top.get('spec'), 'spec.steps', 'is required: list at least one step');
    const steps = stepsNode ? this.steps(stepsNode, 'spec.steps') : [];
    if (stepsNode && steps.length === 0 && !this.src.issues.length) this.src.issue(stepsNode, 'spec.steps', 'must list at least one step');
    const cleanup = spec.has('cleanup') ? this.steps(spec.get('cleanup')!, 'spec.cleanup') : [];
    return { name, labels, file: this.file, timeoutMs: timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS, steps, cleanup };
  }

  private expectValue(node: Node | null | undefined, field: string, expected: string, parent: Node): void {
    const value = this.src.string(node ?? parent, field);
    if (value !== undefined && value !== expected) this.src.issue(node, field, `must be "${expected}", got "${value}"`);
  }

  /** A required mapping under `key`. */
  private requiredMap(fields: Map<string, Node | null>, key: string, parent: Node): YAMLMap<unknown, unknown> | undefined {
    if (!fields.has(key)) {
      this.src.issue(parent, key, 'is required');
      return undefined;
    }
    return this.src.map(fields.get(key), key);
  }

  private duration(node: Node | null | undefined, field: string): number | undefined {
    const text = isScalar(node) ? String(node.value) : undefined;
    const ms = text === undefined ? undefined : parseDuration(text);
    if (ms === undefined || ms <= 0) {
      this.src.issue(node, field, `must be a duration like 30s, 2m or 1m30s, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
    }
    return ms;
  }

  private steps(node: Node, field: string): Step[] {
    const seq = this.src.seq(node, field);
    return (seq?.items ?? []).flatMap((item, index) => {
      const step = this.step(item as Node, `${field}[${index}]`, index);
      return step ? [step] : [];
    });
  }

  private step(node: Node, field: string, index: number): Step | undefined {
    const map = this.src.map(node, field);
    if (!map) return undefined;
    const keys = this.src.fields(map, field, ['name', 'timeout', ...OPS]);
    const ops = OPS.filter((op) => keys.has(op));
    if (ops.length !== 1) {
      this.src.issue(node, field, ops.length ? `has several operations (${ops.join(', ')}): one per step` : `needs one operation: ${OPS.join(', ')}`);
      return undefined;
    }
    const op = ops[0]!;
    const base = {
      name: keys.has('name') ? (this.src.string(keys.get('name'), `${field}.name`) ?? op) : `${op} #${index + 1}`,
      timeoutMs: keys.has('timeout') ? this.duration(keys.get('timeout'), `${field}.timeout`) : undefined,
      source: { file: this.file, line: this.src.lineOf(node) } satisfies SourceRef,
    };
    return this.operation(op, keys.get(op) ?? null, `${field}.${op}`, base);
  }

  private operation(op: StepOp, node: Node | null, field: string, base: { name: string; timeoutMs?: number; source: SourceRef }): Step | undefined {
    if (op === 'sleep' && isScalar(node)) return { ...base, op, durationMs: this.duration(node, field) ?? 0 };
    const allowed: Record<StepOp, string[]> = {
      apply: ['cluster', 'file', 'object', 'objects'],
      assert: ['cluster', 'object', 'timeout'],
      absent: ['cluster', 'object', 'timeout'],
      delete: ['cluster', 'object', 'objects', 'file', 'timeout'],
      work: ['name', 'to', 'placement', 'file', 'object', 'objects'],
      label: ['cluster', 'labels'],
      clusterset: ['name', 'clusters', 'bind'],
      accept: ['cluster'],
      join: ['cluster'],
      fault: ['cluster', 'stop', 'start'],
      script: ['cluster', 'run', 'expect'],
      sleep: ['duration'],
    };
    const f = this.src.fields(this.src.map(node, field), field, allowed[op]);
    const timeoutMs = f.has('timeout') ? this.duration(f.get('timeout'), `${field}.timeout`) : base.timeoutMs;
    const step = { ...base, timeoutMs };
    switch (op) {
      case 'apply':
        return { ...step, op, cluster: this.cluster(f, field, node, 'any'), objects: this.objects(f, field, node, ['file', 'object', 'objects']) };
      case 'delete':
        return { ...step, op, cluster: this.cluster(f, field, node, 'any'), objects: this.objects(f, field, node, ['file', 'object', 'objects']) };
      case 'assert':
      case 'absent':
        return { ...step, op, cluster: this.cluster(f, field, node, 'any'), object: this.objects(f, field, node, ['object'])[0] ?? {} };
      case 'work': {
        const to = f.has('to') ? this.targetName(f.get('to'), `${field}.to`, 'managed') : undefined;
        const placement = f.has('placement') ? this.src.string(f.get('placement'), `${field}.placement`) : undefined;
        if (placement !== undefined && !/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(placement)) {
          this.src.issue(f.get('placement'), `${field}.placement`, `must be "namespace/name", got "${placement}"`);
        }
        if ((to === undefined) === (placement === undefined)) this.src.issue(node, field, 'needs exactly one of "to" (a managed cluster) or "placement" (namespace/name)');
        return {
          ...step,
          op,
          workName: this.src.string(f.get('name') ?? node, `${field}.name`) ?? '',
          to,
          placement,
          manifests: this.objects(f, field, node, ['file', 'object', 'objects']),
        };
      }
      case 'label': {
        const labels: Record<string, string | null> = {};
        for (const pair of this.src.map(f.get('labels') ?? node, `${field}.labels`)?.items ?? []) {
          const key = isScalar(pair.key) ? String(pair.key.value) : '';
          const value = isScalar(pair.value) ? pair.value.value : undefined;
          if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) labels[key] = value === null ? null : String(value);
          else this.src.issue(pair.value as Node, `${field}.labels.${key}`, 'must be a string, or null to remove the label');
        }
        return { ...step, op, cluster: this.cluster(f, field, node, 'managed'), labels };
      }
      case 'clusterset':
        return {
          ...step,
          op,
          setName: this.src.string(f.get('name') ?? node, `${field}.name`) ?? '',
          clusters: f.has('clusters') ? this.src.stringList(f.get('clusters'), `${field}.clusters`).map(({ value, node: n }, i) => this.checkTarget(value, n, `${field}.clusters[${i}]`, 'managed')) : [],
          bind: f.has('bind') ? this.src.stringList(f.get('bind'), `${field}.bind`).map(({ value }) => value) : [],
        };
      case 'accept':
      case 'join':
        return { ...step, op, cluster: this.cluster(f, field, node, 'managed') };
      case 'fault': {
        const action = f.has('stop') ? 'stop' : f.has('start') ? 'start' : undefined;
        if (!action || (f.has('stop') && f.has('start'))) {
          this.src.issue(node, field, 'needs exactly one of "stop" or "start" (controlPlane or agent)');
          return undefined;
        }
        const target = this.src.oneOf(f.get(action), `${field}.${action}`, ['controlPlane', 'agent'] as const) ?? 'agent';
        return { ...step, op, cluster: this.cluster(f, field, node, 'managed'), action, target };
      }
      case 'script': {
        const expect = f.has('expect') ? this.src.fields(this.src.map(f.get('expect'), `${field}.expect`), `${field}.expect`, ['exitCode', 'output']) : new Map<string, Node | null>();
        return {
          ...step,
          op,
          cluster: f.has('cluster') ? this.cluster(f, field, node, 'any') : undefined,
          run: this.src.string(f.get('run') ?? node, `${field}.run`) ?? '',
          expectExitCode: expect.has('exitCode') ? (this.src.integer(expect.get('exitCode'), `${field}.expect.exitCode`, 0, 255) ?? 0) : 0,
          expectOutput: expect.has('output') ? this.src.string(expect.get('output'), `${field}.expect.output`) : undefined,
        };
      }
      case 'sleep':
        return { ...step, op, durationMs: this.duration(f.get('duration') ?? node, `${field}.duration`) ?? 0 };
    }
  }

  private cluster(f: Map<string, Node | null>, field: string, parent: Node | null, role: 'any' | 'managed'): string {
    if (!f.has('cluster')) {
      this.src.issue(parent, `${field}.cluster`, 'is required');
      return '';
    }
    return this.targetName(f.get('cluster'), `${field}.cluster`, role) ?? '';
  }

  private targetName(node: Node | null | undefined, field: string, role: 'any' | 'managed'): string | undefined {
    const name = this.src.string(node, field);
    return name === undefined ? undefined : this.checkTarget(name, node, field, role);
  }

  private checkTarget(name: string, node: Node | null | undefined, field: string, role: 'any' | 'managed'): string {
    if (!this.targets) return name;
    const allowed = role === 'any' ? [this.targets.hub, ...this.targets.managed] : this.targets.managed;
    if (!allowed.includes(name)) {
      this.src.issue(node, field, `"${name}" is not ${role === 'any' ? 'a cluster' : 'a managed cluster'} of this lab (${allowed.join(', ')})`);
    }
    return name;
  }

  /** Kubernetes objects from exactly one of the given keys; files resolve against the scenario's folder. */
  private objects(f: Map<string, Node | null>, field: string, parent: Node | null, keys: string[]): KubeObject[] {
    const present = keys.filter((k) => f.has(k));
    if (present.length !== 1) {
      this.src.issue(parent, field, `needs exactly one of ${keys.map((k) => `"${k}"`).join(', ')}`);
      return [];
    }
    const key = present[0]!;
    const node = f.get(key);
    let objects: { object: unknown; node: Node | null | undefined; field: string }[];
    if (key === 'file') {
      const path = this.src.string(node, `${field}.file`);
      if (path === undefined) return [];
      const full = resolve(this.dir, path);
      if (!existsSync(full)) {
        this.src.issue(node, `${field}.file`, `no such file: ${displayPath(full)}`);
        return [];
      }
      const docs = parseAllDocuments(readFileSync(full, 'utf8'));
      const list = Array.isArray(docs) ? docs : [docs];
      if (list.some((d) => d.errors.length)) {
        this.src.issue(node, `${field}.file`, `${displayPath(full)} is not valid YAML: ${list.flatMap((d) => d.errors)[0]!.message.split('\n')[0]}`);
        return [];
      }
      objects = list.map((d) => d.toJS() as unknown).filter((o) => o !== null).map((object) => ({ object, node, field: `${field}.file` }));
    } else if (key === 'objects') {
      objects = (this.src.seq(node, `${field}.objects`)?.items ?? []).map((item, i) => ({ object: (item as Node).toJSON(), node: item as Node, field: `${field}.objects[${i}]` }));
    } else {
      objects = [{ object: isMap(node) ? node.toJSON() : node, node, field: `${field}.${key}` }];
    }
    return objects.flatMap(({ object, node: n, field: objectField }) => {
      const o = object as KubeObject | null;
      if (!o || typeof o !== 'object' || Array.isArray(o)) {
        this.src.issue(n, objectField, 'must be a Kubernetes object (a mapping)');
        return [];
      }
      if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
        this.src.issue(n, objectField, 'needs apiVersion and kind');
        return [];
      }
      return [o];
    });
  }
}
