import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordHostSysctls, restoreHostSysctls, type SysctlIo } from '../../../src/providers/kind/host-sysctls.js';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-sysctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pretend /proc/sys: our own record-and-restore logic only. */
function fakeHost(values: Record<string, string>): SysctlIo & { values: Record<string, string> } {
  return { values, read: (key) => values[key], write: (key, value) => void (values[key] = value) };
}

describe('host kernel settings a kind node\'s kubelet changes', () => {
  it('are recorded before the first node, kept across a second record, and restored when the lab goes', () => {
    const file = join(dir, 'host-sysctls.json');
    const host = fakeHost({ 'kernel/panic': '0', 'kernel/panic_on_oops': '0', 'vm/overcommit_memory': '0' });
    recordHostSysctls(file, host);
    Object.assign(host.values, { 'kernel/panic': '10', 'kernel/panic_on_oops': '1', 'vm/overcommit_memory': '1' });
    recordHostSysctls(file, host); // a second `up` must not record the kubelet's values as the host's
    expect(restoreHostSysctls(file, host).sort()).toEqual(['kernel.panic=0', 'kernel.panic_on_oops=0', 'vm.overcommit_memory=0']);
    expect(host.values).toEqual({ 'kernel/panic': '0', 'kernel/panic_on_oops': '0', 'vm/overcommit_memory': '0' });
    expect(existsSync(file)).toBe(false);
    expect(restoreHostSysctls(file, host)).toEqual([]);
  });
});
