import type { CommandModule } from 'yargs';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const upCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'up',
  describe: 'Create the clusters, install OCM, join and accept every managed cluster, and verify (idempotent; repairs a broken lab)',
  handler: async (argv) => {
    const [spec, { up }, { ListrProgress }, { renderPhases, renderUsage }] = await Promise.all([loadSpec(argv), import('../../lab/up.js'), import('../listr-progress.js'), import('../render.js')]);
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around((events) => up(spec, { ...events, signal }));
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
    else process.stdout.write(`\n${renderPhases(result.phases, result.totalMs)}\n${renderUsage(spec.name, result.hubKubeconfigEnv, result.mergedKubeconfig, spec.managedClusters.map((c) => c.name))}\n`);
  },
};
