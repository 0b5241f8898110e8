import type { Argv, CommandModule } from 'yargs';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

type Options = GlobalOptions & { kind: boolean };

export const setupCommand: CommandModule<GlobalOptions, Options> = {
  command: 'setup',
  describe: 'Build the pinned toolchain (Kubernetes, etcd, kwok, OCM, clusteradm, kind) into the cache; with --kind also the images a kind lab needs, offline',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs.option('kind', {
      type: 'boolean',
      default: false,
      describe: 'also build the kind node image (with OCM and the workload image inside) and the images kubeadm needs, from pinned sources: no registry needed',
    }) as unknown as Argv<Options>,
  handler: async (argv) => {
    const [{ Progress }, { buildToolchain, findToolchain }, { buildImages, findImages }, { ListrProgress }] = await Promise.all([
      import('../../core/progress.js'),
      import('../../toolchain/toolchain.js'),
      import('../../toolchain/images.js'),
      import('../listr-progress.js'),
    ]);
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around(async ({ onEvent }) => {
      const progress = new Progress(onEvent);
      progress.plan([{ id: 'toolchain', title: 'Toolchain' }, ...(argv.kind ? [{ id: 'images', title: 'kind images' }] : [])]);
      const toolchain = await progress.run(
        'toolchain',
        async () => findToolchain()?.dir ?? (await buildToolchain((line) => progress.output('toolchain', line), signal)).dir,
        (path) => `Toolchain: ${path}`,
      );
      if (!argv.kind) return { toolchain };
      const images = await progress.run(
        'images',
        async () => findImages() ?? (await buildImages((line) => progress.output('images', line), signal)),
        (built) => `kind images: ${built.nodeImage}`,
      );
      return { toolchain, images };
    });
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
  },
};
