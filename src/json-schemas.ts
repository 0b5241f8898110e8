import { z } from 'zod';
import { scenarioSchema } from './scenario/schema-scenario.js';
import { labConfigSchema, pinnedToolchain } from './config/schema-lab-config.js';

/** Where the JSON Schemas are published, relative to the repository root. */
export const JSON_SCHEMA_DIR = 'schemas';

export interface JsonSchemaFile {
  /** File name under JSON_SCHEMA_DIR. */
  name: string;
  schema: Record<string, unknown>;
  text: string;
}

/** The JSON Schemas of the lab config and of scenario files, generated from the zod schemas the loaders validate with. */
export function jsonSchemaFiles(): JsonSchemaFile[] {
  return [
    jsonSchemaFile('lab-config.schema.json', labConfigSchema(pinnedToolchain())),
    jsonSchemaFile('scenario.schema.json', scenarioSchema()),
  ];
}

function jsonSchemaFile(name: string, zodSchema: z.ZodType): JsonSchemaFile {
  // Input side: what a file may say; defaults make fields optional there, and transforms are not part of it.
  const { $schema, ...generated } = z.toJSONSchema(zodSchema, { io: 'input', target: 'draft-7' });
  const schema = { $schema, $comment: 'Generated from the zod schemas in src/ by `npm run schemas`: do not edit.', ...generated };
  return { name, schema, text: `${JSON.stringify(schema, null, 2)}\n` };
}
