import { renderInstalls } from '../../install/render.js';
import type { StepAction } from './action.js';

/** The config's installs, rendered before anything is made: a broken manifest stops `up` with exit 2 and nothing made. */
export const renderInstallsAction: StepAction = {
  id: 'render-installs',
  title: 'Render installs',
  async run(ctx) {
    ctx.installs = await renderInstalls(ctx.spec, { kubectl: ctx.tools.bin('kubectl'), helm: ctx.tools.bin('helm'), kubeVersion: ctx.tools.versions.kubernetes }, ctx.signal);
    const count = ctx.installs.reduce((sum, install) => sum + install.objects.length, 0);
    return ctx.installs.length ? `Render installs: ${ctx.installs.map((i) => i.name).join(', ')} (${count} objects)` : 'Render installs: none in the config';
  },
};
