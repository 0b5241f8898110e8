import type { CommandModule } from 'yargs';
import { EXIT_FAILURE } from '../../errors.js';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const statusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'Show whether each cluster works (API, nodes Ready, node agents serving), each managed cluster\'s accepted/joined/available conditions and the health of every OCM component (exit 1 when unhealthy)',
  handler: async (argv) => {
    const [spec, { status }, { renderStatus }] = await Promise.all([loadSpec(argv), import('../../lab/status.js'), import('../render.js')]);
    const result = await status(spec, { signal: interruptSignal() });
    process.stdout.write(argv.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderStatus(result)}\n`);
    if (!result.healthy) process.exitCode = EXIT_FAILURE;
  },
};
