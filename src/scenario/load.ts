import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';
import { displayPath } from '../config/load.js';
import { validate } from '../config/schema-issues.js';
import { YamlSource } from '../config/yaml-source.js';
import { ConfigError, LabError, type ConfigIssue } from '../errors.js';
import { containedPath, isInside } from '../fs/contained-path.js';
import { checkDurations } from './check-durations.js';
import type { ManifestFile, ScenarioTargets } from './operations/fields.js';
import { scenarioSchema, type StepBody } from './schema-scenario.js';
import { fileProblem, readSmallFile } from './small-file.js';
import type { Scenario, Step } from './types.js';

export type { ScenarioTargets } from './operations/fields.js';
export { SCENARIO_API_VERSION } from './schema-scenario.js';

/** A problem with a whole file (no line in it to point at). */
function fileIssue(file: string, message: string): ConfigIssue {
  return { file: displayPath(file), line: 0, column: 0, field: '', message };
}

/**
 * The scenario files under the given files or folders (folders: every *.yaml / *.yml, sorted). Each must be a
 * regular file of at most 1 MiB: a FIFO or device is refused, never read.
 */
export function findScenarioFiles(paths: string[]): string[] {
  const issues: ConfigIssue[] = [];
  const files = paths.flatMap((path) => {
    const full = resolve(path);
    if (!existsSync(full)) {
      issues.push(fileIssue(full, 'no such file or folder'));
      return [];
    }
    if (!statSync(full).isDirectory()) return [full];
    return readdirSync(full)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(full, f));
  });
  for (const file of files) {
    const problem = fileProblem(file);
    if (problem) issues.push(fileIssue(file, problem));
  }
  if (issues.length) throw new ConfigError(issues, 'give scenario files (regular files of at most 1 MiB) or folders of them');
  return files;
}

/**
 * Loads and validates scenarios; every problem in every file is reported at once (exit 2). A scenario's `file:`
 * fields read only inside its project: `configDir` (the lab config's folder) when the scenario lies in it, else see projectRoot.
 */
export function loadScenarios(files: string[], targets?: ScenarioTargets, configDir?: string): Scenario[] {
  const issues: ConfigIssue[] = [];
  const scenarios: Scenario[] = [];
  const names = new Map<string, string>();
  // One schema for every file, as building one costs more than validating a file: `file:` fields resolve against `folder`.
  let folder = '';
  let root = projectRoot(folder, configDir);
  const schema = scenarioSchema({ targets, readManifests: (path) => readManifestFile(resolve(folder, path), root) });
  for (const file of files) {
    const read = readSmallFile(file);
    if ('problem' in read) {
      issues.push(fileIssue(file, read.problem));
      continue;
    }
    folder = dirname(file);
    root = projectRoot(folder, configDir);
    const source = new YamlSource(displayPath(file), read.text);
    const scenario = readScenario(source, file, schema);
    if (scenario) {
      const previous = names.get(scenario.name);
      if (previous) source.report(['metadata', 'name'], `duplicate scenario name "${scenario.name}" (also in ${previous})`);
      names.set(scenario.name, source.file);
      scenarios.push(scenario);
    }
    issues.push(...source.issues);
  }
  if (issues.length) throw new ConfigError(issues, 'fix the scenario fields above; see README "Scenarios"');
  return scenarios;
}

function readScenario(source: YamlSource, file: string, schema: ReturnType<typeof scenarioSchema>): Scenario | undefined {
  if (source.issues.length) return undefined;
  if (source.documents.length !== 1) {
    source.reportAtNode(source.documents[1]?.contents, '', 'a scenario file holds exactly one Scenario document');
    return undefined;
  }
  const data = source.data();
  const document = validate(schema, data, source);
  checkDurations(data, (path, message) => source.report(path, message));
  if (!document || source.issues.length) return undefined;
  const located = (list: StepBody[], key: 'steps' | 'cleanup'): Step[] =>
    list.map((body, index) => ({ ...body, source: { file, line: source.lineOf(['spec', key, index]) } }));
  return {
    name: document.metadata.name,
    labels: document.metadata.labels,
    file,
    timeoutMs: document.spec.timeout,
    steps: located(document.spec.steps, 'steps'),
    cleanup: located(document.spec.cleanup, 'cleanup'),
  };
}

/** Where a scenario's `file:` fields may read, and how a message names it. */
interface ManifestRoot {
  dir: string;
  what: string;
}

/** The scenario's project: the lab config's folder, else the nearest folder at or above it holding lab.config.yaml, else its own folder. */
function projectRoot(folder: string, configDir?: string): ManifestRoot {
  if (configDir && isInside(folder, configDir)) return { dir: resolve(configDir), what: "the lab config's folder" };
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    if (existsSync(join(dir, DEFAULT_CONFIG_FILE))) return { dir, what: 'the folder of the lab config above the scenario' };
    if (dirname(dir) === dir) return { dir: resolve(folder), what: "the scenario's folder" };
  }
}

/** The hidden folder or file (.lab, .git, .kube) on the way from `root` to `path`, if any. */
function hiddenPart(path: string, root: string): string | undefined {
  const parts = relative(root, path).split(sep);
  try {
    parts.push(...relative(realpathSync(root), realpathSync(path)).split(sep));
  } catch {
    // Not there: the path as written is all there is to check.
  }
  return parts.find((part) => part.startsWith('.') && part !== '.' && part !== '..');
}

/** The objects of a `file:` field: every document of a small regular file inside the scenario's project. */
function readManifestFile(path: string, root: ManifestRoot): ManifestFile {
  const shown = displayPath(path);
  try {
    containedPath(root.dir, path);
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    return { problem: `${shown} lies outside ${displayPath(root.dir)}, ${root.what}: a file: field reads only files there` };
  }
  const hidden = hiddenPart(path, root.dir);
  if (hidden) return { problem: `${shown} is in a hidden folder or file (${hidden}), which a file: field never reads (the lab keeps kubeconfigs there)` };
  const read = readSmallFile(path);
  if ('problem' in read) return { problem: read.problem === 'does not exist' ? `no such file: ${shown}` : `${shown} ${read.problem}` };
  // The same guards as a scenario file: bounded nesting, no alias that expands the file many times over.
  const yaml = new YamlSource(shown, read.text);
  const issue = yaml.issues[0];
  if (issue) return { problem: `${shown}:${issue.line}:${issue.column}: ${issue.message}` };
  const objects = yaml.allData().filter((object) => object !== null);
  if (!objects.length) return { problem: `${shown} holds no Kubernetes objects` };
  return { objects };
}
