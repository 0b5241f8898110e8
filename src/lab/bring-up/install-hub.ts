import type { StepAction } from './action.js';

/** Installs OCM's hub as soon as the hub cluster exists, while the managed clusters are still being created. */
export const installHubAction: StepAction = {
  id: 'hub',
  title: 'Install OCM hub',
  after: ['check'],
  changesLab: true,
  async run(ctx) {
    try {
      await ctx.created.get(ctx.spec.hub.name)!.promise;
      ctx.hub.resolve(await ctx.lab.installer.initHub(ctx.handle(ctx.spec.hub.name), { signal: ctx.signal }));
    } catch (error) {
      ctx.hub.reject(error);
      throw error;
    }
  },
};
