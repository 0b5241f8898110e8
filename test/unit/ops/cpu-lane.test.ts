// ops/cpu-lane.ts against a stand-in cgroup folder (our own logic: which weight, which folder, that the wrapped
// command joins the group before it runs).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuLane } from '../../../ops/cpu-lane.js';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function cpuRoot(dockerShares?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'ocm-lab-cpu-root-'));
  roots.push(root);
  writeFileSync(join(root, 'cpu.shares'), '1024\n');
  if (dockerShares) {
    mkdirSync(join(root, 'docker'));
    writeFileSync(join(root, 'docker', 'cpu.shares'), `${dockerShares}\n`);
  }
  return root;
}

describe('cpuLane', () => {
  it("weighs the lane as Docker's group, and the wrapped command joins the lane before it runs", async () => {
    const root = cpuRoot('2048');
    const lane = cpuLane('local', root);
    if (!('wrap' in lane)) throw new Error(lane.reason);
    const dir = join(root, `ocm-lab-local-${process.pid}`);
    expect(readFileSync(join(dir, 'cpu.shares'), 'utf8')).toBe('2048');
    const [file, ...args] = lane.wrap(['sh', '-c', 'echo "$$ $0"', 'arg with space']);
    const { stdout } = await execa(file!, args);
    const [pid, arg] = [stdout.split(' ')[0], stdout.slice(stdout.indexOf(' ') + 1)];
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()).toBe(pid);
    expect(arg).toBe('arg with space');
  });

  it("takes Docker's default weight before Docker has made its group", () => {
    const root = cpuRoot();
    expect('wrap' in cpuLane('local', root)).toBe(true);
    expect(readFileSync(join(root, `ocm-lab-local-${process.pid}`, 'cpu.shares'), 'utf8')).toBe('1024');
  });

  it('says why where there is no cgroup v1 cpu controller', () => {
    const root = mkdtempSync(join(tmpdir(), 'ocm-lab-cpu-root-'));
    roots.push(root);
    expect(cpuLane('local', root)).toEqual({ reason: `no cgroup v1 cpu controller at ${root}` });
  });
});
