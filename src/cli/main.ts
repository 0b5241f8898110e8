import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../errors.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { downCommand } from './commands/down.js';
import { kubeconfigCommand } from './commands/kubeconfig.js';
import { setupCommand } from './commands/setup.js';
import { statusCommand } from './commands/status.js';
import { runCommand } from './commands/run.js';
import { upCommand } from './commands/up.js';
import { validateCommand } from './commands/validate.js';
import { globalOptions } from './options.js';
import { renderError } from './render-error.js';

/** Parses argv and runs one command; resolves to the exit code. */
export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  const json = argv.includes('--json');
  try {
    await globalOptions(yargs(argv))
      .scriptName('lab')
      .usage('$0 <command> [options]\n\nOne-command Open Cluster Management test labs.')
      .command(upCommand)
      .command(downCommand)
      .command(statusCommand)
      .command(kubeconfigCommand)
      .command(runCommand)
      .command(validateCommand)
      .command(demoCommand)
      .command(setupCommand)
      .command(doctorCommand)
      .demandCommand(1, 'choose a command')
      .recommendCommands()
      .strict()
      .completion('completion', 'Print a shell completion script')
      .help()
      .alias('h', 'help')
      .version(false)
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageError(message, 'see ./lab --help');
      })
      .parseAsync();
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return renderError(error, json);
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  return !!entry && realpathSync(entry) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  // `./lab status | head` closes the pipe early: that is the reader's choice, not our failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main();
}

