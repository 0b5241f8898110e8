import { dirname, join } from 'node:path';
import { joinedClusters, type LabSpec } from '../config/schema.js';
import { findScenarioFiles, loadScenarios, type ScenarioTargets } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';

export function targetsOf(spec: LabSpec): ScenarioTargets {
  return { hub: spec.hub.name, managed: joinedClusters(spec).map((c) => c.name) };
}

/** Scenarios from the given paths, or from scenarios/ beside the config. */
export function scenariosFrom(paths: string[], spec?: LabSpec): Scenario[] {
  const defaults = [spec ? join(dirname(spec.configPath), 'scenarios') : 'scenarios'];
  return loadScenarios(findScenarioFiles(paths.length ? paths : defaults), spec && targetsOf(spec), spec && dirname(spec.configPath));
}
