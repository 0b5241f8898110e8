import type { CommandModule } from 'yargs';
import { EXIT_FAILURE } from '../../errors.js';
import { collectStatus } from '../../lab/status.js';
import { requireExistingLab } from '../context.js';
import type { GlobalOptions } from '../options.js';
import { renderStatus } from '../render.js';

export const statusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'Show the clusters, each managed cluster\'s accepted/joined/available conditions and the health of every process (exit 1 when unhealthy)',
  handler: async (argv) => {
    const { spec, state, parts } = requireExistingLab(argv);
    const status = await collectStatus(spec, state, parts);
    process.stdout.write(argv.json ? `${JSON.stringify(status, null, 2)}\n` : `${renderStatus(status)}\n`);
    if (!status.healthy) process.exitCode = EXIT_FAILURE;
  },
};
