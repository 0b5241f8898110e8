import { clusterNames } from '../../config/schema.js';
import { kubeconfigEnv, writeMergedKubeconfig } from '../kubeconfigs.js';
import type { StepAction } from './action.js';

/** The merged kubeconfig with a context per cluster (each cluster's own file was written when it was created). */
export const kubeconfigsAction: StepAction = {
  id: 'kubeconfigs',
  title: 'Write kubeconfigs',
  async run(ctx) {
    const state = ctx.state.read()!;
    const hub = state.clusters[ctx.spec.hub.name]!;
    ctx.kubeconfigEnv = { hub: kubeconfigEnv(ctx.state, hub), all: writeMergedKubeconfig(ctx.state, state, clusterNames(ctx.spec)) };
  },
};
