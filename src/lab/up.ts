import { clusterNames, type LabSpec } from '../config/schema.js';
import { Progress, type CoreOptions } from '../core/progress.js';
import type { ProviderKind } from '../providers/provider.js';
import { BringUpContext, planOf, runBringUp, type PhaseTiming } from './bring-up/action.js';
import { BRING_UP } from './bring-up/index.js';
import { mergedKubeconfigPath } from './kubeconfigs.js';
import { withLabLock } from './lock.js';
import { labStore } from './open-lab.js';
import type { StateStore } from './state.js';

export interface UpResult {
  name: string;
  provider: ProviderKind;
  /** Why this provider: set in the config, or what `auto` found. */
  providerReason: string;
  /** True when the lab was already healthy and `up` changed nothing. */
  unchanged: boolean;
  stateDir: string;
  kubeconfigs: Record<string, string>;
  /** KUBECONFIG for the hub (its kubeconfig, or the user's file behind a context selector). */
  hubKubeconfigEnv: string;
  /** KUBECONFIG with every cluster: kubeconfigs/all.yaml, or a list of the users' files. */
  mergedKubeconfig: string;
  /** How long each action took, in the bring-up's order, and the whole `up`. */
  phases: PhaseTiming[];
  totalMs: number;
}

/** `./lab up`: takes the lab's lock and brings the lab up (see upLocked). */
export async function up(spec: LabSpec, options: CoreOptions = {}): Promise<UpResult> {
  const state = labStore(spec);
  return withLabLock(state.root, 'up', () => upLocked(spec, state, options));
}

/**
 * The bring-up (BRING_UP, one module per action): the plan the CLI shows and the run both come from that list.
 * The caller holds the lock.
 */
export async function upLocked(spec: LabSpec, state: StateStore, options: CoreOptions = {}): Promise<UpResult> {
  const progress = new Progress(options.onEvent);
  progress.plan(planOf(BRING_UP, spec));
  const ctx = new BringUpContext(spec, state, progress, options.signal);
  await runBringUp(BRING_UP, ctx);
  const recorded = state.read()!;
  return {
    name: spec.name,
    provider: ctx.provider!.name,
    providerReason: ctx.provider!.reason,
    unchanged: ctx.unchanged,
    stateDir: state.root,
    kubeconfigs: Object.fromEntries(clusterNames(spec).map((n) => [n, recorded.clusters[n]?.kubeconfig ?? ''])),
    hubKubeconfigEnv: ctx.kubeconfigEnv?.hub ?? recorded.clusters[spec.hub.name]!.kubeconfig,
    mergedKubeconfig: ctx.kubeconfigEnv?.all ?? mergedKubeconfigPath(state),
    phases: BRING_UP.flatMap((action) => ctx.phases.filter((p) => p.id === action.id)),
    totalMs: Math.round(performance.now() - ctx.startedAt),
  };
}
