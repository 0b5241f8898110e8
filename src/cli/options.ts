import type { Argv } from 'yargs';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';

export interface GlobalOptions {
  config: string;
  json: boolean;
}

/** Options every command takes, declared once. */
export function globalOptions<T>(yargs: Argv<T>): Argv<T & GlobalOptions> {
  return yargs
    .option('config', {
      alias: 'c',
      type: 'string',
      default: DEFAULT_CONFIG_FILE,
      describe: 'Lab config file',
      global: true,
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'Machine-readable output on stdout (progress goes to stderr)',
      global: true,
    });
}
