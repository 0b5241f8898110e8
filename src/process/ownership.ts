import { sep } from 'node:path';
import { allProcesses, environ, type ProcInfo } from './proc.js';

/** Environment marker every process a lab starts carries: the lab's absolute state dir. */
export const OWNER_ENV = 'OCM_LAB_OWNER';

export function ownerEnv(root: string): Record<string, string> {
  return { [OWNER_ENV]: root };
}

/** True when `path` is `root` or lies inside it: a path, never a prefix of another name (`/x/ocm` does not own `/x/ocm-lab`). */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** The paths an argument may hold: `--flag=/a/b`, `a=/x,b=/y`, `/p1:/p2`. */
function pathsIn(arg: string): string[] {
  return arg.split(/[=,:]/).filter((part) => part.startsWith(sep));
}

/** Whether a process belongs to the lab at `root`: its environment names the lab, or one of its arguments is a path inside it. */
export function isOwnedBy(process: ProcInfo, root: string, env: string[] = environ(process.pid)): boolean {
  if (env.includes(`${OWNER_ENV}=${root}`)) return true;
  return process.args.some((arg) => pathsIn(arg).some((path) => isWithin(path, root)));
}

/** Every live process owned by the lab (or cluster folder) at `root`: the reaper's view, found even when the lab's state is lost. */
export function processesOwnedBy(root: string): ProcInfo[] {
  return allProcesses().filter((p) => isOwnedBy(p, root));
}
