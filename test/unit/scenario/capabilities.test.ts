import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { checkCapabilities, type LabCapabilities } from '../../../src/scenario/capabilities.js';
import { loadScenarios } from '../../../src/scenario/load.js';

const REPO = join(import.meta.dirname, '../../..');
const everything: LabCapabilities = { provider: 'test', controlPlaneFaults: true, agentFaults: true, freshJoin: true, upgrade: true, ocmVersion: 'v1.0.0', hubFeatureGates: { ManifestWorkReplicaSet: true } };

// A made-up lab's capabilities: both real providers can do every step today, so only this tests the refusal.
describe('a scenario step the lab cannot do', () => {
  it('is rejected before anything runs, at its file and line, naming what is missing and the provider', () => {
    const scenarios = loadScenarios([join(REPO, 'scenarios/join-accept.yaml'), join(REPO, 'fixtures/scenarios/manual/accept-and-agent-fault.yaml')]);
    expect(() => checkCapabilities(scenarios, everything)).not.toThrow();
    let error: unknown;
    try {
      checkCapabilities(scenarios, { ...everything, freshJoin: false, agentFaults: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => `${i.file}:${i.line} ${i.field}`)).toEqual([
      'scenarios/join-accept.yaml:10 join',
      expect.stringMatching(/^fixtures\/scenarios\/manual\/accept-and-agent-fault\.yaml:\d+ fault$/),
      expect.stringMatching(/^fixtures\/scenarios\/manual\/accept-and-agent-fault\.yaml:\d+ fault$/),
      expect.stringMatching(/^fixtures\/scenarios\/manual\/accept-and-agent-fault\.yaml:\d+ fault$/),
    ]);
    expect(issues[0]!.message).toMatch(/needs a fresh join, which the test provider cannot do/);
    expect(issues[1]!.message).toMatch(/needs stopping and starting a klusterlet agent/);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('a ManifestWorkReplicaSet on a lab without the hub gate ManifestWorkReplicaSet is rejected at its step, saying which gate to set', () => {
    const scenarios = loadScenarios([join(REPO, 'scenarios/manifestworkreplicaset.yaml')]);
    expect(() => checkCapabilities(scenarios, everything)).not.toThrow();
    let error: unknown;
    try {
      checkCapabilities(scenarios, { ...everything, hubFeatureGates: {} });
    } catch (caught) {
      error = caught;
    }
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => `${i.file}:${i.line} ${i.field}`)).toEqual(['scenarios/manifestworkreplicaset.yaml:11 apply']);
    expect(issues[0]!.message).toMatch(/applies a ManifestWorkReplicaSet, which the hub acts on only with the feature gate ManifestWorkReplicaSet: set ocm\.featureGates\.ManifestWorkReplicaSet: true/);
  });
});
