import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isMap } from 'yaml';
import { ConfigError } from '../errors.js';
import type { LabSpec } from './schema.js';
import { validate } from './schema-issues.js';
import { labConfigSchema, pinnedToolchain } from './schema-lab-config.js';
import { YamlSource } from './yaml-source.js';

import { DEFAULT_CONFIG_FILE } from './defaults.js';

export { DEFAULT_CONFIG_FILE };

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function loadConfig(path: string = DEFAULT_CONFIG_FILE): LabSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [{ file: displayPath(file), line: 0, column: 0, field: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${code}` }],
      `create it (see README "Config reference") or pass --config PATH`,
    );
  }
  return parseConfig(text, file);
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
