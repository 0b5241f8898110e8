import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_CONFIG_FILE } from '../../config/defaults.js';
import type { GlobalOptions } from '../options.js';

type Options = Omit<GlobalOptions, 'config'> & { config?: string; paths: string[] };

export const validateCommand: CommandModule<GlobalOptions, Options> = {
  command: 'validate [paths..]',
  describe: 'Check scenarios without running them, and that the lab\'s provider can do every step (exit 2 with file, line and field for each problem)',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'scenario files or folders (default: scenarios/)' })
      // No default here: a config named on the command line must exist, the default one may be missing.
      .option('config', { type: 'string', default: undefined, describe: 'Lab config file; scenarios are also checked against it', defaultDescription: `${DEFAULT_CONFIG_FILE} if it exists` }) as unknown as Argv<Options>,
  handler: async (argv) => {
    const [{ loadConfig }, { validateForLab }, { scenariosFrom }] = await Promise.all([import('../../config/load.js'), import('../../lab/run.js'), import('../scenario-lab.js')]);
    // With a lab config, cluster names are checked against it too.
    const config = argv.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
    const spec = config === undefined ? undefined : loadConfig(config);
    const scenarios = scenariosFrom(argv.paths, spec);
    const checkedFor = spec ? validateForLab(spec, scenarios) : undefined;
    if (argv.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, provider: checkedFor ?? null, scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, steps: s.steps.length, cleanup: s.cleanup.length, labels: s.labels })) })}\n`);
      return;
    }
    for (const s of scenarios) process.stdout.write(`ok  ${s.name}  (${s.steps.length} steps${s.cleanup.length ? `, ${s.cleanup.length} cleanup` : ''})\n`);
    const against = checkedFor ? ` for the ${checkedFor} provider` : '';
    process.stdout.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} valid${against}\n`);
  },
};
