import type { CommandModule } from 'yargs';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const downCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'down',
  describe: 'Stop OCM, delete every cluster and remove the lab state (idempotent; works after a crash or with a lost state)',
  handler: async (argv) => {
    const [spec, { down }, { ListrProgress }] = await Promise.all([loadSpec(argv), import('../../lab/down.js'), import('../listr-progress.js')]);
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around((events) => down(spec, { ...events, signal }));
    // Not failures: the lab is gone, but the user has something to put right by hand.
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
  },
};
