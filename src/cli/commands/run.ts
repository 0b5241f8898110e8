import type { Argv, CommandModule } from 'yargs';
import { EXIT_FAILURE, UsageError } from '../../errors.js';
import { loadSpec } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../options.js';

type Options = GlobalOptions & { paths: string[]; select: string[]; failFast: boolean; report: string[]; diagnostics: string };

export const runCommand: CommandModule<GlobalOptions, Options> = {
  command: 'run [paths..]',
  describe: 'Run scenarios against the lab and assert their outcomes (exit 1 when any fails, 2 when a scenario is invalid or needs what the lab cannot do)',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'scenario files or folders (default: scenarios/)' })
      .option('select', { type: 'string', array: true, default: [] as string[], describe: 'only scenarios with this label (key=value), repeatable' })
      .option('fail-fast', { type: 'boolean', default: false, describe: 'stop after the first failed scenario' })
      .option('report', { type: 'string', array: true, default: [] as string[], describe: 'write a report: junit=PATH, json=PATH or html=PATH (timeline per scenario, the fleet at each failure and at the end, links to diagnostics), repeatable' })
      .option('diagnostics', { type: 'string', default: 'lab-diagnostics', describe: 'folder for the diagnostics bundle written on failure' })
      .example('$0 run', 'every scenario in scenarios/')
      .example('$0 run scenarios/work.yaml --report junit=report.xml', '')
      .example('$0 run --report html=reports/run.html', 'a page to open after the run') as unknown as Argv<Options>,
  handler: async (argv) => {
    for (const selector of argv.select) {
      if (!/^[^=]+=[^=]*$/.test(selector)) throw new UsageError(`--select "${selector}" is not key=value`, 'e.g. --select area=work');
    }
    const [spec, { run }, { parseReportTargets, jsonResult }, { writeReports }, { selectScenarios }, { ListrProgress }, { renderRunSummary }, { scenariosFrom }, { reportToGitHub }] = await Promise.all([
      loadSpec(argv),
      import('../../lab/run.js'),
      import('../../report/json.js'),
      import('../../report/write-reports.js'),
      import('../../scenario/runner.js'),
      import('../listr-progress.js'),
      import('../render.js'),
      import('../scenario-lab.js'),
      import('../../report/github.js'),
    ]);
    const targets = parseReportTargets(argv.report);
    const scenarios = selectScenarios(scenariosFrom(argv.paths, spec), argv.select);
    if (!scenarios.length) throw new UsageError(`no scenario matches ${argv.select.join(', ') || 'the given paths'}`, './lab validate lists the scenarios');
    const signal = interruptSignal();
    const result = await new ListrProgress(argv).around((events) =>
      run(spec, scenarios, { ...events, signal, failFast: argv.failFast, diagnosticsDir: argv.diagnostics, captureFleet: targets.html.length > 0 }),
    );
    const written = writeReports(result, targets);
    // In a GitHub Actions job: groups, annotations at each failed step's line, and the job summary. With --json,
    // stdout is the result alone, so the workflow commands go to stderr (the runner reads both).
    const github = reportToGitHub(result);
    if (github.length) (argv.json ? process.stderr : process.stdout).write(`${github.join('\n')}\n`);
    if (argv.json) process.stdout.write(`${JSON.stringify({ ok: result.failed === 0, ...jsonResult(result), reports: written })}\n`);
    else process.stdout.write(`${renderRunSummary(result, written)}\n`);
    if (result.failed > 0) process.exitCode = EXIT_FAILURE;
  },
};
