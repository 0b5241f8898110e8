import { isDeepStrictEqual } from 'node:util';

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema (draft 7) keywords our generated schemas use, and so the ones jsonSchemaProblems understands. */
const KEYWORDS = new Set([
  '$schema',
  '$comment',
  'title',
  'description',
  'default',
  'type',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'not',
  'items',
  'required',
  'properties',
  'additionalProperties',
  'propertyNames',
  'anyOf',
  'oneOf',
  'allOf',
]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/**
 * Checks `value` against `schema` as an editor would, for the keywords above (any other keyword throws, so a
 * schema that needs more is noticed). Returns the problems as `path: message`; none when the value is valid.
 */
export function jsonSchemaProblems(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const unknown = Object.keys(schema).filter((key) => !KEYWORDS.has(key));
  if (unknown.length) throw new Error(`${path}: unsupported JSON Schema keywords ${unknown.join(', ')}`);
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path}: ${message}`);
  const sub = (child: unknown, childValue: unknown, childPath: string) => jsonSchemaProblems(child as JsonSchema, childValue, childPath);

  if (typeof schema.type === 'string' && !hasType(schema.type, value)) return [`${path}: not of type ${schema.type}`];
  if ('const' in schema && !isDeepStrictEqual(schema.const, value)) fail(`not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => isDeepStrictEqual(option, value))) fail(`not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`less than ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`more than ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, index) => problems.push(...sub(schema.items, item, `${path}[${index}]`)));
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in value)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(value)) {
      const itemPath = `${path}.${key}`;
      if (schema.propertyNames) problems.push(...sub(schema.propertyNames, key, `${itemPath} (key)`));
      if (key in properties) problems.push(...sub(properties[key], item, itemPath));
      else if (schema.additionalProperties === false) fail(`unknown key ${key}`);
      else if (isObject(schema.additionalProperties)) problems.push(...sub(schema.additionalProperties, item, itemPath));
    }
  }
  const matches = (options: unknown) => (options as JsonSchema[]).filter((option) => !jsonSchemaProblems(option, value, path).length).length;
  if (schema.anyOf && !matches(schema.anyOf)) fail('matches none of anyOf');
  if (schema.oneOf && matches(schema.oneOf) !== 1) fail(`matches ${matches(schema.oneOf)} of oneOf, not exactly one`);
  for (const part of (schema.allOf ?? []) as JsonSchema[]) problems.push(...jsonSchemaProblems(part, value, path));
  if (isObject(schema.not) && !jsonSchemaProblems(schema.not, value, path).length) fail('matches what "not" excludes');
  return problems;
}
