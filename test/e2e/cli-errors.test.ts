import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB, labCli, labProcesses, REPO } from './helpers.js';

const BAD = join(REPO, 'fixtures/configs/bad');

describe('the CLI on bad input', { timeout: 60_000 }, () => {
  it.each(readdirSync(BAD))('up with %s exits 2, names file:line and field, and creates nothing', async (file) => {
    const config = join(BAD, file);
    const result = await labCli(['up', '--config', config]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error: fixtures/configs/bad/${file.replace('.', '\\.')}:\\d+:\\d+: `));
    expect(result.stderr).toMatch(/hint: /);
    expect(existsSync(join(BAD, '.lab'))).toBe(false);
    expect(labProcesses(BAD)).toEqual([]);
  });

  it('a missing config file exits 2 with a hint', async () => {
    const result = await labCli(['status', '--config', 'nope.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('nope.yaml:0:0: file not found');
  });

  it('--json errors are JSON on stdout', async () => {
    const result = await labCli(['up', '--json', '--config', join(BAD, 'unknown-provider.yaml')]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 2, error: expect.stringContaining('provider: must be one of') });
  });

  it('unknown commands and flags are usage errors (exit 2)', async () => {
    expect((await labCli(['frobnicate'])).exitCode).toBe(2);
    expect((await labCli(['up', '--no-such-flag'])).exitCode).toBe(2);
    expect((await labCli([])).exitCode).toBe(2);
  });

  it.each(['up', 'down', 'status', 'kubeconfig', 'run', 'validate', 'demo', 'setup', 'doctor'])('%s --help describes the command and exits 0', async (command) => {
    const result = await labCli([command, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`lab ${command}`);
    expect(result.stdout).toContain('--config');
  });

  it('colours a terminal, and NO_COLOR turns colour off (run under a pseudo-terminal)', async () => {
    // labCli sets NO_COLOR for every run; `env -u` takes it away for the coloured one.
    const onTty = (env: string) => labCli(['-qec', `env ${env} ${LAB} doctor`, '/dev/null'], { command: 'script' });
    const coloured = await onTty('-u NO_COLOR');
    expect(coloured.stdout).toContain('\u001b[32mok');
    const plain = await onTty('NO_COLOR=1');
    expect(plain.stdout).toMatch(/node\s+ok/);
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('run with a report of an unknown kind, or without its path, exits 2 before anything runs', async () => {
    const config = join(REPO, 'fixtures/configs/minimal.yaml');
    const unknown = await labCli(['run', '--report', 'pdf=run.pdf', '--config', config]);
    expect(unknown.exitCode, unknown.all).toBe(2);
    expect(unknown.stderr).toContain('error: --report "pdf=run.pdf": unknown format "pdf" (known: junit, json, html)');
    expect(unknown.stderr).toContain('hint: use --report junit=PATH, json=PATH or html=PATH');
    const pathless = await labCli(['run', '--report', 'html', '--config', config]);
    expect(pathless.exitCode, pathless.all).toBe(2);
    expect(pathless.stderr).toContain('error: --report "html" is not FORMAT=PATH: the path is missing');
    expect(pathless.stderr).toContain('hint: e.g. --report html=report.html');
  });

  it('status without a lab says so and how to make one', async () => {
    const result = await labCli(['status', '--config', join(REPO, 'fixtures/configs/minimal.yaml')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no lab "ocm-lab" is up');
    expect(result.stderr).toContain('hint: ./lab up creates it');
  });
});
