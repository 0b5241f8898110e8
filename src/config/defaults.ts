/** The config `./lab` reads when no --config is given (kept apart from the loader so the CLI starts without it). */
export const DEFAULT_CONFIG_FILE = 'lab.config.yaml';
