import type { CommandModule } from 'yargs';
import { EXIT_FAILURE } from '../../errors.js';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const statusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'Show whether each cluster works (API, nodes Ready, node agents serving), each managed cluster\'s accepted/joined/available conditions, the health of every OCM component and a picture of the fleet (exit 1 when unhealthy)',
  handler: async (argv) => {
    const [spec, { status, statusFleet }, { renderStatus }] = await Promise.all([loadSpec(argv), import('../../lab/status.js'), import('../render.js')]);
    const signal = interruptSignal();
    const result = await status(spec, { signal });
    // The fleet picture is for people: --json keeps the status object as it is.
    if (argv.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${renderStatus(result, await statusFleet(spec, result, signal))}\n`);
    if (!result.healthy) process.exitCode = EXIT_FAILURE;
  },
};
