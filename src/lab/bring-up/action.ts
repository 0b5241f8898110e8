import { joinedClusters, type LabSpec } from '../../config/schema.js';
import { LabError } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import type { HubInfo } from '../../ocm/installer.js';
import type { RenderedInstall } from '../../install/render.js';
import type { ProviderKind, ClusterHandle } from '../../providers/provider.js';
import type { Progress, PlanStep } from '../../core/progress.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import type { LabParts } from '../lab-parts.js';
import type { StateStore } from '../state.js';

/** A promise settled from outside, whose rejection counts as handled until someone awaits it. */
export class Settled<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }
}

/** How long one action of the bring-up took, from when `up` started (actions overlap where the list says so). */
export interface PhaseTiming {
  id: string;
  title: string;
  startedMs: number;
  durationMs: number;
  outcome: 'done' | 'skipped' | 'failed';
}

/** What the bring-up's actions share: the lab, and what earlier actions found or made. */
export class BringUpContext {
  readonly startedAt = performance.now();
  /** Each action's timing, in the order the actions ended. */
  readonly phases: PhaseTiming[] = [];
  toolchain?: Toolchain;
  parts?: LabParts;
  provider?: { name: ProviderKind; reason: string };
  /** KUBECONFIG values: the hub's, and every cluster's (see lab/kubeconfigs.ts). */
  kubeconfigEnv?: { hub: string; all: string };
  /** The config's installs, rendered (set by the render action, before anything is made). */
  installs?: RenderedInstall[];
  /** True when the lab was already healthy: the actions that change it are skipped. */
  unchanged = false;
  /** Clusters the check found running and doing their job: creating leaves them as they are (set by the check). */
  readonly working = new Set<string>();
  /** Settles when a cluster exists (create resolves it, or rejects it when creating fails). */
  readonly created: Map<string, Settled<void>>;
  readonly hub = new Settled<HubInfo>();
  /** Clusters whose agent `join` left without hub credentials: accept waits for their new CSR. */
  readonly bootstrapping = new Set<string>();

  constructor(
    readonly spec: LabSpec,
    readonly state: StateStore,
    readonly progress: Progress,
    readonly signal?: AbortSignal,
  ) {
    this.created = new Map([spec.hub.name, ...joinedClusters(spec).map((c) => c.name)].map((name) => [name, new Settled<void>()]));
  }

  /** The lab's provider and installer (set by the provider action). */
  get lab(): LabParts {
    if (!this.parts) throw new LabError('the provider is not chosen yet');
    return this.parts;
  }

  get tools(): Toolchain {
    if (!this.toolchain) throw new LabError('the toolchain is not ready yet');
    return this.toolchain;
  }

  handle(name: string): ClusterHandle {
    const cluster = this.state.read()?.clusters[name];
    if (!cluster) throw new LabError(`cluster ${name} is not in the lab state`, { hint: 'run ./lab up again' });
    return cluster;
  }

  hubClient(): ClusterClient {
    return ClusterClient.of(this.handle(this.spec.hub.name));
  }
}

interface ActionBase {
  id: string;
  title: string;
  /** The actions it starts after (default: the one before it in the list); an empty list overlaps it with them. */
  after?: string[];
  /** Skipped when the lab is already healthy. */
  changesLab?: boolean;
}

/** One step of the bring-up; may return its final title. */
export interface StepAction extends ActionBase {
  run(ctx: BringUpContext): Promise<string | void>;
}

/** A step with one concurrent child per cluster. */
export interface PerClusterAction extends ActionBase {
  clusters(spec: LabSpec): string[];
  runFor(cluster: string, ctx: BringUpContext): Promise<string | void>;
}

export type BringUpAction = StepAction | PerClusterAction;

const perCluster = (action: BringUpAction): action is PerClusterAction => 'runFor' in action;

/** The plan the CLI renders, from the same list the bring-up runs. */
export function planOf(actions: readonly BringUpAction[], spec: LabSpec): PlanStep[] {
  return actions.map((action) =>
    perCluster(action)
      ? { id: action.id, title: action.title, concurrent: true, children: action.clusters(spec).map((name) => ({ id: `${action.id}/${name}`, title: name })) }
      : { id: action.id, title: action.title },
  );
}

async function runAction(action: BringUpAction, ctx: BringUpContext): Promise<void> {
  const { progress } = ctx;
  const started = performance.now();
  const record = (outcome: PhaseTiming['outcome']) =>
    ctx.phases.push({ id: action.id, title: action.title, startedMs: Math.round(started - ctx.startedAt), durationMs: Math.round(performance.now() - started), outcome });
  if (ctx.unchanged && action.changesLab) {
    record('skipped');
    return progress.skip(action.id, 'the lab is healthy');
  }
  try {
    if (!perCluster(action)) await progress.run(action.id, () => action.run(ctx), (title) => title || undefined);
    else await progress.each(action.id, action.clusters(ctx.spec), (name) => `${action.id}/${name}`, (name) => action.runFor(name, ctx));
    record('done');
  } catch (error) {
    record('failed');
    throw error;
  }
}

/**
 * Runs the actions in list order, each once those it comes after are done, so overlap is written where it
 * is safe and nowhere else. Every started branch runs to its end (a failed step leaves the rest inspectable);
 * then the failure of the earliest action in the list is thrown.
 */
export async function runBringUp(actions: readonly BringUpAction[], ctx: BringUpContext): Promise<void> {
  const finished = new Map<string, Promise<void>>();
  let previous: string | undefined;
  for (const action of actions) {
    const after = action.after ?? (previous ? [previous] : []);
    const waits = after.map((id) => {
      const done = finished.get(id);
      if (!done) throw new Error(`bring-up action ${action.id} comes after ${id}, which is not before it in the list`);
      return done;
    });
    const running = Promise.all(waits).then(() => runAction(action, ctx));
    running.catch(() => undefined);
    finished.set(action.id, running);
    previous = action.id;
  }
  const settled = await Promise.allSettled(finished.values());
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
