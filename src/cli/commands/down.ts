import type { CommandModule } from 'yargs';
import { downContext, downTasks } from '../../lab/down.js';
import { openLab } from '../context.js';
import type { GlobalOptions } from '../options.js';
import { runTasks } from '../progress.js';

export const downCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'down',
  describe: 'Stop OCM, delete every cluster and remove the lab state (idempotent; works after a crash)',
  handler: async (argv) => {
    const { spec, state } = openLab(argv);
    const unlock = state.lock('down', { createDir: false });
    try {
      const ctx = await runTasks(downTasks(), downContext(spec, state), argv);
      if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, removed: !ctx.nothing, deleted: ctx.deleted })}\n`);
    } finally {
      unlock();
    }
  },
};
