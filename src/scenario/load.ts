import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { displayPath } from '../config/load.js';
import { validate } from '../config/schema-issues.js';
import { YamlSource } from '../config/yaml-source.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { ManifestFile, ScenarioTargets } from './schema-operations.js';
import { scenarioSchema, type StepBody } from './schema-scenario.js';
import type { Scenario, Step } from './types.js';

export { OPS, type ScenarioTargets } from './schema-operations.js';
export { SCENARIO_API_VERSION } from './schema-scenario.js';

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
  // One schema for every file, as building one costs more than validating a file: `file:` fields resolve against `folder`.
  let folder = '';
  const schema = scenarioSchema({ targets, readManifests: (path) => readManifestFile(resolve(folder, path)) });
  for (const file of files) {
    folder = dirname(file);
    const source = new YamlSource(displayPath(file), readFileSync(file, 'utf8'));
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
  const document = validate(schema, source.data(), source);
  if (!document) return undefined;
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

/** The objects of a `file:` field: every document of the file. */
function readManifestFile(path: string): ManifestFile {
  if (!existsSync(path)) return { problem: `no such file: ${displayPath(path)}` };
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  const error = list.flatMap((doc) => doc.errors)[0];
  if (error) return { problem: `${displayPath(path)} is not valid YAML: ${error.message.split('\n')[0]}` };
  return { objects: list.map((doc) => doc.toJS() as unknown).filter((object) => object !== null) };
}
