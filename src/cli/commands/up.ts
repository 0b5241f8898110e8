import type { CommandModule } from 'yargs';
import { clusterNames } from '../../config/schema.js';
import { mergedKubeconfigPath } from '../../lab/kubeconfigs.js';
import { upContext, upTasks } from '../../lab/up.js';
import { openLab } from '../context.js';
import type { GlobalOptions } from '../options.js';
import { runTasks } from '../progress.js';
import { renderUsage } from '../render.js';

export const upCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'up',
  describe: 'Create the clusters, install OCM, join and accept every managed cluster, and verify (idempotent)',
  handler: async (argv) => {
    const { spec, state } = openLab(argv);
    const unlock = state.lock('up');
    try {
      const ctx = await runTasks(upTasks(), upContext(spec, state), argv);
      const recorded = state.read()!;
      const hubKubeconfig = recorded.clusters[spec.hub.name]!.kubeconfig;
      const merged = mergedKubeconfigPath(state);
      if (argv.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, unchanged: ctx.unchanged, name: spec.name, provider: recorded.provider, stateDir: state.root, kubeconfigs: Object.fromEntries(clusterNames(spec).map((n) => [n, recorded.clusters[n]?.kubeconfig])), mergedKubeconfig: merged })}\n`);
      } else {
        process.stdout.write(`${renderUsage(spec.name, hubKubeconfig, merged, spec.managedClusters.map((c) => c.name))}\n`);
      }
    } finally {
      unlock();
    }
  },
};
