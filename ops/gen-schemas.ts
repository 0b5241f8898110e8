#!/usr/bin/env -S npx tsx
// Writes the JSON Schemas of lab.config.yaml and of scenario files to schemas/, from the zod schemas the loaders use.
//   npm run schemas      (test/unit/config/schemas.test.ts fails while the committed files are out of date)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JSON_SCHEMA_DIR, jsonSchemaFiles } from '../src/json-schemas.js';

const dir = resolve(import.meta.dirname, '..', JSON_SCHEMA_DIR);
mkdirSync(dir, { recursive: true });
for (const { name, text } of jsonSchemaFiles()) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote ${JSON_SCHEMA_DIR}/${name}`);
}
