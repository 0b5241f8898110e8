import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { LOCAL_CLUSTER, type LabSpec } from '../config/schema.js';
import { EXIT_USAGE, LabError } from '../errors.js';
import { containedPath } from '../fs/contained-path.js';
import { mkdirPrivate, writePrivateFile } from '../fs/private-files.js';
import type { ProviderRecord } from '../providers/provider-entry.js';
import { PROVIDER_NAMES, type ClusterHandle, type ProviderKind } from '../providers/provider.js';
import { providerEntry } from '../providers/table.js';

export const STATE_VERSION = 4;

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
  /** What the provider recorded when the lab was made (kind: its node image), checked against the provider's own schema. */
  providerRecord: ProviderRecord;
  /** Managed clusters that completed join + accept + verify. */
  ready: string[];
}

/**
 * The lab's state dir, always absolute (a relative OCM_LAB_STATE_DIR is taken from the current folder once,
 * here): it is the lab's identity, marked on everything the lab runs, so it must not depend on where a
 * later command runs from.
 */
export function stateRoot(spec: Pick<LabSpec, 'name' | 'configPath'>, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.OCM_LAB_STATE_DIR ? resolve(env.OCM_LAB_STATE_DIR) : join(dirname(resolve(spec.configPath)), '.lab');
  return join(base, spec.name);
}

/** A cluster or lab name as the config allows it: a DNS-1123 label. */
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const name = z.string().regex(NAME, 'not a DNS-1123 label');

const clusterHandleSchema = z.strictObject({
  name,
  role: z.enum(['hub', 'managed']),
  kubeconfig: z.string(),
  context: z.string().optional(),
  server: z.string().url(),
  serverFromClusters: z.string().url(),
});

/** What state.json may hold; paths in it are checked against the state dir separately (stateProblems). */
const labStateSchema = z.strictObject({
  version: z.literal(STATE_VERSION),
  uid: z.string().uuid(),
  name,
  provider: z.enum(PROVIDER_NAMES),
  configPath: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  clusters: z.record(name, clusterHandleSchema),
  providerRecord: z.record(z.string(), z.string()),
  ready: z.array(name),
});

/**
 * Everything wrong with a parsed state: schema problems, then names and paths that do not fit this lab; `moved` when
 * a cluster the lab did not make is named by another kubeconfig in the config now than when the lab was made.
 */
function stateProblems(data: unknown, root: string, spec?: LabSpec): { problems: string[]; moved: boolean } {
  const parsed = labStateSchema.safeParse(data);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`), moved: false };
  let moved = false;
  const state = parsed.data;
  const problems: string[] = [];
  const record = providerEntry(state.provider).recordSchema.safeParse(state.providerRecord);
  if (!record.success) problems.push(...record.error.issues.map((issue) => `providerRecord.${issue.path.join('.')}: ${issue.message}`));
  const userAccess = providerEntry(state.provider).userKubeconfig;
  for (const [key, handle] of Object.entries(state.clusters)) {
    if (handle.name !== key) problems.push(`clusters.${key}.name: "${handle.name}" does not match its key`);
    // local-cluster is the hub under its managed-cluster name: the hub's kubeconfig.
    const cluster = key === LOCAL_CLUSTER && spec?.hub.manage ? spec.hub.name : key;
    // The user's kubeconfig (clusters the lab did not make) is the one the config names now, never one state.json names.
    const expected = userAccess ? (spec && userAccess(spec, cluster)) : { kubeconfig: join(root, 'kubeconfigs', `${cluster}.yaml`), context: undefined };
    if (!expected) problems.push(`clusters.${key}: not a cluster of this config`);
    else if (resolve(handle.kubeconfig) !== expected.kubeconfig || handle.context !== expected.context) {
      const context = (c?: string) => (c === undefined ? '' : ` (context ${c})`);
      const because = userAccess ? ': the config names another cluster than the lab was made on, or state.json was edited' : '';
      problems.push(`clusters.${key}.kubeconfig: ${handle.kubeconfig}${context(handle.context)} is not the kubeconfig of ${key} (${expected.kubeconfig}${context(expected.context)})${because}`);
      moved ||= Boolean(userAccess);
    }
  }
  for (const ready of state.ready) if (!state.clusters[ready]) problems.push(`ready: "${ready}" is not a recorded cluster`);
  return { problems, moved };
}

/**
 * The lab's state dir, private to the user: state.json, kubeconfigs/, logs/, secrets/, and one
 * folder per provider and installer. Everything the lab runs is marked with this path.
 */
export class StateStore {
  /** `spec`: the config, which names the kubeconfigs of clusters the lab did not make. */
  constructor(
    readonly root: string,
    private readonly spec?: LabSpec,
  ) {}

  get stateFile(): string {
    return join(this.root, 'state.json');
  }

  /** A folder of the state dir (0700), created on demand; never one outside it. */
  dir(...parts: string[]): string {
    return mkdirPrivate(containedPath(this.root, ...parts));
  }

  kubeconfigPath(cluster: string): string {
    return containedPath(this.dir('kubeconfigs'), `${cluster}.yaml`);
  }

  exists(): boolean {
    return existsSync(this.root);
  }

  /**
   * The state, read through its schema: names re-validated, every path checked to be the one this lab derives
   * from its state dir. A state that fails (a hand edit, a bad merge, a corrupt or older file) is refused with
   * exit 2 and what is wrong; `down` does not need it (it finds the lab's parts by their marks).
   */
  read(): LabState | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    let found: { problems: string[]; moved: boolean };
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(this.stateFile, 'utf8'));
      found = stateProblems(data, this.root, this.spec);
    } catch (error) {
      found = { problems: [(error as Error).message], moved: false };
    }
    if (found.problems.length) {
      throw new LabError(`lab state ${this.stateFile} is invalid or was changed by hand:\n  ${found.problems.slice(0, 10).join('\n  ')}`, {
        hint: found.moved
          ? 'to move the lab to other clusters: put the config back as it was, ./lab down (it removes what the lab installed on those clusters), then change the config and ./lab up'
          : './lab down still removes the lab, found by its marks (processes, clusters, folders) instead of this file; then ./lab up',
        exitCode: EXIT_USAGE,
      });
    }
    return data as LabState;
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

export function newState(spec: LabSpec, provider: ProviderKind, providerRecord: ProviderRecord = {}): LabState {
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
    providerRecord,
    ready: [],
  };
}
