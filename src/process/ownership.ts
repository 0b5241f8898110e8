import { isAbsolute, resolve } from 'node:path';
import { allProcesses, environ, isZombie, startIdentity, type ProcInfo } from './proc.js';

/** Environment marker every process a lab starts carries: the lab's absolute state dir. */
export const OWNER_ENV = 'OCM_LAB_OWNER';
/** Which part of the lab a process belongs to (a local cluster's control plane: `kwok/<cluster>`). */
export const PART_ENV = 'OCM_LAB_PART';

/** Who owns a process: a lab (its absolute state dir) and, optionally, one part of it. */
export interface Owner {
  root: string;
  /** Exactly this part. */
  part?: string;
  /** Any part whose name starts with this. */
  partPrefix?: string;
}

function absolute(root: string): string {
  if (!isAbsolute(root)) throw new Error(`owner marker must be an absolute path, got "${root}"`);
  return resolve(root);
}

/** The environment that marks a process as the lab's (and the part's). */
export function ownerEnv(root: string, part?: string): Record<string, string> {
  return { [OWNER_ENV]: absolute(root), ...(part && { [PART_ENV]: part }) };
}

/**
 * Whether a process's environment carries the owner's exact marker (and part). The command line is never
 * evidence: a user's `tail -f .lab/x/logs/…` or `kubectl --kubeconfig .lab/…` names lab paths but is not the lab's.
 */
export function carriesMarker(env: string[], owner: Owner): boolean {
  if (!env.includes(`${OWNER_ENV}=${absolute(owner.root)}`)) return false;
  if (owner.part !== undefined && !env.includes(`${PART_ENV}=${owner.part}`)) return false;
  return owner.partPrefix === undefined || env.some((entry) => entry.startsWith(`${PART_ENV}=${owner.partPrefix}`));
}

/** Every live process that carries the owner's marker: the reaper's view, found even when the lab's state is lost. */
export function processesOwnedBy(owner: Owner): ProcInfo[] {
  return allProcesses().filter((p) => carriesMarker(environ(p.pid), owner));
}

/**
 * Whether `pid` is still the very process the lab recorded: alive, marked as the owner's, and started at the
 * recorded moment of this boot (a pid reused after a wrap or a reboot is someone else).
 */
export function isRecordedProcess(pid: number, identity: string | undefined, owner: Owner): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || !identity) return false;
  return startIdentity(pid) === identity && !isZombie(pid) && carriesMarker(environ(pid), owner);
}
