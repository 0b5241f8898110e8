import type { CommandModule } from 'yargs';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const setupCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'setup',
  describe: 'Build the pinned toolchain (Kubernetes, etcd, kwok, OCM, clusteradm, kind) into the cache; nothing else',
  handler: async (argv) => {
    const [{ Progress }, { buildToolchain, findToolchain }, { ListrProgress }] = await Promise.all([
      import('../../core/progress.js'),
      import('../../toolchain/toolchain.js'),
      import('../progress.js'),
    ]);
    const signal = interruptSignal();
    const dir = await new ListrProgress(argv).around(async ({ onEvent }) => {
      const progress = new Progress(onEvent);
      progress.plan([{ id: 'toolchain', title: 'Toolchain' }]);
      return progress.run(
        'toolchain',
        async () => findToolchain()?.dir ?? (await buildToolchain((line) => progress.output('toolchain', line), signal)).dir,
        (path) => `Toolchain: ${path}`,
      );
    });
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, toolchain: dir })}\n`);
  },
};
