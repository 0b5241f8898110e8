// The vitest part of `npm test`: the `kind` and `local` projects of vitest.config.ts as two vitest runs side by side,
// each one file at a time. One vitest run cannot do it: Vitest 4 gives the projects of one group a single pool of
// workers, so two projects of one worker each still ran one file at a time in all. A test that must have the machine
// alone (OCM's e2e suite) takes it with test/support/machine-turns.ts, which the local files respect.
// Arguments go to both runs (a file filter that matches only one project's files leaves the other with none: passes).
// Exit: 0 when both runs pass, else the first non-zero code. Ctrl-C or SIGTERM stops both.
import { execa, type ResultPromise } from 'execa';
import { resolve } from 'node:path';
import { cpuLane } from './cpu-lane.js';

const repo = resolve(import.meta.dirname, '..');
const projects = ['kind', 'local'] as const;
const passed = process.argv.slice(2);

/** Writes a run's output line by line, each line prefixed by its project (lines of the two runs never mix). */
function prefixed(project: string, out: NodeJS.WritableStream): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) out.write(`[${project}] ${line}\n`);
  };
}

// The local run gets Docker's CPU weight (ops/cpu-lane.ts); the kind run stays with the kind nodes' host-side tools.
const localLane = cpuLane('local');
if ('reason' in localLane) process.stdout.write(`[local] runs without a CPU share of its own: ${localLane.reason}\n`);

const runs: ResultPromise[] = projects.map((project) => {
  const vitest = [resolve(repo, 'node_modules/.bin/vitest'), 'run', '--project', project, '--passWithNoTests', ...passed];
  const [file, ...args] = project === 'local' && 'wrap' in localLane ? localLane.wrap(vitest) : vitest;
  const run = execa(file!, args, {
    cwd: repo,
    reject: false,
    stdin: 'ignore',
  });
  run.stdout?.on('data', prefixed(project, process.stdout));
  run.stderr?.on('data', prefixed(project, process.stderr));
  return run;
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => runs.forEach((run) => run.kill(signal)));

const results = await Promise.all(runs);
if ('remove' in localLane) localLane.remove();
results.forEach((result, i) => process.stdout.write(`[${projects[i]}] vitest exited ${result.exitCode ?? result.signal}\n`));
process.exit(results.map((r) => r.exitCode ?? 1).find((code) => code !== 0) ?? 0);
