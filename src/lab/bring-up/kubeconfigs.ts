import { clusterNames } from '../../config/schema.js';
import { writeMergedKubeconfig } from '../kubeconfigs.js';
import type { StepAction } from './action.js';

/** The merged kubeconfig with a context per cluster (each cluster's own file was written when it was created). */
export const kubeconfigsAction: StepAction = {
  id: 'kubeconfigs',
  title: 'Write kubeconfigs',
  async run(ctx) {
    writeMergedKubeconfig(ctx.state, ctx.state.read()!, clusterNames(ctx.spec));
  },
};
