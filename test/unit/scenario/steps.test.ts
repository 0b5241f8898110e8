import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LabError, TimeoutError } from '../../../src/errors.js';
import { CancelledError } from '../../../src/process/abort.js';
import { absentOperation } from '../../../src/scenario/operations/absent.js';
import { applyOperation } from '../../../src/scenario/operations/apply.js';
import { assertOperation } from '../../../src/scenario/operations/assert.js';
import { scriptOperation } from '../../../src/scenario/operations/script.js';
import { sleepOperation } from '../../../src/scenario/operations/sleep.js';
import { runScenarios } from '../../../src/scenario/runner.js';
import { StepFailure, type ScenarioLab } from '../../../src/scenario/step-context.js';
import type { Scenario, Step } from '../../../src/scenario/types.js';

const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-steps-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Just enough of a lab for steps that touch no cluster (script, sleep) and for the runner. */
const lab = {
  name: 'test',
  hubName: 'hub',
  managedClusters: [],
  stateDir: scratch,
  tool: () => '/usr/bin/kubectl',
  cluster: (name: string) => ({ name, role: 'hub', kubeconfig: join(scratch, 'kubeconfig'), kubeconfigEnv: join(scratch, 'kubeconfig') }),
  clusters: () => [],
  diagnosticSources: () => ({ processLogs: [], podNamespaces: { hub: [], managed: [] }, exportNodeLogs: async () => undefined }),
} as unknown as ScenarioLab;

const source = { file: join(scratch, 'scenario.yaml'), line: 1 };

function scriptStep(run: string): Extract<Step, { op: 'script' }> {
  return { op: 'script', name: 'script', run, expectExitCode: 0, source };
}

let marks = 0;
/** A file the script's leftovers would write, and the file where the script notes its process group. */
function markFiles(): { mark: string; group: string; env: string } {
  marks += 1;
  const mark = join(scratch, `mark${marks}`);
  const group = join(scratch, `group${marks}`);
  return { mark, group, env: `MARK=${mark}; echo $$ > ${group};` };
}

/** Whether any process of the group whose leader had this pid still runs (zombies left to a PID 1 that does not reap them do not). */
function groupAlive(groupFile: string): boolean {
  const pgid = readFileSync(groupFile, 'utf8').trim();
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .some((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return pgrp === pgid && state !== 'Z';
      } catch {
        return false;
      }
    });
}

describe('a script step', () => {
  it('that times out stops promptly, with every process it started', async () => {
    const { mark, group, env } = markFiles();
    const started = Date.now();
    const result = scriptOperation.execute(scriptStep(`${env} (sleep 3; echo late > $MARK) & sleep 60`), { lab, timeoutMs: 1000, signal: new AbortController().signal });
    await expect(result).rejects.toThrow(StepFailure);
    await expect(result).rejects.toThrow(/timed out after 1\.0s/);
    expect(Date.now() - started).toBeLessThan(4000);
    await wait(4000);
    expect(existsSync(mark)).toBe(false);
    expect(groupAlive(group)).toBe(false);
  });

  it('that is cancelled stops promptly, with every process it started', async () => {
    const { mark, group, env } = markFiles();
    const controller = new AbortController();
    const started = Date.now();
    const result = scriptOperation.execute(scriptStep(`${env} (sleep 3; echo late > $MARK) & sleep 60`), { lab, timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 500);
    await expect(result).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(4000);
    await wait(4000);
    expect(existsSync(mark)).toBe(false);
    expect(groupAlive(group)).toBe(false);
  });

  it('that exits leaves nothing running, and a child holding its output open does not hold the step', async () => {
    const { mark, group, env } = markFiles();
    const started = Date.now();
    const summary = await scriptOperation.execute(scriptStep(`${env} (sleep 3; echo late > $MARK) & echo done`), { lab, timeoutMs: 60_000, signal: new AbortController().signal });
    expect(summary).toBe('done');
    expect(Date.now() - started).toBeLessThan(2500);
    await wait(4000);
    expect(existsSync(mark)).toBe(false);
    expect(groupAlive(group)).toBe(false);
  });

  it('that ignores SIGTERM is killed after a short grace', async () => {
    const { group, env } = markFiles();
    const started = Date.now();
    const result = scriptOperation.execute(scriptStep(`${env} trap "" TERM; (trap "" TERM; sleep 60) & sleep 60`), { lab, timeoutMs: 500, signal: new AbortController().signal });
    await expect(result).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(groupAlive(group)).toBe(false);
  });

  it('still checks the exit code and the output', async () => {
    const signal = new AbortController().signal;
    await expect(scriptOperation.execute({ ...scriptStep('echo hello; exit 3'), expectExitCode: 3, expectOutput: 'hello' }, { lab, timeoutMs: 10_000, signal })).resolves.toBe('hello');
    await expect(scriptOperation.execute(scriptStep('echo out; echo err >&2; exit 4'), { lab, timeoutMs: 10_000, signal })).rejects.toThrow(/script exited 4, expected 0[^]*out\nerr/);
    await expect(scriptOperation.execute({ ...scriptStep('echo hi'), expectOutput: 'bye' }, { lab, timeoutMs: 10_000, signal })).rejects.toThrow(/does not contain "bye"/);
  });
});

describe('a sleep step', () => {
  it('stops as soon as its signal is aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('step timed out')), 200);
    await expect(sleepOperation.execute({ op: 'sleep', name: 'sleep', durationMs: 60_000, source }, { lab, timeoutMs: 60_000, signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('an apply step', () => {
  it('with no objects fails, even when it expects an error', async () => {
    const step: Step = { op: 'apply', name: 'apply', cluster: 'hub', objects: [], expectError: 'denied', source };
    await expect(applyOperation.execute(step, { lab, timeoutMs: 1000, signal: new AbortController().signal })).rejects.toThrow(/lists no objects/);
  });
});

/** A lab whose cluster holds these objects and never changes: a wait ends at once, or times out. */
function labHolding(objects: unknown[]): ScenarioLab {
  const waitFor = async (_ref: unknown, settled: (objects: unknown[]) => unknown, options: { description: string }) => {
    const done = settled(objects);
    if (done === undefined) throw new TimeoutError(`timed out waiting for ${options.description}`);
    return done;
  };
  return { ...lab, client: () => ({ waitFor }) } as unknown as ScenarioLab;
}

const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'colours', namespace: 'ns' }, data });

describe('assert and absent steps', () => {
  const expected = configMap({ sky: 'blue' });
  const context = (objects: unknown[]) => ({ lab: labHolding(objects), timeoutMs: 1000, signal: new AbortController().signal });

  it('an assert passes on a match, and on timeout names the closest candidate\'s differing field', async () => {
    const step: Step = { op: 'assert', name: 'assert', cluster: 'hub', object: expected, source };
    await expect(assertOperation.execute(step, context([configMap({ sky: 'blue', grass: 'green' })]))).resolves.toBe('ConfigMap ns/colours matches on hub');
    await expect(assertOperation.execute(step, context([configMap({ sky: 'grey' })]))).rejects.toThrow(
      /^assert failed on cluster hub after .*: ConfigMap ns\/colours does not match\nclosest: ConfigMap ns\/colours\n.*data\.sky/s,
    );
    await expect(assertOperation.execute(step, context([]))).rejects.toThrow(/does not match\nno ConfigMap ns\/colours found \(timed out waiting for ConfigMap ns\/colours\)/);
  });

  it('an absent passes when nothing matches, and on timeout names what is still there', async () => {
    const step: Step = { op: 'absent', name: 'absent', cluster: 'hub', object: expected, source };
    await expect(absentOperation.execute(step, context([configMap({ sky: 'grey' })]))).resolves.toBe('no ConfigMap ns/colours on hub');
    await expect(absentOperation.execute(step, context([configMap({ sky: 'blue' })]))).rejects.toThrow(/^absent failed on cluster hub after .*: still present: ConfigMap ns\/colours$/);
  });
});

function scenario(fields: Partial<Scenario>): Scenario {
  return { name: 'runner', labels: {}, file: source.file, timeoutMs: 60_000, steps: [], cleanup: [], ...fields };
}

describe('runScenarios', () => {
  it('runs the cleanup even when a step\'s timeout is out of the timers\' range', async () => {
    const steps: Step[] = [{ op: 'sleep', name: 'long', durationMs: 10, timeoutMs: 2 ** 33, source }];
    const cleanup: Step[] = [{ op: 'sleep', name: 'tidy', durationMs: 10, source }];
    const result = await runScenarios([scenario({ timeoutMs: 2 ** 34, steps, cleanup })], lab, { failFast: false, diagnosticsDir: join(scratch, 'diag-range') });
    expect(result.scenarios[0]!.steps.map((s) => `${s.name} ${s.outcome}`)).toEqual(['long passed', 'tidy passed']);
  });

  it('stops a sleeping step when the run is cancelled', async () => {
    const controller = new AbortController();
    const steps: Step[] = [{ op: 'sleep', name: 'long', durationMs: 50_000, timeoutMs: 55_000, source }];
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 300);
    const started = Date.now();
    await expect(runScenarios([scenario({ steps })], lab, { failFast: false, diagnosticsDir: join(scratch, 'diag-cancel'), signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('writes a failed scenario\'s diagnostics inside the diagnostics folder, whatever its name', async () => {
    const base = join(scratch, 'diag-escape');
    const inner = join(base, 'a', 'b');
    mkdirSync(inner, { recursive: true });
    const steps: Step[] = [scriptStep('exit 1')];
    await runScenarios([scenario({ name: 'x/../../../escape', steps })], lab, { failFast: false, diagnosticsDir: inner });
    expect(readdirSync(base)).toEqual(['a']);
  });

  it('runs each step with its own operation on the lab, reporting its summary, and the cleanup after a failure', async () => {
    const calls: string[] = [];
    const recording = {
      ...lab,
      hub: () => ({ mergePatch: async (ref: { name: string }, patch: unknown) => void calls.push(`patch ${ref.name} ${JSON.stringify(patch)}`) }),
      fault: async (cluster: string, target: string, action: string) => void calls.push(`fault ${cluster} ${target} ${action}`),
    } as unknown as ScenarioLab;
    const steps: Step[] = [
      { op: 'label', name: 'label', cluster: 'cluster1', labels: { env: 'test', old: null }, source },
      { op: 'fault', name: 'stop agent', cluster: 'cluster1', action: 'stop', target: 'agent', source },
      scriptStep('exit 2'),
      { op: 'sleep', name: 'skipped', durationMs: 10, source },
    ];
    const cleanup: Step[] = [{ op: 'fault', name: 'start agent', cluster: 'cluster1', action: 'start', target: 'agent', source }];
    const outputs: string[] = [];
    const onEvent = (event: { type: string; text?: string }) => void (event.type === 'output' && outputs.push(event.text!));
    const result = await runScenarios([scenario({ steps, cleanup })], recording, { failFast: false, diagnosticsDir: join(scratch, 'diag-ops'), onEvent });
    expect(result.scenarios[0]!.steps.map((s) => `${s.op} ${s.outcome}`)).toEqual(['label passed', 'fault passed', 'script failed', 'sleep skipped', 'fault passed']);
    expect(calls).toEqual(['patch cluster1 {"metadata":{"labels":{"env":"test","old":null}}}', 'fault cluster1 agent stop', 'fault cluster1 agent start']);
    expect(outputs).toEqual(
      expect.arrayContaining(['labels env=test, -old on ManagedCluster cluster1', 'stopped the klusterlet agent of cluster1', 'started the klusterlet agent of cluster1']),
    );
  });

  describe('and the fleet (for the HTML report)', () => {
    let hubCalls = 0;
    /** A lab whose hub cannot be reached: capturing the fleet fails, and the run must not. */
    const noHub = {
      ...lab,
      hub: () => {
        hubCalls += 1;
        throw new LabError('cluster "hub" is not part of the lab');
      },
    } as unknown as ScenarioLab;
    const scenarios = () => [scenario({ name: 'good', steps: [scriptStep('true')] }), scenario({ name: 'bad', steps: [scriptStep('exit 3')] })];

    it('with captureFleet: a snapshot at each failure and one at the end; one that cannot be taken says why and fails nothing', async () => {
      hubCalls = 0;
      const result = await runScenarios(scenarios(), noHub, { failFast: false, diagnosticsDir: join(scratch, 'diag-fleet'), captureFleet: true });
      expect(result.scenarios.map((s) => s.outcome)).toEqual(['passed', 'failed']);
      expect(result.scenarios[0]!.fleetAtFailure).toBeUndefined();
      expect(result.scenarios[1]!.fleetAtFailure).toMatchObject({ hub: 'hub', clusters: [], errors: ['cannot read the fleet from the hub: cluster "hub" is not part of the lab'] });
      expect(result.fleet).toMatchObject({ hub: 'hub', errors: ['cannot read the fleet from the hub: cluster "hub" is not part of the lab'] });
      expect(hubCalls).toBe(2);
    });

    it('without it: the hub is not asked and the result has no snapshot', async () => {
      hubCalls = 0;
      const result = await runScenarios(scenarios(), noHub, { failFast: false, diagnosticsDir: join(scratch, 'diag-no-fleet') });
      expect(hubCalls).toBe(0);
      expect('fleet' in result).toBe(false);
      expect(result.scenarios.some((s) => 'fleetAtFailure' in s)).toBe(false);
    });
  });
});
