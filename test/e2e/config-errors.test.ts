import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labCli, REPO } from './helpers.js';

// `./lab validate` on bad configs and scenarios: no lab needed, only the CLI.

const DIR = mkdtempSync(join(tmpdir(), 'lab-config-errors-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const SCENARIO = join(REPO, 'scenarios', 'join-accept.yaml');

describe('validate and the lab config', { timeout: 60_000 }, () => {
  it('a --config that does not exist exits 2 and names it', async () => {
    const result = await labCli(['validate', '--config', 'missing.yaml', SCENARIO], { cwd: DIR });
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toContain('error: missing.yaml:0:0: file not found');
  });

  it('without --config, a folder with no lab.config.yaml validates the scenarios alone', async () => {
    const result = await labCli(['validate', SCENARIO], { cwd: DIR });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('1 scenario valid');
  });

  it('an alias bomb in a scenario exits 2 at its line, quickly', async () => {
    const file = join(DIR, 'bomb.yaml');
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    writeFileSync(file, `${levels.join('\n')}\n`);
    const started = Date.now();
    const result = await labCli(['validate', file], { cwd: DIR });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/^error: bomb\.yaml:2:8: invalid YAML: its aliases would expand it many times over/);
  });

  it('a scenario file of several MiB exits 2 before it is parsed', async () => {
    const file = join(DIR, 'huge.yaml');
    writeFileSync(file, `# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const result = await labCli(['validate', file], { cwd: DIR });
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/^error: huge\.yaml:0:0: .*(MiB|bytes)/);
  });
});
