import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { ACCEPT_MODES, PROVIDERS } from '../../../src/config/schema.js';
import { JSON_SCHEMA_DIR, jsonSchemaFiles } from '../../../src/json-schemas.js';
import { pinnedToolchain } from '../../../src/config/schema-lab-config.js';
import { loadScenarios } from '../../../src/scenario/load.js';
import { OPS } from '../../../src/scenario/operations/registry.js';
import { jsonSchemaProblems, type JsonSchema } from './json-schema-check.js';

const LAB_CONFIG_SCHEMA = 'lab-config.schema.json';
const SCENARIO_SCHEMA = 'scenario.schema.json';

const generated = new Map(jsonSchemaFiles().map((file) => [file.name, file]));
const published = (name: string) => JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, name), 'utf8')) as JsonSchema;
const yamlFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => join(dir, file));

const GOOD_CONFIGS = ['lab.config.yaml', ...readdirSync('fixtures/configs').filter((f) => f.endsWith('.yaml')).map((f) => join('fixtures/configs', f))];
const DEFAULT_LAB = { hub: 'hub', managed: ['cluster1', 'cluster2'] };
/** Good scenarios, with the clusters of the lab they are written for. */
const GOOD_SCENARIOS = [
  ...['scenarios', 'fixtures/scenarios/good', 'fixtures/scenarios/readme'].flatMap(yamlFiles).map((file) => ({ file, targets: DEFAULT_LAB })),
  // For the lab of test/e2e/manual-accept.test.ts.
  ...yamlFiles('fixtures/scenarios/manual').map((file) => ({ file, targets: { hub: 'hub', managed: ['cluster1', 'cluster3'] } })),
];
/**
 * Bad fixtures whose problem only the loader can see: YAML syntax and aliases, names and bounds across fields, files
 * and the lab's clusters.
 */
const LOADER_ONLY = [
  'not-yaml.yaml',
  'alias-bomb.yaml',
  'duplicate-name.yaml',
  'duplicate-hub-name.yaml',
  'too-many-kind-clusters.yaml',
  'existing-without-kubeconfig.yaml',
  'kubeconfig-on-kind.yaml',
  'missing-file.yaml',
  'unknown-cluster.yaml',
];

/** Every property schema in a JSON Schema, by path. */
function properties(schema: unknown, path = '$'): [string, JsonSchema][] {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => properties(item, `${path}[${index}]`));
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]): [string, JsonSchema][] => {
    if (key !== 'properties') return properties(value, `${path}/${key}`);
    const named = Object.entries(value as Record<string, JsonSchema>).map(([name, property]): [string, JsonSchema] => [`${path}.${name}`, property]);
    return [...named, ...properties(value, path)];
  });
}

function expectSchemaModeline(file: string, schemaName: string): void {
  const firstLine = readFileSync(file, 'utf8').split('\n')[0];
  const schemaPath = relative(dirname(file), join(JSON_SCHEMA_DIR, schemaName));
  expect(firstLine).toBe(`# yaml-language-server: $schema=${schemaPath}`);
  expect(existsSync(join(dirname(file), schemaPath))).toBe(true);
}

describe('published JSON Schemas', () => {
  it.each([LAB_CONFIG_SCHEMA, SCENARIO_SCHEMA])('%s is the one the zod schemas generate (else run `npm run schemas`)', (name) => {
    const file = generated.get(name)!;
    expect(published(name), `${JSON_SCHEMA_DIR}/${name} is out of date: run npm run schemas`).toEqual(file.schema);
    expect(readFileSync(join(JSON_SCHEMA_DIR, name), 'utf8')).toBe(file.text);
  });

  it('generates exactly the published files', () => {
    expect([...generated.keys()].sort()).toEqual(readdirSync(JSON_SCHEMA_DIR).sort());
  });

  it.each([LAB_CONFIG_SCHEMA, SCENARIO_SCHEMA])('%s has a title and describes every field, for editors', (name) => {
    const schema = published(name);
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', title: expect.any(String), description: expect.any(String) });
    const undescribed = properties(schema).filter(([, property]) => !property.description && !property.title);
    expect(undescribed.map(([path]) => path)).toEqual([]);
  });

  it('the lab config schema requires managed clusters, and lists providers, accept modes and the OCM versions the toolchain builds (its pin the default)', () => {
    const schema = published(LAB_CONFIG_SCHEMA);
    const props = schema.properties as Record<string, JsonSchema & { properties: Record<string, JsonSchema> }>;
    expect(schema).toMatchObject({ type: 'object', required: ['managedClusters'], additionalProperties: false });
    expect(props.provider).toMatchObject({ enum: [...PROVIDERS], default: 'auto' });
    expect(props.ocm!.properties.version).toMatchObject({ enum: pinnedToolchain().ocmVersions, default: pinnedToolchain().ocmVersion });
    expect(props.managedClusters).toMatchObject({ type: 'array', minItems: 1, items: { required: ['name'], additionalProperties: false } });
    expect(props.managedClusters!.items).toMatchObject({ properties: { accept: { enum: [...ACCEPT_MODES] } } });
  });

  it('the lab config schema flags what the loader refuses of provider existing\'s fields, for editors', () => {
    const schema = published(LAB_CONFIG_SCHEMA);
    const lab = (hub: Record<string, unknown>, existing: Record<string, unknown> = {}) => ({ provider: 'existing', hub, managedClusters: [{ name: 'c1', kubeconfig: 'c1.yaml' }], existing });
    const fine = (config: unknown) => jsonSchemaProblems(schema, config).length === 0;
    expect(fine(lab({ kubeconfig: '~/.kube/hub.yaml', context: 'admin@hub' }, { hubServerForAgents: 'https://hub-control-plane:6443', forceInternalEndpointLookup: true }))).toBe(true);
    expect(fine(lab({ kubeconfig: 'https://[::1]:6443' }, { hubServerForAgents: 'https://hub.example.com:443/k8s/clusters/c-1' }))).toBe(true);
    for (const hub of [{ kubeconfig: '' }, { kubeconfig: 'a\nb' }, { kubeconfig: 'a\0b' }, { context: 'c\r' }]) expect(fine(lab(hub)), JSON.stringify(hub)).toBe(false);
    for (const server of ['http://hub:6443', 'hub:6443', ' https://hub', 'https://a:b@hub', 'https://hub/?x', 'https://hub/#x', 'https://']) {
      expect(fine(lab({ kubeconfig: 'hub.yaml' }, { hubServerForAgents: server })), server).toBe(false);
    }
  });

  it('the scenario schema requires apiVersion, kind, metadata and spec, and one operation per step', () => {
    const schema = published(SCENARIO_SCHEMA) as JsonSchema & { properties: { spec: { properties: { steps: { items: JsonSchema } } } } };
    expect(schema).toMatchObject({ required: ['apiVersion', 'kind', 'metadata', 'spec'], additionalProperties: false });
    expect(schema.properties).toMatchObject({ kind: { const: 'Scenario' } });
    const step = schema.properties.spec.properties.steps.items;
    expect(step.oneOf).toEqual(OPS.map((op) => ({ required: [op] })));
    expect(Object.keys(step.properties as object)).toEqual(['name', 'timeout', ...OPS]);
  });
});

describe('good files', () => {
  it.each(GOOD_CONFIGS)('%s names its schema on line 1, and both loadConfig and the JSON Schema accept it', (file) => {
    expectSchemaModeline(file, LAB_CONFIG_SCHEMA);
    expect(loadConfig(file).managedClusters.length).toBeGreaterThan(0);
    expect(jsonSchemaProblems(published(LAB_CONFIG_SCHEMA), parse(readFileSync(file, 'utf8')))).toEqual([]);
  });

  it.each(GOOD_SCENARIOS)('$file names its schema on line 1, and both loadScenarios and the JSON Schema accept it', ({ file, targets }) => {
    expectSchemaModeline(file, SCENARIO_SCHEMA);
    expect(loadScenarios([file], targets)).toHaveLength(1);
    expect(jsonSchemaProblems(published(SCENARIO_SCHEMA), parse(readFileSync(file, 'utf8')))).toEqual([]);
  });
});

describe('bad fixtures', () => {
  const bad = (dir: string, schemaName: string) =>
    readdirSync(dir)
      .filter((file) => !LOADER_ONLY.includes(file))
      .map((file) => ({ file: join(dir, file), schemaName }));

  it.each([...bad('fixtures/configs/bad', LAB_CONFIG_SCHEMA), ...bad('fixtures/scenarios/bad', SCENARIO_SCHEMA)])(
    '$file is rejected by the JSON Schema too, so editors flag it',
    ({ file, schemaName }) => {
      expect(jsonSchemaProblems(published(schemaName), parse(readFileSync(file, 'utf8')))).not.toEqual([]);
    },
  );
});
