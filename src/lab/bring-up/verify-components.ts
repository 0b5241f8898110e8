import { LabError } from '../../errors.js';
import type { ComponentStatus } from '../../ocm/installer.js';
import { pollUntil } from '../../process/poll.js';
import type { StepAction } from './action.js';

const COMPONENTS_TIMEOUT_MS = 180_000;

/** Polls (components span clusters and host processes: nothing single to watch) until every one is healthy. */
async function waitForComponents(read: () => Promise<ComponentStatus[]>, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const unhealthy = (components: ComponentStatus[]) => components.filter((c) => c.health !== 'healthy');
  const result = await pollUntil(read, (components) => unhealthy(components).length === 0, { timeoutMs, intervalMs: 1000, signal });
  if (result.done) return result.value.length;
  throw new LabError(`OCM components not healthy after ${timeoutMs / 1000}s: ${unhealthy(result.value).map((c) => `${c.id} ${c.health}`).join(', ')}`, {
    hint: './lab status shows each one; ./lab up tries again',
  });
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
