import { autoAccepted } from '../../config/schema.js';
import { collectStatus } from '../status.js';
import type { StepAction } from './action.js';

/** Whether the lab is already healthy (then nothing is changed), or what is left to complete or repair. */
export const checkAction: StepAction = {
  id: 'check',
  title: 'Check existing lab',
  async run(ctx) {
    const recorded = ctx.state.read()!;
    if (Object.keys(recorded.clusters).length === 0) return 'Check existing lab: new lab';
    const health = await collectStatus(ctx.spec, ctx.state, ctx.lab, ctx.signal);
    for (const cluster of health.clusters) if (cluster.working && recorded.clusters[cluster.name]) ctx.working.add(cluster.name);
    const allReady = autoAccepted(ctx.spec).every((c) => recorded.ready.includes(c.name));
    ctx.unchanged = health.healthy && allReady;
    if (ctx.unchanged) return 'Check existing lab: healthy, nothing to do';
    return `Check existing lab: completing it (${health.problems.length ? health.problems.join('; ') : 'bring-up did not finish'})`;
  },
};
