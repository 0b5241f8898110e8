import type { LabSpec } from '../config/schema.js';
import type { GlobalOptions } from './options.js';

/** The lab config named by --config. Loaded on demand: `./lab --help` never pays for the schema library. */
export async function loadSpec(options: GlobalOptions): Promise<LabSpec> {
  const { loadConfig } = await import('../config/load.js');
  return loadConfig(options.config);
}
