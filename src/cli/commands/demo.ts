import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { EXIT_FAILURE } from '../../errors.js';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

export const demoCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'demo',
  describe: 'Bring the lab up, run a guided tour (ManifestWork, Placement), leave the lab running and show what to try next',
  handler: async (argv) => {
    const [spec, { demo }, { loadScenarios }, { ListrProgress }, { renderDemoNext, renderRunSummary }, { targetsOf }] = await Promise.all([
      loadSpec(argv),
      import('../../lab/run.js'),
      import('../../scenario/load.js'),
      import('../listr-progress.js'),
      import('../render.js'),
      import('../scenario-lab.js'),
    ]);
    const tour = loadScenarios([join(dirname(spec.configPath), 'scenarios', 'demo', 'tour.yaml')], targetsOf(spec));
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around((events) => demo(spec, tour, { ...events, signal, failFast: true, diagnosticsDir: 'lab-diagnostics' }));
    process.stdout.write(`${renderRunSummary(result.run, [])}\n${renderDemoNext(result.up.kubeconfigs[spec.hub.name]!)}\n`);
    if (result.run.failed) process.exitCode = EXIT_FAILURE;
  },
};
