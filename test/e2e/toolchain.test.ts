import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_BINARIES } from '../../src/toolchain/binaries.js';
import { labCli, REPO } from './helpers.js';

describe('the toolchain', { timeout: 120_000 }, () => {
  it('the build script skips every group already in the cache (how an interrupted build resumes)', async () => {
    const build = await labCli(['--import', 'tsx', join(REPO, 'ops/toolchain/build.ts')], { command: process.execPath });
    expect(build.exitCode, build.all).toBe(0);
    const groups = build.stdout.split('\n').filter((l) => /^\[toolchain\] \S.*: (cached|building…)$/.test(l));
    // etcd, kubernetes, kwok, ocm, ocm webhooks, clusteradm, kind, helm, ocm CRDs.
    expect(groups.length).toBe(9);
    expect(groups.every((l) => l.endsWith(': cached')), groups.join('\n')).toBe(true);
    expect(build.stdout).toMatch(/\[toolchain\] complete in \d+s/);
  });

  it('setup --ocm builds (or finds) another OCM release beside the pinned one, and refuses one the toolchain cannot build (exit 2)', async () => {
    const setup = await labCli(['setup', '--ocm', 'v1.0.0'], { timeoutMs: 900_000 });
    expect(setup.exitCode, setup.all).toBe(0);
    expect(setup.stdout).toMatch(/OCM v1\.0\.0: \S+\/ocm\/v1\.0\.0/);
    const refused = await labCli(['setup', '--ocm', 'v1.1.0']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--ocm v1.1.0: this toolchain builds OCM v1.0.0 and v1.2.0');
  });

  it('doctor reports every pinned binary with its version', async () => {
    const doctor = await labCli(['doctor', '--json']);
    expect(doctor.exitCode, doctor.all).toBe(0);
    const { checks } = JSON.parse(doctor.stdout) as { checks: { name: string; level: string; detail: string }[] };
    for (const binary of ALL_BINARIES) expect(checks.find((c) => c.name === binary)?.level, binary).toBe('ok');
    expect(checks.find((c) => c.name === 'kube-apiserver')?.detail).toBe('v1.36.1');
  });

  it('doctor fails with a fix when the toolchain is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ocm-lab-no-toolchain-'));
    try {
      const doctor = await labCli(['doctor'], { env: { OCM_LAB_TOOLCHAIN_CACHE: empty } });
      expect(doctor.exitCode).toBe(1);
      expect(doctor.stdout).toMatch(/toolchain\s+FAIL\s+not built/);
      expect(doctor.stdout).toContain('fix toolchain: ./lab setup');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
