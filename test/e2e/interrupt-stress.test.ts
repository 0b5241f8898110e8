import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB, labCli, labProcesses } from './helpers.js';

// Provider: local. `./lab up` interrupted at random points (Ctrl-C or kill -9), then `./lab down`:
// nothing of the lab may be left, whatever the point. The seed is printed so a failure can be replayed.
const ROUNDS = Number(process.env.OCM_LAB_STRESS_ROUNDS ?? 8);
const seed = Number(process.env.OCM_LAB_STRESS_SEED ?? Date.now() % 100_000);
let state = seed;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-stress-'));
const config = join(dir, 'lab.config.yaml');
const stateDir = join(dir, '.lab', 'stress');
writeFileSync(config, 'name: stress\nprovider: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\n');

describe(`up interrupted at random points, then down (seed ${seed})`, { timeout: 1_200_000 }, () => {
  afterAll(async () => {
    await labCli(['down', '--config', config]);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}`, async () => {
      const signal: NodeJS.Signals = random() < 0.5 ? 'SIGINT' : 'SIGKILL';
      const delayMs = Math.round(200 + random() * 14_000);
      const up = execa(LAB, ['up', '--config', config], { reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
      await new Promise((r) => setTimeout(r, delayMs));
      up.kill(signal);
      const interrupted = await up;
      console.log(`round ${round}: ${signal} after ${delayMs}ms → exit ${interrupted.exitCode ?? interrupted.signal}`);

      const down = await labCli(['down', '--config', config]);
      expect(down.exitCode, down.all).toBe(0);
      expect(labProcesses(stateDir)).toEqual([]);
      expect(existsSync(join(dir, '.lab'))).toBe(false);
    });
  }
});
