// The vitest part of `npm test`: the `kind` and `local` projects of vitest.config.ts, one after the other, each one
// file at a time, their lines prefixed by the project. Side by side (two vitest processes, the local one at nice 10)
// a warm CI took 27.7 min instead of 45.8, but OCM's own e2e suite then failed its BeforeSuite in 2 of 3 full runs
// (its klusterlet not Available within the suite's 90 s while the local scenario suite shared the 2 cores), so the
// projects run in turn until that test can be kept apart from the local stream.
// Arguments go to both runs (a file filter that matches only one project's files leaves the other with none: passes).
// Exit: 0 when both runs pass, else the first non-zero code. Ctrl-C or SIGTERM stops the run.
import { execa, type ResultPromise } from 'execa';
import { resolve } from 'node:path';

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

let current: ResultPromise | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => current?.kill(signal));

function start(project: (typeof projects)[number]): ResultPromise {
  const run = execa(resolve(repo, 'node_modules/.bin/vitest'), ['run', '--project', project, '--passWithNoTests', ...passed], {
    cwd: repo,
    reject: false,
    stdin: 'ignore',
  });
  run.stdout?.on('data', prefixed(project, process.stdout));
  run.stderr?.on('data', prefixed(project, process.stderr));
  return run;
}

const results = [];
for (const project of projects) {
  current = start(project);
  const result = await current;
  results.push(result);
  if (result.isTerminated) break;
}
results.forEach((result, i) => process.stdout.write(`[${projects[i]}] vitest exited ${result.exitCode ?? result.signal}\n`));
process.exit(results.map((r) => r.exitCode ?? 1).find((code) => code !== 0) ?? 0);
