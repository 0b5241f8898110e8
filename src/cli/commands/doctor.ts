import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG_FILE } from '../../config/defaults.js';
import { EXIT_FAILURE } from '../../errors.js';
import type { GlobalOptions } from '../options.js';

export const doctorCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'doctor',
  describe: 'Check every prerequisite (node, go, each binary and its version, Docker for kind, inotify, ports) with a fix for each problem',
  handler: async (argv) => {
    const [{ loadConfig }, { runDoctor }, { PROVIDER_TABLE }, { green, red, table, yellow }] = await Promise.all([
      import('../../config/load.js'),
      import('../../toolchain/doctor.js'),
      import('../../providers/table.js'),
      import('../render.js'),
    ]);
    // doctor must work before a config exists; with one, each provider checks what that config asks of it.
    const spec = existsSync(argv.config) || argv.config !== DEFAULT_CONFIG_FILE ? loadConfig(argv.config) : undefined;
    const [common, ...perProvider] = await Promise.all([runDoctor(), ...PROVIDER_TABLE.map((entry) => entry.doctorChecks(spec, spec?.provider === entry.name))]);
    const checks = [...common!, ...perProvider.flat()];
    if (argv.json) {
      process.stdout.write(`${JSON.stringify({ ok: !checks.some((c) => c.level === 'fail'), checks }, null, 2)}\n`);
    } else {
      const level = (l: string) => (l === 'ok' ? green('ok') : l === 'warn' ? yellow('warn') : red('FAIL'));
      process.stdout.write(`${table([['CHECK', 'STATUS', 'DETAIL'], ...checks.map((c) => [c.name, level(c.level), c.detail])])}\n`);
      const fixes = checks.filter((c) => c.fix && c.level !== 'ok');
      if (fixes.length) process.stdout.write(`\n${fixes.map((c) => `fix ${c.name}: ${c.fix}`).join('\n')}\n`);
    }
    if (checks.some((c) => c.level === 'fail')) process.exitCode = EXIT_FAILURE;
  },
};
