import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCli, REPO } from './helpers.js';
import { BUILT_IN_SCENARIOS, scenarioChecks, type JsonReport } from './scenario-checks.js';

// The default lab (hub + cluster1 + cluster2 with the repo's labels and sets), in a scratch folder
// that also holds the built-in scenarios, so `./lab run` with no paths finds them.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-scenarios-'));
const config = join(dir, 'lab.config.yaml');
const lab = (...args: string[]) => labCli([...args, '--config', config], { timeoutMs: 900_000 });


describe('scenarios on a real local lab', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    // The repo's lab, on the provider this suite tests (the shipped config says auto).
    writeFileSync(config, readFileSync(join(REPO, 'lab.config.yaml'), 'utf8').replace(/^provider: .*$/m, 'provider: local'));
    cpSync(join(REPO, 'scenarios'), join(dir, 'scenarios'), { recursive: true });
    cpSync(join(REPO, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/Provider: local \(set in the config\)/);
  }, 600_000);

  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  scenarioChecks({
    provider: 'local',
    dir,
    config,
    bootstrapKubeconfig: join(dir, '.lab/ocm-lab/secrets/bootstrap-hub.kubeconfig'),
    // The local provider runs OCM as host processes: the bundle has their log tails, and the control planes' logs.
    diagnosticsFiles: ['logs/hub-registration.log', 'logs/hub-work-webhook.log', 'logs/cluster1-klusterlet.log', /^cluster1\/node-logs\/kube-apiserver\.log$/],
    timeoutMs: 900_000,
  });

  it('--select runs only the labelled scenarios; --fail-fast skips the rest after a failure', async () => {
    const selected = await lab('run', '--select', 'area=registration', '--json');
    expect(selected.exitCode, selected.all).toBe(0);
    expect((JSON.parse(selected.stdout) as JsonReport).scenarios.map((s) => s.name)).toEqual(['join-accept']);

    const failFast = await lab('run', join(REPO, 'fixtures/scenarios/good'), '--fail-fast', '--json', '--diagnostics', join(dir, 'diag-fail-fast'));
    expect(failFast.exitCode).toBe(1);
    const outcomes = (JSON.parse(failFast.stdout) as JsonReport).scenarios.map((s) => `${s.name}=${s.outcome}`);
    expect(outcomes).toEqual(['core-ops=passed', 'false-expectation=failed']);
  });

  it('in a GitHub Actions job: an error annotation at the failing step\'s file and line, a group per scenario, and a job summary', async () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = await labCli(['run', 'fixtures/scenarios/good', '--config', config, '--diagnostics', join(dir, 'diag-github')], {
      cwd: REPO,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      timeoutMs: 600_000,
    });
    expect(run.exitCode, run.all).toBe(1);
    const commands = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(commands.filter((l) => /^::(group|endgroup)::/.test(l)).map((l) => l.replace(/ \(.*$/, ''))).toEqual([
      '::group::PASS core-ops',
      '::endgroup::',
      '::group::FAIL false-expectation',
      '::endgroup::',
    ]);
    const errors = commands.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(1);
    // Properties escape ':' and ','; the message keeps its lines as %0A, so the closest candidate's diff shows whole.
    expect(errors[0]).toMatch(/^::error file=fixtures\/scenarios\/good\/false-expectation\.yaml,line=8,title=false-expectation%3A step "cluster1 is in region mars \(it is not\)" failed::assert failed on cluster hub after /);
    expect(errors[0]).toContain('%0Ametadata.labels.region: expected "mars", got "east"%0A');
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n## ocm-lab run on lab `ocm-lab`: 1 passed, 1 failed, 0 skipped')).toBe(true);
    expect(markdown).toMatch(/\| false-expectation \| ❌ failed \| [\d.]+s \| 0\/2 \| `fixtures\/scenarios\/good\/false-expectation\.yaml` \|/);
    expect(markdown).toContain('### ❌ false-expectation: step "cluster1 is in region mars (it is not)" (`fixtures/scenarios/good/false-expectation.yaml:8`');
    expect(markdown).toContain('metadata.labels.region: expected "mars", got "east"');
  });

  it('a step that outlives its timeout is cancelled: none of its work happens afterwards', async () => {
    const cancel = join(REPO, 'fixtures/scenarios/cancel');
    const run = await lab('run', join(cancel, 'step-timeout.yaml'), join(cancel, 'nothing-late.yaml'), '--json', '--diagnostics', join(dir, 'diag-cancel'));
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.scenarios.map((s) => `${s.name}=${s.outcome}`)).toEqual(['step-timeout=failed', 'nothing-late=passed']);
    expect(report.scenarios[0]!.steps[0]!.message).toMatch(/script timed out after 1(\.0)?s and was stopped/);
  });

});

describe('scenario validation without a lab', { timeout: 60_000 }, () => {
  it('./lab validate accepts the built-in scenarios', async () => {
    const result = await labCli(['validate', join(REPO, 'scenarios')], {});
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`${BUILT_IN_SCENARIOS.length} scenarios valid`);
  });

  it('./lab validate and ./lab run reject every bad scenario with exit 2 and file:line: field', async () => {
    const bad = join(REPO, 'fixtures/scenarios/bad');
    const validate = await labCli(['validate', bad]);
    expect(validate.exitCode).toBe(2);
    for (const file of readdirSync(bad)) expect(validate.stderr).toMatch(new RegExp(`fixtures/scenarios/bad/${file.replace('.', '\\.')}:\\d+:\\d+: `));
    const run = await labCli(['run', join(bad, 'unknown-op.yaml')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown-op.yaml:7:5: spec.steps[0].teleport: unknown key "teleport"');
  });

  // Both providers can do every operation now; the refusal itself is unit-tested with a made-up lab (capabilities.test.ts).
  it('./lab validate checks a scenario against the configured provider\'s capabilities: join-accept is valid on both', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ocm-lab-caps-'));
    const scenario = join(REPO, 'scenarios/join-accept.yaml');
    for (const provider of ['kind', 'local']) {
      writeFileSync(join(folder, `${provider}.yaml`), `name: caps\nprovider: ${provider}\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\n`);
      const result = await labCli(['validate', scenario, '--config', join(folder, `${provider}.yaml`)]);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stdout).toContain(`1 scenario valid for the ${provider} provider`);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('./lab run says clearly when no lab is up', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ocm-lab-nolab-'));
    cpSync(join(REPO, 'lab.config.yaml'), join(empty, 'lab.config.yaml'));
    const result = await labCli(['run', join(REPO, 'scenarios'), '--config', join(empty, 'lab.config.yaml')]);
    rmSync(empty, { recursive: true, force: true });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no lab "ocm-lab" is up');
    expect(result.stderr).toContain('hint: ./lab up creates it');
  });
});
