import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { errorMessage } from '../../errors.js';
import { writePrivateFile } from '../../fs/private-files.js';

/**
 * Kernel settings a kubelet changes from inside a privileged kind node. They are not per
 * container, so they change the host's: recorded before the lab's first node starts and put
 * back when its last one is gone. These keys are the only ones ever read or written.
 */
export const KUBELET_SYSCTLS = ['kernel/panic', 'kernel/panic_on_oops', 'vm/overcommit_memory'] as const;
export type KubeletSysctl = (typeof KUBELET_SYSCTLS)[number];

/** What the kernel shows for each of KUBELET_SYSCTLS: a decimal integer. */
const KERNEL_VALUE = /^-?\d{1,20}$/;

export interface SysctlIo {
  read(key: KubeletSysctl): string | undefined;
  write(key: KubeletSysctl, value: string): void;
}

function isKubeletSysctl(key: string): key is KubeletSysctl {
  return (KUBELET_SYSCTLS as readonly string[]).includes(key);
}

/** /proc/sys, guarded again here: no other key ever becomes a path. */
export const procSysctls: SysctlIo = {
  read: (key) => {
    if (!isKubeletSysctl(key)) return undefined;
    try {
      return readFileSync(`/proc/sys/${key}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  write: (key, value) => {
    if (!isKubeletSysctl(key) || !KERNEL_VALUE.test(value)) throw new Error(`refusing to write ${JSON.stringify(value)} to ${JSON.stringify(key)}`);
    writeFileSync(`/proc/sys/${key}`, `${value}\n`);
  },
};

/** `kernel/panic` → `kernel.panic`, as sysctl(8) names it. */
function dotted(key: string): string {
  return key.replaceAll('/', '.');
}

/** Records the host's values in `file`, unless a record already exists (a half-made lab keeps its first one). */
export function recordHostSysctls(file: string, io: SysctlIo = procSysctls): void {
  if (existsSync(file)) return;
  const values: Partial<Record<KubeletSysctl, string>> = {};
  for (const key of KUBELET_SYSCTLS) {
    const value = io.read(key);
    if (value !== undefined && KERNEL_VALUE.test(value)) values[key] = value;
  }
  writePrivateFile(file, `${JSON.stringify(values, null, 2)}\n`);
}

export interface SysctlRestore {
  /** Settings put back, as `kernel.panic=0`. */
  restored: string[];
  /** What could not be put back or was refused, each with what to do; empty when all went well. */
  problems: string[];
}

const CHECK_BY_HAND = `compare \`sysctl ${KUBELET_SYSCTLS.map(dotted).join(' ')}\` with your host's usual values and set them back with sudo sysctl -w`;

/** The record's keys and values that are ours and look like the kernel's; anything else is named in `problems`. */
function readRecord(file: string, problems: string[]): [KubeletSysctl, string][] {
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`could not read the record of the host's kernel settings (${file}: ${errorMessage(error)}), so none was restored: ${CHECK_BY_HAND}`);
    return [];
  }
  if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) {
    problems.push(`the record of the host's kernel settings (${file}) is not a JSON object, so none was restored: ${CHECK_BY_HAND}`);
    return [];
  }
  const entries: [KubeletSysctl, string][] = [];
  for (const [key, value] of Object.entries(recorded)) {
    if (!isKubeletSysctl(key)) problems.push(`ignored ${JSON.stringify(key)} in ${file}: not a kernel setting the lab records`);
    else if (typeof value !== 'string' || !KERNEL_VALUE.test(value)) problems.push(`ignored ${dotted(key)}=${JSON.stringify(value)} in ${file}: not an integer as the kernel gives it`);
    else entries.push([key, value]);
  }
  return entries;
}

/**
 * Puts back what `file` recorded and removes the record. Never throws: a setting it could not put back,
 * or a record it could not read, is a problem with the exact command that fixes it.
 */
export function restoreHostSysctls(file: string, io: SysctlIo = procSysctls): SysctlRestore {
  const result: SysctlRestore = { restored: [], problems: [] };
  if (!existsSync(file)) return result;
  const failed: string[] = [];
  const reasons = new Set<string>();
  for (const [key, value] of readRecord(file, result.problems)) {
    if (io.read(key) === value) continue;
    try {
      io.write(key, value);
      result.restored.push(`${dotted(key)}=${value}`);
    } catch (error) {
      failed.push(`${dotted(key)}=${value}`);
      reasons.add(errorMessage(error).split('\n')[0]!);
    }
  }
  if (failed.length) {
    result.problems.push(`could not restore the host's kernel settings ${failed.join(', ')} (${[...reasons].join('; ')}): run sudo sysctl -w ${failed.join(' ')}`);
  }
  rmSync(file, { force: true });
  return result;
}
