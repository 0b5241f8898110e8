import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCli, REPO } from './helpers.js';
import type { SpecResult } from '../../ops/ocm-e2e/run.js';
import { withMachineAlone } from '../support/machine-turns.js';

// Provider: kind. OCM's own e2e suite at the pinned version, every spec (`npm run test:ocm-e2e -- --all`), on the lab
// shape it needs (fixtures/configs/ocm-e2e.yaml: the hub manages itself, as upstream runs the suite on one cluster),
// with the lab's images built offline. Needs a Docker engine that runs privileged containers
// (sudo bash ops/docker/ensure-docker.sh).

/** The suite's specs at v1.2.0 (README, "OCM's own e2e suite"); --all runs each in Default or in Hosted mode. */
const SUITE_SPECS = 89;
const NAME = 'ocme2e';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-e2e-all-'));
const config = join(dir, 'ocm-e2e.yaml');
const lab = (...args: string[]) => labCli([...args, '--config', config], { timeoutMs: 1_200_000 });
const labContainers = async () =>
  (await execa('docker', ['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter((n) => n.startsWith(`${NAME}-`)).sort();

describe("OCM's own e2e suite, all of it (provider kind, offline images)", { timeout: 3_000_000 }, () => {
  beforeAll(async () => {
    writeFileSync(config, readFileSync(join(REPO, 'fixtures/configs/ocm-e2e.yaml'), 'utf8').replace(/^name: .*$/m, `name: ${NAME}`));
    const setup = await labCli(['setup', '--kind'], { timeoutMs: 3_600_000 });
    expect(setup.exitCode, setup.all).toBe(0);
    // The suite's binary and the images its work and add-on specs run (loaded by the config's kind.extraImages).
    const suite = await labCli(['tsx', 'ops/ocm-e2e/build.ts'], { command: 'npx', cwd: REPO, timeoutMs: 1_800_000 });
    expect(suite.exitCode, suite.all).toBe(0);
  }, 3_600_000);

  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it(`passes all ${SUITE_SPECS} specs against a hub that manages itself, in Default and then in Hosted mode`, async () => {
    const out = join(dir, 'results');
    // The lab comes up while the local files go on (the suite's own `up` then finds it healthy and leaves it): only
    // the suite itself needs the machine alone.
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    // Its BeforeSuite gives a klusterlet 90 s to join, which a local lab beside it made it miss (CI, 2026-12-06).
    // A second attempt for a failed spec: upstream's "unaccepted managed cluster to accepted by unauthorized user"
    // (registration_webhook_test.go:490) binds a role to a service account and uses it at once, before the API
    // server's authorizer has seen the binding; it failed so once in six runs here (a CI rehearsal, 2026-12-06).
    // Every spec that needed it is printed below and marked in specs.md.
    const run = await withMachineAlone(() =>
      labCli(['tsx', 'ops/ocm-e2e/run.ts', '--all', '--config', config, '--out', out, '--flake-attempts', '2'], { command: 'npx', cwd: REPO, timeoutMs: 2_700_000 }),
    );
    expect(run.exitCode, run.all.slice(-8000)).toBe(0);
    const results: SpecResult[] = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    console.log(readFileSync(join(out, 'specs.md'), 'utf8'));
    console.log(`specs that passed after a failed attempt: ${results.filter((r) => r.attempts).map((r) => `${r.spec} (${r.failure})`).join('; ') || 'none'}`);
    expect(results.filter((r) => r.state !== 'passed').map((r) => `${r.spec}: ${r.state}`)).toEqual([]);
    expect(results).toHaveLength(SUITE_SPECS);
    // Hosted mode ran: its two specs skip themselves in Default mode.
    expect(results.filter((r) => r.spec.startsWith('Delete hosted klusterlet CR')).map((r) => r.state)).toEqual(['passed', 'passed']);
    // The hub joined itself again after the suite handed its klusterlet back.
    const status = await lab('status');
    expect(status.exitCode, status.all).toBe(0);
  }, 2_800_000);

  it('down leaves no container of the lab', async () => {
    expect(await labContainers()).toEqual([`${NAME}-e2e-spare-control-plane`, `${NAME}-hub-control-plane`]);
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await labContainers()).toEqual([]);
  });
});
