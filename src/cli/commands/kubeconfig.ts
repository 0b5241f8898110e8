import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { loadSpec } from '../context.js';
import type { GlobalOptions } from '../options.js';

type Options = GlobalOptions & { cluster?: string };

export const kubeconfigCommand: CommandModule<GlobalOptions, Options> = {
  command: 'kubeconfig [cluster]',
  describe: 'Print a cluster\'s admin kubeconfig for KUBECONFIG (last line of stdout); without a cluster, every cluster\'s',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional('cluster', { type: 'string', describe: 'hub or a managed cluster name' })
      .example('$0 kubeconfig hub', '')
      .example('kubectl --kubeconfig "$(./lab kubeconfig cluster1)" get nodes', ''),
  handler: async (argv) => {
    const [loaded, { clusterNames }, { kubeconfigEnv, writeMergedKubeconfig }, { openLab }] = await Promise.all([
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
    const handle = argv.cluster ? recorded.clusters[argv.cluster] : undefined;
    if (argv.cluster && !handle) throw new UsageError(`cluster "${argv.cluster}" is not up yet`, 'run ./lab up');
    const path = handle ? kubeconfigEnv(state, handle) : writeMergedKubeconfig(state, recorded, names);
    if (argv.json) process.stdout.write(`${JSON.stringify({ cluster: argv.cluster ?? 'all', kubeconfig: path })}\n`);
    else process.stdout.write(`${path}\n`);
  },
};
