import { readdirSync, readFileSync } from 'node:fs';

/** A process as /proc shows it. */
export interface ProcInfo {
  pid: number;
  args: string[];
}

export function cmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

export function environ(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function isZombie(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === undefined || state === 'Z' || state === 'X';
}

let bootId: string | undefined;

/**
 * Who a pid is, beyond its number: this boot's id and the process's start time in clock ticks since boot.
 * A pid reused after a wrap or a reboot has another start time or boot id, so a recorded identity never
 * matches a stranger that got the same number.
 */
export function startIdentity(pid: number): string | undefined {
  const ticks = statFields(pid)?.[19];
  if (!ticks) return undefined;
  bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return `${bootId}/${ticks}`;
}

/** True while the pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  return !!cmdline(pid) && !isZombie(pid);
}

/** Every live process on the host but this one. */
export function allProcesses(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const args = cmdline(pid);
    if (args && !isZombie(pid)) found.push({ pid, args });
  }
  return found;
}
