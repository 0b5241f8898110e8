import { existsSync } from 'node:fs';
import type { ListrTask } from 'listr2';
import { clusterNames, type ConcreteProvider, type LabSpec } from '../config/schema.js';
import { errorMessage, LabError } from '../errors.js';
import { processesMentioning, terminate } from '../process/host-process.js';
import { findToolchain } from '../toolchain/toolchain.js';
import { labParts, type LabParts } from './lab-parts.js';
import type { StateStore } from './state.js';

export interface DownContext {
  spec: LabSpec;
  state: StateStore;
  parts?: LabParts;
  /** Clusters deleted by this run. */
  deleted: string[];
  /** True when there was nothing to remove. */
  nothing: boolean;
}

export function downContext(spec: LabSpec, state: StateStore): DownContext {
  return { spec, state, deleted: [], nothing: false };
}

/** Which provider made the lab: from the state, or (state lost or unreadable) whichever one finds clusters. */
function recordedProvider(state: StateStore): ConcreteProvider {
  try {
    return state.read()?.provider ?? 'local';
  } catch {
    return 'local';
  }
}

/**
 * Teardown that works after a crash: stops OCM, deletes every cluster the state or the provider
 * knows, kills any process still running from the state dir, and removes the state dir.
 */
export function downTasks(): ListrTask<DownContext>[] {
  return [
    {
      title: 'Find the lab',
      task: (ctx, task) => {
        if (!ctx.state.exists() && processesMentioning(ctx.state.root).length === 0) {
          ctx.nothing = true;
          task.title = `No lab "${ctx.spec.name}" here (${ctx.state.root}): nothing to remove`;
          return;
        }
        const toolchain = findToolchain();
        const provider = recordedProvider(ctx.state);
        if (toolchain) ctx.parts = labParts(provider, ctx.spec, ctx.state, toolchain);
        else if (provider === 'kind') {
          throw new LabError('the toolchain (kind binary) is missing, so the kind clusters cannot be deleted', { hint: 'run ./lab setup, then ./lab down' });
        }
        task.title = `Found lab "${ctx.spec.name}" (${provider})`;
      },
    },
    {
      title: 'Stop OCM',
      skip: (ctx) => ctx.nothing || !ctx.parts,
      task: async (ctx) => {
        await ctx.parts!.installer.stop();
      },
    },
    {
      title: 'Delete clusters',
      skip: (ctx) => ctx.nothing || !ctx.parts,
      task: async (ctx, task) => {
        const { provider } = ctx.parts!;
        let recorded: string[] = [];
        try {
          recorded = Object.keys(ctx.state.read()?.clusters ?? {});
        } catch {
          /* unreadable state: the provider's own list below still finds the clusters */
        }
        const names = [...new Set([...recorded, ...clusterNames(ctx.spec), ...(await provider.list())])];
        const results = await Promise.allSettled(names.map(async (name) => (await provider.delete(name), name)));
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        ctx.deleted = results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled').map((r) => r.value);
        if (failures.length) throw new LabError(`could not delete every cluster: ${failures.map((f) => errorMessage(f.reason)).join('; ')}`);
        task.title = `Delete clusters: ${names.join(', ')}`;
      },
    },
    {
      title: 'Remove state and stray processes',
      skip: (ctx) => ctx.nothing,
      task: async (ctx) => {
        const strays = processesMentioning(ctx.state.root).map((p) => p.pid);
        if (strays.length) await terminate(strays);
        ctx.state.remove();
        const left = processesMentioning(ctx.state.root);
        if (left.length || existsSync(ctx.state.root)) {
          throw new LabError(`teardown incomplete: ${left.length} process(es) still running, state dir ${existsSync(ctx.state.root) ? 'present' : 'gone'}`, {
            hint: `inspect with: ps -ef | grep ${ctx.state.root}`,
          });
        }
      },
    },
  ];
}
