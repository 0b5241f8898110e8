import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { loadSpec } from '../context.js';
import type { GlobalOptions } from '../options.js';

type Options = GlobalOptions & { cluster?: string };

export const kubeconfigCommand: CommandModule<GlobalOptions, Options> = {
  command: 'kubeconfig [cluster]',
  describe: 'Print the path of a cluster\'s admin kubeconfig (last line of stdout); without a cluster, the merged one',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional('cluster', { type: 'string', describe: 'hub or a managed cluster name' })
      .example('$0 kubeconfig hub', '')
      .example('kubectl --kubeconfig "$(./lab kubeconfig cluster1)" get nodes', ''),
  handler: async (argv) => {
    const [loaded, { clusterNames }, { mergedKubeconfigPath }, { openLab }] = await Promise.all([
      loadSpec(argv),
      import('../../config/schema.js'),
      import('../../lab/kubeconfigs.js'),
      import('../../lab/open-lab.js'),
    ]);
    const { spec, state, recorded } = openLab(loaded);
    const names = clusterNames(spec);
    if (argv.cluster && !names.includes(argv.cluster)) {
      throw new UsageError(`no cluster "${argv.cluster}" in lab ${spec.name}`, `choose one of: ${names.join(', ')}`);
    }
    const path = argv.cluster ? recorded.clusters[argv.cluster]?.kubeconfig : mergedKubeconfigPath(state);
    if (argv.json) process.stdout.write(`${JSON.stringify({ cluster: argv.cluster ?? 'all', kubeconfig: path })}\n`);
    else process.stdout.write(`${path}\n`);
  },
};
