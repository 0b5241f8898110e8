import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writePrivateFile } from '../../fs/private-files.js';

/**
 * Kernel settings a kubelet changes from inside a privileged kind node. They are not per
 * container, so they change the host's: recorded before the lab's first node starts and put
 * back when its last one is gone.
 */
export const KUBELET_SYSCTLS = ['kernel/panic', 'kernel/panic_on_oops', 'vm/overcommit_memory'] as const;

export interface SysctlIo {
  read(key: string): string | undefined;
  write(key: string, value: string): void;
}

export const procSysctls: SysctlIo = {
  read: (key) => {
    try {
      return readFileSync(`/proc/sys/${key}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  write: (key, value) => writeFileSync(`/proc/sys/${key}`, `${value}\n`),
};

/** Records the host's values in `file`, unless a record already exists (a half-made lab keeps its first one). */
export function recordHostSysctls(file: string, io: SysctlIo = procSysctls): void {
  if (existsSync(file)) return;
  const values = Object.fromEntries(KUBELET_SYSCTLS.map((key) => [key, io.read(key)]).filter(([, v]) => v !== undefined));
  writePrivateFile(file, `${JSON.stringify(values, null, 2)}\n`);
}

/** Puts back what `file` recorded and removes it; returns the settings that differed. A setting the host will not take is skipped. */
export function restoreHostSysctls(file: string, io: SysctlIo = procSysctls): string[] {
  if (!existsSync(file)) return [];
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const restored: string[] = [];
  for (const [key, value] of Object.entries(recorded)) {
    if (io.read(key) === value) continue;
    try {
      io.write(key, value);
      restored.push(`${key.replaceAll('/', '.')}=${value}`);
    } catch {
      /* not root, or a read-only /proc/sys: nothing we can do */
    }
  }
  rmSync(file, { force: true });
  return restored;
}
