import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { EXIT_FAILURE } from '../../errors.js';
import { upContext, upTasks } from '../../lab/up.js';
import { loadScenarios } from '../../scenario/load.js';
import { runContext, scenarioTasks, summarize } from '../../scenario/runner.js';
import { ScenarioLab } from '../../scenario/step-context.js';
import { requireToolchain } from '../../toolchain/toolchain.js';
import { openLab, requireExistingLab } from '../context.js';
import type { GlobalOptions } from '../options.js';
import { runTasks } from '../progress.js';
import { renderDemoNext, renderRunSummary } from '../render.js';
import { targetsOf } from '../scenario-lab.js';

export const demoCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'demo',
  describe: 'Bring the lab up, run a guided tour (ManifestWork, Placement), leave the lab running and show what to try next',
  handler: async (argv) => {
    const { spec, state } = openLab(argv);
    const tour = loadScenarios([join(dirname(spec.configPath), 'scenarios', 'demo', 'tour.yaml')], targetsOf(spec));
    const unlock = state.lock('demo');
    try {
      await runTasks(upTasks(), upContext(spec, state), argv);
    } finally {
      unlock();
    }
    const { parts } = requireExistingLab(argv);
    const lab = new ScenarioLab(spec, state, parts, requireToolchain());
    const ctx = await runTasks(scenarioTasks(tour, lab, { failFast: true, diagnosticsDir: 'lab-diagnostics' }), runContext(spec.name), argv, { exitOnError: false });
    const result = summarize(ctx.result);
    process.stdout.write(`${renderRunSummary(result, [])}\n${renderDemoNext(state.read()!.clusters[spec.hub.name]!.kubeconfig)}\n`);
    if (result.failed) process.exitCode = EXIT_FAILURE;
  },
};
