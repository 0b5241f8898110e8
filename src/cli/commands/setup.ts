import type { Argv, CommandModule } from 'yargs';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

type Options = GlobalOptions & { kind: boolean; ocm?: string[] };

export const setupCommand: CommandModule<GlobalOptions, Options> = {
  command: 'setup',
  describe: 'Build the pinned toolchain (Kubernetes, etcd, kwok, OCM, clusteradm, kind) into the cache; with --kind also the images a kind lab needs, offline',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('kind', {
        type: 'boolean',
        default: false,
        describe: 'also build the kind node image (with OCM and the workload image inside) and the images kubeadm needs, from pinned sources: no registry needed',
      })
      .option('ocm', {
        type: 'string',
        array: true,
        describe: 'also build these OCM releases beside the pinned one (for local labs at them, and upgrades), e.g. --ocm v1.0.0',
      }) as unknown as Argv<Options>,
  handler: async (argv) => {
    const [{ Progress }, { buildToolchain, findToolchain }, { buildImages, findImages }, { ensureOcmRelease, supportedOcmVersions }, { ListrProgress }, { UsageError }, { loadVersions }] = await Promise.all([
      import('../../core/progress.js'),
      import('../../toolchain/toolchain.js'),
      import('../../toolchain/images.js'),
      import('../../toolchain/ocm-release.js'),
      import('../listr-progress.js'),
      import('../../errors.js'),
      import('../../toolchain/versions.js'),
    ]);
    // The kind node image holds the images of every supported release, built from their binaries.
    const releases = [...new Set([...(argv.ocm ?? []), ...(argv.kind ? supportedOcmVersions() : [])])].filter((v) => v !== loadVersions().ocm);
    const unknown = releases.filter((v) => !supportedOcmVersions().includes(v));
    if (unknown.length) throw new UsageError(`--ocm ${unknown.join(', ')}: this toolchain builds OCM ${supportedOcmVersions().join(' and ')}`, 'the Go module proxy here refuses the others');
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around(async ({ onEvent }) => {
      const progress = new Progress(onEvent);
      progress.plan([
        { id: 'toolchain', title: 'Toolchain' },
        ...releases.map((version) => ({ id: `ocm-${version}`, title: `OCM ${version}` })),
        ...(argv.kind ? [{ id: 'images', title: 'kind images' }] : []),
      ]);
      const built = await progress.run(
        'toolchain',
        async () => findToolchain() ?? (await buildToolchain((line) => progress.output('toolchain', line), signal)),
        (found) => `Toolchain: ${found.dir}`,
      );
      const toolchain = built.dir;
      for (const version of releases) {
        await progress.run(
          `ocm-${version}`,
          () => ensureOcmRelease(built, version, (line) => progress.output(`ocm-${version}`, line), signal),
          (release) => `OCM ${release.version}: ${release.bin('registration')}`.replace(/\/bin\/registration$/, ''),
        );
      }
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
