import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isMap } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';
import type { LabSpec } from './schema.js';
import { validate } from './schema-issues.js';
import { labConfigSchema, pinnedToolchain } from './schema-lab-config.js';
import { MAX_YAML_BYTES, tooLarge, YamlSource } from './yaml-source.js';

import { DEFAULT_CONFIG_FILE } from './defaults.js';

export { DEFAULT_CONFIG_FILE };

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function loadConfig(path: string = DEFAULT_CONFIG_FILE): LabSpec {
  const file = resolve(path);
  return parseConfig(readYamlFile(file, `create it (see README "Config reference") or pass --config PATH`), file);
}

/**
 * The text of a config or scenario file; a missing, unreadable or oversized one (checked before it is read)
 * is a ConfigError at line 0, the whole file.
 */
export function readYamlFile(file: string, hint?: string): string {
  const problem = (message: string) => new ConfigError([{ file: displayPath(file), line: 0, column: 0, field: '', message }], hint);
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) throw problem(tooLarge(size));
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw problem(code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read: ${code ?? errorMessage(error)}`);
  }
}

export function parseConfig(text: string, file: string): LabSpec {
  const schema = labConfigSchema(pinnedToolchain());
  const source = new YamlSource(displayPath(file), text);
  source.throwIfIssues('fix the YAML syntax at the position above');
  const [doc, ...more] = source.documents;
  if (!doc || more.length || !isMap(doc.contents)) {
    source.reportAtNode((more[0] ?? doc)?.contents, '', 'the config must be a single YAML mapping');
    source.throwIfIssues(`top-level keys are ${Object.keys(schema.shape).join(', ')}; see README "Config reference"`);
  }
  const config = validate(schema, source.data(), source);
  if (!config) throw new ConfigError(source.issues, 'fix the fields above; see README "Config reference"');
  return { ...config, configPath: file };
}

export { ConfigError };
