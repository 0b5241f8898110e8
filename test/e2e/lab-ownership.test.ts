import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCli, labProcesses } from './helpers.js';

// Provider: local. Two labs in one folder whose names share a prefix ("ocm" and "ocm-lab"), and in
// lab "ocm" two clusters whose names share a prefix ("c1" and "c10"): each owns exactly what it made.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-owner-'));
const configs = {
  ocm: join(dir, 'ocm.yaml'),
  'ocm-lab': join(dir, 'ocm-lab.yaml'),
};
const stateOf = (name: keyof typeof configs) => join(dir, '.lab', name);
const lab = (name: keyof typeof configs, ...args: string[]) => labCli([...args, '--config', configs[name]]);
const pids = (root: string) => labProcesses(root).map((p) => p.pid).sort();
const clusterDir = (cluster: string) => join(stateOf('ocm'), 'kwok', 'clusters', cluster);

interface Status {
  healthy: boolean;
  problems: string[];
  clusters: { name: string; working: boolean }[];
}
const status = async (name: keyof typeof configs) => {
  const result = await lab(name, 'status', '--json');
  return { exitCode: result.exitCode, ...(JSON.parse(result.stdout) as Status) };
};

describe('a lab owns exactly what it made (local provider)', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    writeFileSync(configs.ocm, 'name: ocm\nprovider: local\nmanagedClusters:\n  - name: c1\n  - name: c10\n');
    writeFileSync(configs['ocm-lab'], 'name: ocm-lab\nprovider: local\nmanagedClusters:\n  - name: c1\n');
    const [a, b] = await Promise.all([lab('ocm', 'up'), lab('ocm-lab', 'up')]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([lab('ocm', 'down'), lab('ocm-lab', 'down')]);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('a cluster whose fake-node controller stopped is reported unhealthy and repaired by up; cluster c10 is left alone', async () => {
    const kwok = labProcesses(clusterDir('c1')).filter((p) => p.cmd.split(' ')[0]!.endsWith('/kwok-controller'));
    expect(kwok).toHaveLength(1);
    const c10Before = pids(clusterDir('c10'));
    expect(c10Before.length).toBeGreaterThanOrEqual(5);
    process.kill(kwok[0]!.pid, 'SIGKILL');
    // Until init reaps it the dead kwok is a zombie, and its pid may then go to another program:
    // either way kwokctl's pid file names a pid that answers signal 0. A live stranger makes it certain.
    const stranger = spawn('sleep', ['600'], { stdio: 'ignore' });
    writeFileSync(join(clusterDir('c1'), 'pids', 'kwok-controller.pid'), String(stranger.pid));

    const broken = await status('ocm');
    expect(broken.exitCode).toBe(1);
    expect(broken.clusters.find((c) => c.name === 'c1')?.working).toBe(false);
    expect(broken.problems.join('\n')).toContain('c1: the fake-node controller (kwok) is not serving');

    const up = await lab('ocm', 'up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toContain('completing it');
    const repaired = await status('ocm');
    expect(repaired.problems).toEqual([]);
    expect(repaired.exitCode).toBe(0);
    expect(pids(clusterDir('c10'))).toEqual(c10Before);
    expect(stranger.exitCode, 'the program that took the pid is left alone').toBeNull();
    stranger.kill();
  });

  it('after its control plane is stopped and started, a cluster runs pods again', async () => {
    const scenario = join(dir, 'restart-then-deploy.yaml');
    writeFileSync(scenario, readFileSync(join(import.meta.dirname, '../../fixtures/scenarios/health/restart-then-deploy.yaml'), 'utf8'));
    const run = await lab('ocm', 'run', scenario);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/^1 passed, 0 failed, 0 skipped$/m);
    expect((await status('ocm')).healthy).toBe(true);
  });

  it('down of lab "ocm" leaves lab "ocm-lab" running with the same processes', async () => {
    const before = pids(stateOf('ocm-lab'));
    expect(before.length).toBeGreaterThan(10);
    const down = await lab('ocm', 'down');
    expect(down.exitCode, down.all).toBe(0);
    expect(labProcesses(stateOf('ocm'))).toEqual([]);
    expect(existsSync(stateOf('ocm'))).toBe(false);
    expect(pids(stateOf('ocm-lab'))).toEqual(before);
    expect((await status('ocm-lab')).healthy).toBe(true);
  });

  it('down with the lab\'s state.json lost still removes everything of it, and only of it', async () => {
    await lab('ocm', 'up');
    const other = pids(stateOf('ocm-lab'));
    rmSync(join(stateOf('ocm'), 'state.json'));
    writeFileSync(join(stateOf('ocm'), 'state.json'), '{corrupt');
    const down = await lab('ocm', 'down');
    expect(down.exitCode, down.all).toBe(0);
    expect(labProcesses(stateOf('ocm'))).toEqual([]);
    expect(existsSync(stateOf('ocm'))).toBe(false);
    expect(pids(stateOf('ocm-lab'))).toEqual(other);
  });
});
