import { loadConfig } from '../config/load.js';
import type { LabSpec } from '../config/schema.js';
import type { GlobalOptions } from './options.js';

export function loadSpec(options: GlobalOptions): LabSpec {
  return loadConfig(options.config);
}
