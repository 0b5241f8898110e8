import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { mkdirPrivate, writePrivateFile } from '../fs/private-files.js';
import type { ClusterHandle, ProviderKind } from '../providers/provider.js';

export const STATE_VERSION = 2;

export interface LabState {
  version: number;
  /** The lab's identity: stamped on what it makes where a path cannot say it (kind clusters). */
  uid: string;
  name: string;
  provider: ProviderKind;
  configPath: string;
  createdAt: string;
  updatedAt: string;
  clusters: Record<string, ClusterHandle>;
  /** The node image of a kind lab, chosen once when the lab is made (kind.images). */
  kindNodeImage?: string;
  /** Managed clusters that completed join + accept + verify. */
  ready: string[];
}

export function stateRoot(spec: Pick<LabSpec, 'name' | 'configPath'>, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.OCM_LAB_STATE_DIR ?? join(dirname(spec.configPath), '.lab');
  return join(base, spec.name);
}

/**
 * The lab's state dir, private to the user: state.json, kubeconfigs/, logs/, secrets/, and one
 * folder per provider and installer. Everything the lab runs is marked with this path.
 */
export class StateStore {
  constructor(readonly root: string) {}

  get stateFile(): string {
    return join(this.root, 'state.json');
  }

  /** A folder of the state dir (0700), created on demand. */
  dir(...parts: string[]): string {
    return mkdirPrivate(join(this.root, ...parts));
  }

  kubeconfigPath(cluster: string): string {
    return join(this.dir('kubeconfigs'), `${cluster}.yaml`);
  }

  exists(): boolean {
    return existsSync(this.root);
  }

  read(): LabState | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    try {
      const state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as LabState;
      if (state.version !== STATE_VERSION) throw new Error(`version ${state.version}, this ocm-lab reads ${STATE_VERSION}`);
      return state;
    } catch (error) {
      throw new LabError(`lab state ${this.stateFile} is unreadable: ${(error as Error).message}`, {
        hint: './lab down removes the lab (and anything of it still running)',
      });
    }
  }

  /** The state, or undefined when it is missing or unreadable (teardown goes on without it). */
  tryRead(): LabState | undefined {
    try {
      return this.read();
    } catch {
      return undefined;
    }
  }

  write(state: LabState): void {
    writePrivateFile(this.stateFile, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  }

  /** Read-modify-write; callers in one process are serialized because every call is synchronous. */
  update(mutate: (state: LabState) => void): LabState {
    const state = this.read();
    if (!state) throw new LabError(`no lab state at ${this.stateFile}`);
    mutate(state);
    this.write(state);
    return state;
  }

  /** Removes the state dir, and its parent `.lab` when nothing else is left there. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
    removeIfEmpty(dirname(this.root));
  }
}

export function removeIfEmpty(dir: string): void {
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  } catch {
    /* another lab appeared meanwhile: keep it */
  }
}

export function newState(spec: LabSpec, provider: ProviderKind): LabState {
  const now = new Date().toISOString();
  return {
    version: STATE_VERSION,
    uid: randomUUID(),
    name: spec.name,
    provider,
    configPath: spec.configPath,
    createdAt: now,
    updatedAt: now,
    clusters: {},
    ready: [],
  };
}
