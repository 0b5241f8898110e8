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

export function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
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
