import { LabError } from '../../errors.js';
import type { ComponentStatus } from '../../ocm/installer.js';
import { sleep } from '../../process/abort.js';
import type { StepAction } from './action.js';

const COMPONENTS_TIMEOUT_MS = 180_000;

/** Polls (components span clusters and host processes: nothing single to watch) until every one is healthy. */
async function waitForComponents(read: () => Promise<ComponentStatus[]>, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const components = await read();
    const unhealthy = components.filter((c) => c.health !== 'healthy');
    if (!unhealthy.length) return components.length;
    if (Date.now() > deadline) {
      throw new LabError(`OCM components not healthy after ${timeoutMs / 1000}s: ${unhealthy.map((c) => `${c.id} ${c.health}`).join(', ')}`, {
        hint: './lab status shows each one; ./lab up tries again',
      });
    }
    await sleep(1000, signal);
  }
}

/** Every OCM component (operators, hub controllers, agents) running and healthy. */
export const verifyComponentsAction: StepAction = {
  id: 'components',
  title: 'Verify OCM components are running',
  changesLab: true,
  async run(ctx) {
    const count = await waitForComponents(() => ctx.lab.installer.components(Object.values(ctx.state.read()?.clusters ?? {}), { signal: ctx.signal }), COMPONENTS_TIMEOUT_MS, ctx.signal);
    return `Verify OCM components are running: ${count} healthy`;
  },
};
