import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { labCli, REPO, type CliResult } from './helpers.js';

/** The built-in scenarios (scenarios/*.yaml) by name: the suite of each provider runs every one of them. */
export const BUILT_IN_SCENARIOS = readdirSync(join(REPO, 'scenarios'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''))
  .sort();

export interface JsonReport {
  version: number;
  passed: number;
  failed: number;
  scenarios: { name: string; outcome: string; durationMs: number; diagnostics?: string; steps: { name: string; outcome: string; message?: string }[] }[];
}

export interface ScenarioSuiteLab {
  provider: 'local' | 'kind';
  /** A folder holding the lab config (with scenarios/ and fixtures/ copied next to it, as a user's checkout has them). */
  dir: string;
  config: string;
  /** The bootstrap kubeconfig, whose token must not appear in any report or bundle. */
  bootstrapKubeconfig: string;
  /** Bundle files (relative to its root) this provider must write for a failed scenario, beyond the common ones. */
  diagnosticsFiles: (string | RegExp)[];
  timeoutMs: number;
}

/**
 * The scenario checks both providers must pass on a real lab, from the same scenario files: a difference
 * between the providers shows up as a failing test. Registers its tests in the caller's describe.
 */
export function scenarioChecks(lab: ScenarioSuiteLab): void {
  const run = (...args: string[]): Promise<CliResult> => labCli(['run', ...args, '--config', lab.config], { timeoutMs: lab.timeoutMs });

  it(`./lab run passes every built-in scenario on ${lab.provider} and writes JUnit and JSON reports`, async () => {
    const junit = join(lab.dir, 'reports', 'junit.xml');
    const json = join(lab.dir, 'reports', 'run.json');
    const result = await run('--report', `junit=${junit}`, '--report', `json=${json}`);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${BUILT_IN_SCENARIOS.length} passed, 0 failed, 0 skipped$`, 'm'));

    const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    expect(report.version).toBe(1);
    expect(report.scenarios.map((s) => `${s.name}=${s.outcome}`).sort()).toEqual(BUILT_IN_SCENARIOS.map((name) => `${name}=passed`));
    for (const s of report.scenarios) expect(s.steps.every((step) => step.outcome === 'passed'), s.name).toBe(true);
    // The closing note quotes these: one line per scenario with its run time on this provider.
    console.log(report.scenarios.map((s) => `${s.name} (${lab.provider}): ${(s.durationMs / 1000).toFixed(1)}s`).join('\n'));

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toMatch(/<testsuites [^>]*tests="\d+" [^>]*failures="0"/);
    expect(xml.match(/<testsuite /g)).toHaveLength(BUILT_IN_SCENARIOS.length);
    expect(xml).not.toContain('<failure');
  });

  it(`a scenario written only with the four core operations works on ${lab.provider} as documented (and the README example)`, async () => {
    const result = await run(join(REPO, 'fixtures/scenarios/good/core-ops.yaml'), join(REPO, 'fixtures/scenarios/readme/work-lands.yaml'));
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(/^2 passed, 0 failed, 0 skipped$/m);
  });

  it(`a false expectation on ${lab.provider} fails with exit 1, names the field and both values, and writes diagnostics without secrets`, async () => {
    const junit = join(lab.dir, 'reports', 'false.xml');
    const diagnostics = join(lab.dir, 'diag');
    const result = await run(join(REPO, 'fixtures/scenarios/good/false-expectation.yaml'), '--report', `junit=${junit}`, '--diagnostics', diagnostics);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stdout).toMatch(/^0 passed, 1 failed, 0 skipped$/m);
    expect(result.all).toContain('assert failed on cluster hub after');
    expect(result.all).toContain('closest: ManagedCluster cluster1');
    expect(result.all).toContain('metadata.labels.region: expected "mars", got "east"');
    expect(result.all).toContain('false-expectation.yaml:8');

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<failure message="[^"]*">[^<]*metadata\.labels\.region: expected "mars", got "east"/);
    expect(xml).toMatch(/<skipped/);

    const [bundle] = readdirSync(diagnostics);
    const root = join(diagnostics, bundle!);
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const relative = files.map((file) => file.slice(root.length + 1));
    for (const file of ['hub/managedclusters.yaml', 'hub/events.yaml', 'cluster1/appliedmanifestworks.yaml', ...lab.diagnosticsFiles]) {
      if (typeof file === 'string') expect(existsSync(join(root, file)), file).toBe(true);
      else expect(relative.some((f) => file.test(f)), `a bundle file matching ${file}`).toBe(true);
    }
    expect(readFileSync(join(root, 'hub/managedclusters.yaml'), 'utf8')).toContain('name: cluster1');
    const token = /token: (\S+)/.exec(readFileSync(lab.bootstrapKubeconfig, 'utf8'))![1]!;
    expect(readFileSync(join(root, 'hub/certificatesigningrequests.yaml'), 'utf8')).toContain('kind: CertificateSigningRequest');
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(token);
      // CSR request and certificate, and kubeconfig credentials, are base64: look for their field names.
      expect(text, file).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|client-key-data|client-certificate-data|^\s+(request|certificate): /m);
    }
  });

  it(`./lab demo on ${lab.provider} leaves the lab up, runs the tour and says what to try next`, async () => {
    const demo = await labCli(['demo', '--config', lab.config], { timeoutMs: lab.timeoutMs });
    expect(demo.exitCode, demo.all).toBe(0);
    expect(demo.stdout).toContain('healthy, nothing to do');
    expect(demo.stdout).toMatch(/^1 passed, 0 failed, 0 skipped$/m);
    expect(demo.stdout).toContain('Try next');
    expect((await labCli(['status', '--config', lab.config])).exitCode).toBe(0);
  });
}

/** The built-in scenarios a lab of clusters it does not own can run: all but the control-plane faults. */
const NEEDS_CONTROL_PLANE_FAULTS = ['fault-lose-cluster'];

/**
 * The scenario checks of a lab on clusters it did not make (provider existing): a control-plane fault refused by
 * `validate` at its step's line, and every other built-in scenario passing, with an agent fault and a fresh join.
 * `dir` holds the lab's copy of scenarios/. Registers its tests in the caller's describe.
 */
export function existingLabScenarioChecks(dir: string, lab: (...args: string[]) => Promise<CliResult>): void {
  it("validate refuses a control-plane fault at the step's line (the lab does not own these clusters)", async () => {
    const validate = await lab('validate', join(dir, 'scenarios', 'fault-lose-cluster.yaml'));
    expect(validate.exitCode, validate.all).toBe(2);
    expect(validate.all).toMatch(/fault-lose-cluster\.yaml:\d+:\d+: fault: step "stop cluster2's control plane" needs stopping and starting a control plane, which the existing provider cannot do/);
  });

  it('./lab run passes every built-in scenario that needs no control-plane fault, a fresh join and an agent fault included', async () => {
    const runnable = BUILT_IN_SCENARIOS.filter((name) => !NEEDS_CONTROL_PLANE_FAULTS.includes(name));
    const json = join(dir, 'reports', 'run.json');
    const run = await lab('run', ...runnable.map((name) => join(dir, 'scenarios', `${name}.yaml`)), join(REPO, 'fixtures/scenarios/kind/agent-fault.yaml'), '--report', `json=${json}`);
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    expect(report.scenarios.map((s) => `${s.name}=${s.outcome}`).sort()).toEqual([...runnable, 'agent-fault'].map((name) => `${name}=passed`).sort());
  });
}
