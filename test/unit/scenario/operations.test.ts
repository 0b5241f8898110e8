import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { checkCapabilities, type LabCapabilities } from '../../../src/scenario/capabilities.js';
import { OPERATIONS, OPS, operationOf } from '../../../src/scenario/operations/registry.js';
import { SCENARIO_API_VERSION, scenarioSchema } from '../../../src/scenario/schema-scenario.js';
import type { Scenario, StepOp } from '../../../src/scenario/types.js';

const FOLDER = join(import.meta.dirname, '../../../src/scenario/operations');

/** One step of every operation (a missing operation is a compile error), each needing whatever a lab may lack. */
const SAMPLES: { [Op in StepOp]: unknown } = {
  apply: { cluster: 'hub', object: { apiVersion: 'work.open-cluster-management.io/v1alpha1', kind: 'ManifestWorkReplicaSet', metadata: { name: 'r', namespace: 'n' } } },
  assert: { cluster: 'hub', object: { apiVersion: 'v1', kind: 'Namespace' } },
  absent: { cluster: 'hub', object: { apiVersion: 'v1', kind: 'Namespace' } },
  delete: { cluster: 'hub', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } } },
  work: { name: 'w', to: 'cluster1', object: { apiVersion: 'v1', kind: 'Namespace' } },
  label: { cluster: 'cluster1', labels: { a: 'b' } },
  clusterset: { name: 'set' },
  accept: { cluster: 'cluster1' },
  join: { cluster: 'cluster1' },
  fault: { cluster: 'cluster1', stop: 'agent' },
  upgrade: { to: 'v1.2.0', parts: ['hub'] },
  script: { run: 'true' },
  sleep: '1s',
};

function isOperation(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'name' in value && 'schema' in value && 'execute' in value;
}

/** A scenario with one step of every operation, read by the scenario schema. */
function everyOperation(): Scenario {
  const data = { apiVersion: SCENARIO_API_VERSION, kind: 'Scenario', metadata: { name: 'all' }, spec: { steps: OPS.map((op) => ({ [op]: SAMPLES[op] })) } };
  const parsed = scenarioSchema().parse(data);
  const source = { file: join(FOLDER, 'all.yaml'), line: 1 };
  return { name: 'all', labels: {}, file: source.file, timeoutMs: parsed.spec.timeout, steps: parsed.spec.steps.map((step) => ({ ...step, source })), cleanup: [] };
}

describe('the operation registry', () => {
  it('lists every operation module of src/scenario/operations once, each in the file named after it', async () => {
    const defined: { file: string; name: string; operation: unknown }[] = [];
    for (const file of readdirSync(FOLDER).filter((f) => f.endsWith('.ts'))) {
      const module = (await import(join(FOLDER, file))) as Record<string, unknown>;
      for (const value of Object.values(module).filter(isOperation)) defined.push({ file, name: (value as { name: string }).name, operation: value });
    }
    expect(defined.map(({ file, name }) => `${file} ${name}`).sort()).toEqual(OPS.map((op) => `${op}.ts ${op}`).sort());
    expect(new Set(OPS).size).toBe(OPS.length);
    for (const { operation } of defined) expect(OPERATIONS).toContain(operation);
  });

  it('gives the JSON Schema of a step one key per operation, exactly one of them required', () => {
    const schema = z.toJSONSchema(scenarioSchema(), { io: 'input', target: 'draft-7' }) as { properties: { spec: { properties: { steps: { items: Record<string, unknown> } } } } };
    const step = schema.properties.spec.properties.steps.items;
    expect(Object.keys(step.properties as object)).toEqual(['name', 'timeout', ...OPS]);
    expect(step.oneOf).toEqual(OPS.map((op) => ({ required: [op] })));
  });

  it('runs every step through its own operation\'s schema and executor', () => {
    const steps = everyOperation().steps;
    expect(steps.map((step) => step.op)).toEqual(OPS);
    for (const step of steps) expect(operationOf(step)).toBe(OPERATIONS.find((operation) => operation.name === step.op));
  });
});

describe('the capability check', () => {
  const nothing: LabCapabilities = { provider: 'bare', controlPlaneFaults: false, agentFaults: false, freshJoin: false, upgrade: false, ocmVersion: 'v1.2.0', hubFeatureGates: {} };
  const everything: LabCapabilities = { provider: 'full', controlPlaneFaults: true, agentFaults: true, freshJoin: true, upgrade: true, ocmVersion: 'v1.0.0', hubFeatureGates: { ManifestWorkReplicaSet: true } };

  it('asks each step\'s operation what it needs: a lab that can do nothing refuses exactly the steps that need something', () => {
    const scenario = everyOperation();
    expect(() => checkCapabilities([scenario], everything)).not.toThrow();
    let error: unknown;
    try {
      checkCapabilities([scenario], nothing);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => `${issue.field}: ${issue.message}`)).toEqual([
      expect.stringMatching(/^apply: step "apply #1" applies a ManifestWorkReplicaSet, which the hub acts on only with the feature gate ManifestWorkReplicaSet/),
      'join: step "join #9" needs a fresh join, which the bare provider cannot do',
      'fault: step "fault #10" needs stopping and starting a klusterlet agent, which the bare provider cannot do',
      'upgrade: step "upgrade #11" upgrades OCM, which the bare lab cannot do yet',
    ]);
  });
});
