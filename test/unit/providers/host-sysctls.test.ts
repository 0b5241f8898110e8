import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordHostSysctls, restoreHostSysctls, type SysctlIo } from '../../../src/providers/kind/host-sysctls.js';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-sysctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pretend /proc/sys: our own record-and-restore logic only. Records every key read or written. */
function fakeHost(values: Record<string, string>, options: { refuse?: NodeJS.ErrnoException } = {}): SysctlIo & { values: Record<string, string>; touched: string[] } {
  const touched: string[] = [];
  return {
    values,
    touched,
    read: (key) => (touched.push(key), values[key]),
    write: (key, value) => {
      touched.push(key);
      if (options.refuse) throw options.refuse;
      values[key] = value;
    },
  };
}

const changedByKubelet = () => ({ 'kernel/panic': '10', 'kernel/panic_on_oops': '1', 'vm/overcommit_memory': '1' });
let n = 0;
function record(text: string): string {
  const file = join(dir, `record-${n++}.json`);
  writeFileSync(file, text);
  return file;
}

describe('host kernel settings a kind node\'s kubelet changes', () => {
  it('are recorded before the first node, kept across a second record, and restored when the lab goes', () => {
    const file = join(dir, 'host-sysctls.json');
    const host = fakeHost({ 'kernel/panic': '0', 'kernel/panic_on_oops': '0', 'vm/overcommit_memory': '0' });
    recordHostSysctls(file, host);
    Object.assign(host.values, changedByKubelet());
    recordHostSysctls(file, host); // a second `up` must not record the kubelet's values as the host's
    const result = restoreHostSysctls(file, host);
    expect(result.restored.sort()).toEqual(['kernel.panic=0', 'kernel.panic_on_oops=0', 'vm.overcommit_memory=0']);
    expect(result.problems).toEqual([]);
    expect(host.values).toEqual({ 'kernel/panic': '0', 'kernel/panic_on_oops': '0', 'vm/overcommit_memory': '0' });
    expect(existsSync(file)).toBe(false);
    expect(restoreHostSysctls(file, host)).toEqual({ restored: [], problems: [] });
  });

  it('records only values that look like the kernel\'s (integers)', () => {
    const file = join(dir, 'odd-host.json');
    recordHostSysctls(file, fakeHost({ 'kernel/panic': '0', 'kernel/panic_on_oops': 'garbage', 'vm/overcommit_memory': '0\n../x' }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'kernel/panic': '0' });
  });

  it('never reads or writes a key outside the three it records, whatever the record says', () => {
    const host = fakeHost(changedByKubelet());
    const file = record(JSON.stringify({ '../../tmp/x': '1', 'kernel/modprobe': '/tmp/evil', 'kernel/panic': '0' }));
    const result = restoreHostSysctls(file, host);
    expect(host.touched.every((key) => ['kernel/panic', 'kernel/panic_on_oops', 'vm/overcommit_memory'].includes(key))).toBe(true);
    expect(host.touched).toContain('kernel/panic');
    expect(result.restored).toEqual(['kernel.panic=0']);
    expect(result.problems).toEqual([
      `ignored "../../tmp/x" in ${file}: not a kernel setting the lab records`,
      `ignored "kernel/modprobe" in ${file}: not a kernel setting the lab records`,
    ]);
  });

  it('refuses a recorded value that is not an integer', () => {
    const host = fakeHost(changedByKubelet());
    const file = record(JSON.stringify({ 'kernel/panic': '0\n1', 'vm/overcommit_memory': 2 }));
    const result = restoreHostSysctls(file, host);
    expect(host.values).toEqual(changedByKubelet());
    expect(result.restored).toEqual([]);
    expect(result.problems).toEqual([
      `ignored kernel.panic="0\\n1" in ${file}: not an integer as the kernel gives it`,
      `ignored vm.overcommit_memory=2 in ${file}: not an integer as the kernel gives it`,
    ]);
  });

  it('reports a truncated or garbled record instead of crashing, and removes it so the next down is not stuck', () => {
    for (const text of ['{"kernel/panic": "0"', '["kernel/panic"]', 'null', '']) {
      const host = fakeHost(changedByKubelet());
      const file = record(text);
      const result = restoreHostSysctls(file, host);
      expect(result.restored).toEqual([]);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/record of the host's kernel settings .* so none was restored: compare `sysctl kernel.panic kernel.panic_on_oops vm.overcommit_memory`/);
      expect(host.values).toEqual(changedByKubelet());
      expect(existsSync(file)).toBe(false);
    }
  });

  it('reports a setting the host refuses (not root) with the exact command that puts it back', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/proc/sys/kernel/panic'"), { code: 'EACCES' });
    const host = fakeHost(changedByKubelet(), { refuse: denied });
    const file = record(JSON.stringify({ 'kernel/panic': '0', 'kernel/panic_on_oops': '0', 'vm/overcommit_memory': '1' }));
    const result = restoreHostSysctls(file, host);
    expect(result.restored).toEqual([]);
    expect(result.problems).toEqual([
      "could not restore the host's kernel settings kernel.panic=0, kernel.panic_on_oops=0 (EACCES: permission denied, open '/proc/sys/kernel/panic'): " +
        'run sudo sysctl -w kernel.panic=0 kernel.panic_on_oops=0',
    ]);
  });
});
