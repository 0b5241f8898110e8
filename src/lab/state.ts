import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClusterRole, ConcreteProvider, LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';

export const STATE_VERSION = 1;

export interface ClusterRecord {
  name: string;
  role: ClusterRole;
  /** Admin kubeconfig (0600) under the state dir. */
  kubeconfig: string;
  /** API server URL as seen from this host. */
  server: string;
  /** API server URL as seen from the other clusters (equal to `server` for the local provider). */
  serverFromClusters: string;
}

export interface ProcessRecord {
  id: string;
  cluster: string;
  pid: number;
  command: string;
  args: string[];
  log: string;
  /** 127.0.0.1:port of the process's health endpoint. */
  listen: string;
  startedAt: string;
}

export interface LabState {
  version: number;
  name: string;
  provider: ConcreteProvider;
  configPath: string;
  createdAt: string;
  updatedAt: string;
  clusters: Record<string, ClusterRecord>;
  processes: Record<string, ProcessRecord>;
  /** Managed clusters that completed join + accept + verify. */
  ready: string[];
}

export function stateRoot(spec: Pick<LabSpec, 'name' | 'configPath'>, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.OCM_LAB_STATE_DIR ?? join(dirname(spec.configPath), '.lab');
  return join(base, spec.name);
}

/** The lab's state dir: state.json, kubeconfigs/, logs/, secrets/ and provider data, private to the user. */
export class StateStore {
  constructor(readonly root: string) {}

  get stateFile(): string {
    return join(this.root, 'state.json');
  }

  dir(...parts: string[]): string {
    const path = join(this.root, ...parts);
    mkdirPrivate(path);
    return path;
  }

  kubeconfigPath(cluster: string): string {
    return join(this.dir('kubeconfigs'), `${cluster}.yaml`);
  }

  logPath(id: string): string {
    return join(this.dir('logs'), `${id.replaceAll('/', '-')}.log`);
  }

  exists(): boolean {
    return existsSync(this.root);
  }

  read(): LabState | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    try {
      const state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as LabState;
      if (state.version !== STATE_VERSION) throw new Error(`version ${state.version}`);
      return state;
    } catch (error) {
      throw new LabError(`lab state ${this.stateFile} is unreadable: ${(error as Error).message}`, {
        hint: './lab down removes it (and anything it still finds running)',
      });
    }
  }

  write(state: LabState): void {
    this.writePrivate(this.stateFile, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  }

  /** Read-modify-write; callers in one process are serialized because every call is synchronous. */
  update(mutate: (state: LabState) => void): LabState {
    const state = this.read();
    if (!state) throw new LabError(`no lab state at ${this.stateFile}`);
    mutate(state);
    this.write(state);
    return state;
  }

  /** Writes a file (0600) atomically, creating private parent dirs (0700). */
  writePrivate(path: string, content: string): void {
    writePrivateFile(path, content);
  }

  /**
   * Takes an exclusive lock for commands that change the lab; a lock left by a dead process is taken over.
   * With `createDir: false` (teardown) a missing lab dir is not created just to hold the lock.
   */
  lock(command: string, options: { createDir?: boolean } = {}): () => void {
    if (options.createDir === false && !existsSync(this.root)) return () => undefined;
    mkdirPrivate(this.root);
    const path = join(this.root, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, command }));
        closeSync(fd);
        return () => rmSync(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readLock(path);
        if (holder && isAlive(holder.pid)) {
          throw new LabError(`another "./lab ${holder.command}" (pid ${holder.pid}) is working on this lab`, {
            hint: 'wait for it to finish, or stop it with Ctrl-C',
          });
        }
        rmSync(path, { force: true });
      }
    }
    throw new LabError(`cannot take the lock ${path}`);
  }

  /** Removes the state dir, and its parent `.lab` when nothing else is left there. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
    const parent = dirname(this.root);
    if (existsSync(parent) && readdirSync(parent).length === 0) rmSync(parent, { recursive: true, force: true });
  }
}

export function newState(spec: LabSpec, provider: ConcreteProvider): LabState {
  const now = new Date().toISOString();
  return {
    version: STATE_VERSION,
    name: spec.name,
    provider,
    configPath: spec.configPath,
    createdAt: now,
    updatedAt: now,
    clusters: {},
    processes: {},
    ready: [],
  };
}

/** Creates the folder and any missing parents, each 0700. */
export function mkdirPrivate(path: string): void {
  if (existsSync(path)) return;
  mkdirPrivate(dirname(path));
  mkdirSync(path, { mode: 0o700 });
  chmodSync(path, 0o700);
}

/** Writes a file (0600) atomically, creating private parent folders (0700). */
export function writePrivateFile(path: string, content: string): void {
  mkdirPrivate(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function readLock(path: string): { pid: number; command: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; command: string };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
