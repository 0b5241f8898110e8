import type { CommandModule } from 'yargs';
import { buildToolchain, findToolchain } from '../../toolchain/toolchain.js';
import type { GlobalOptions } from '../options.js';
import { runTasks } from '../progress.js';

export const setupCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'setup',
  describe: 'Build the pinned toolchain (Kubernetes, etcd, kwok, OCM, clusteradm, kind) into the cache; nothing else',
  handler: async (argv) => {
    const ctx = await runTasks(
      [
        {
          title: 'Toolchain',
          task: async (c: { dir?: string }, task) => {
            const found = findToolchain();
            c.dir = found?.dir ?? (await buildToolchain((line) => (task.output = line))).dir;
            task.title = `Toolchain: ${found ? 'cached' : 'built'} (${c.dir})`;
          },
          rendererOptions: { outputBar: 3 },
        },
      ],
      {} as { dir?: string },
      argv,
    );
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, toolchain: ctx.dir })}\n`);
  },
};
