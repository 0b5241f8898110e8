#!/usr/bin/env -S npx tsx
// Benchmark: seconds for a warm `./lab up` of hub + 2 managed clusters until all are Available,
// for `./lab down`, and for a cold toolchain build.
//   npm run bench                 warm up/down, 3 rounds; cold build as recorded by the last build
//   npm run bench -- --cold       also rebuild the toolchain from scratch (empty Go build cache
//                                 and toolchain cache; modules come from the module cache) — ~15 min
//   npm run bench -- --cli-only   only the CLI start time (compiled ./lab vs tsx), no lab and no toolchain
//   npm run bench -- --kind       also kind (ops/bench-kind.ts): warm image build, up/down of hub + 2 on kind,
//                                 and the local-up.sh way on the same images as a baseline (needs Docker)
//   npm run bench -- --kind-cold  as --kind, plus an image build into an empty images cache (~6 min)
//   npm run bench -- --scale N    only the scale benchmark (ops/bench-scale.ts): hub + N managed clusters on local,
//                                 up in steps of 10 (--step), sampled after each, 100 ManifestWorks a cluster
//                                 (--works-per-cluster) timed until Available, down; CSV + SVG in bench-results/
// Every run also measures CLI start: median of BENCH_CLI_RUNS (default 10) runs of `./lab --help` and of
// `./lab status` with no lab up (exits 1), against the old start through the tsx loader in the same run.
import { spawnSync } from 'node:child_process';
import { $, fs, os, path } from 'zx';
import type { Row } from './bench-kind.js';
import { median, seconds } from './bench/measure.js';
import { kwokctlFloor } from './bench/kwokctl-floor.js';

$.verbose = false;
const repo = path.resolve(import.meta.dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cold = process.argv.includes('--cold');
const cliOnly = process.argv.includes('--cli-only');
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 10);
const kindCold = process.argv.includes('--kind-cold');
const kind = kindCold || process.argv.includes('--kind');
const timeBin = '/usr/bin/time';

const fmt = (x: number) => x.toFixed(1);

/** Wall seconds of one run; its exit code is not checked (status with no lab up exits 1). */
function wall(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(cmd, args, { cwd: repo, env, stdio: 'ignore' });
  if (run.error) throw run.error;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Peak RSS in MB of one run, by GNU time; undefined when it is not installed. */
function peakRssMb(cmd: string, args: string[], env: NodeJS.ProcessEnv): number | undefined {
  if (!fs.existsSync(timeBin)) return undefined;
  const run = spawnSync(timeBin, ['-f', '%M', cmd, ...args], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const kb = Number(run.stderr.trim().split('\n').at(-1));
  return Number.isFinite(kb) && kb > 0 ? kb / 1024 : undefined;
}

async function cliStart(): Promise<Row[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocm-lab-bench-cli-'));
  const config = path.join(dir, 'lab.config.yaml');
  await fs.writeFile(config, 'name: bench-cli\nprovider: local\nmanagedClusters:\n  - name: cluster1\n');
  const { OCM_LAB_DEBUG: _debug, ...env } = process.env;
  const lab = path.join(repo, 'lab');
  const tsx = ['--import', path.join(repo, 'node_modules/tsx/dist/loader.mjs'), path.join(repo, 'src/cli/main.ts')];
  const cases = [
    { name: '--help', args: ['--help'] },
    { name: 'status (no lab up)', args: ['status', '--config', config] },
  ];
  try {
    // Not timed: builds dist/ when stale, and warms the file cache for both ways.
    const warm = spawnSync(lab, ['--help'], { cwd: repo, env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (warm.status !== 0) throw new Error(`./lab --help failed (exit ${warm.status}); the CLI start cannot be measured`);
    wall(process.execPath, [...tsx, '--help'], env);
    const stamp = path.join(repo, 'dist/.stamp');
    const built = fs.statSync(stamp).mtimeMs;

    const rows: Row[] = [];
    for (const { name, args } of cases) {
      const now: number[] = [];
      const old: number[] = [];
      // Interleaved, so load on the machine hits both ways alike.
      for (let i = 0; i < cliRuns; i++) {
        now.push(wall(lab, args, env));
        old.push(wall(process.execPath, [...tsx, ...args], env));
      }
      const rssNow = peakRssMb(lab, args, env);
      const rssOld = peakRssMb(process.execPath, [...tsx, ...args], env);
      const rss = rssNow !== undefined && rssOld !== undefined ? `; peak RSS ${rssNow.toFixed(0)} MB, was ${rssOld.toFixed(0)} MB` : '';
      const mNow = median(now);
      const mOld = median(old);
      rows.push([`CLI start: ./lab ${name}`, mNow.toFixed(2), `median of ${cliRuns}; via tsx ${mOld.toFixed(2)} s, ${(mOld / mNow).toFixed(1)}x faster now${rss}`]);
    }
    if (fs.statSync(stamp).mtimeMs !== built) process.stderr.write('note: sources changed during the measurement, so ./lab rebuilt dist/ and its times include a build\n');
    if (!fs.existsSync(timeBin)) process.stderr.write(`note: ${timeBin} is not installed; peak RSS not measured\n`);
    return rows;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]): void {
  const header = ['measure', 'seconds', 'note'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

async function coldBuild(): Promise<number> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'ocm-lab-cold-'));
  try {
    return await seconds(() =>
      $({ env: { ...process.env, OCM_LAB_TOOLCHAIN_CACHE: path.join(scratch, 'toolchain'), GOCACHE: path.join(scratch, 'gocache') } })`npx tsx ${path.join(repo, 'ops/toolchain/build.ts')}`,
    );
  } finally {
    await $`chmod -R u+w ${scratch}`.nothrow();
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cliRows = await cliStart();
  if (cliOnly) {
    printTable(cliRows);
    console.log(`\n${os.cpus().length} cores, Node ${process.version}`);
    return;
  }
  // Imported here so --cli-only runs without loading the lab code through tsx.
  const { findToolchain } = await import('../src/toolchain/toolchain.js');
  const { loadVersions } = await import('../src/toolchain/versions.js');
  if (!findToolchain()) await $`${path.join(repo, 'lab')} setup`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocm-lab-bench-'));
  const config = path.join(dir, 'lab.config.yaml');
  await fs.writeFile(config, 'name: bench\nprovider: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\n');
  const lab = (...args: string[]) => $`${path.join(repo, 'lab')} ${args} --config ${config}`;

  const ups: number[] = [];
  const downs: number[] = [];
  const floors: number[] = [];
  const toolchainBin = (name: string) => findToolchain()!.bin(name as Parameters<NonNullable<ReturnType<typeof findToolchain>>['bin']>[0]);
  try {
    // Interleaved with the floor, so load on the machine hits both alike.
    for (let round = 1; round <= rounds; round++) {
      ups.push(await seconds(() => lab('up')));
      downs.push(await seconds(() => lab('down')));
      const floor = await kwokctlFloor(toolchainBin, ['bench-floor-hub', 'bench-floor-c1', 'bench-floor-c2']);
      floors.push(floor.createSeconds + floor.deleteSeconds);
      process.stderr.write(`round ${round}: up ${fmt(ups.at(-1)!)}s, down ${fmt(downs.at(-1)!)}s, bare kwokctl create + delete ${fmt(floors.at(-1)!)}s\n`);
    }
  } finally {
    await lab('down').nothrow();
    await fs.rm(dir, { recursive: true, force: true });
  }

  const recorded = (await fs.readJson(path.join(findToolchain()!.dir, 'toolchain.json'))) as { buildSeconds?: Record<string, number> };
  const recordedTotal = Object.values(recorded.buildSeconds ?? {}).reduce((a, b) => a + b, 0);
  const coldSeconds = cold ? await coldBuild() : undefined;

  const rows: Row[] = [
    ['warm up (hub + 2, all Available)', fmt(median(ups)), `median of ${rounds}: ${ups.map(fmt).join(', ')}; target <= 60`],
    ['down', fmt(median(downs)), `median of ${rounds}: ${downs.map(fmt).join(', ')}; target <= 10`],
    [
      'bare kwokctl create + delete (hub + 2)',
      fmt(median(floors)),
      `median of ${rounds}: ${floors.map(fmt).join(', ')}; up + down is ${(median(ups.map((u, i) => (u + downs[i]!) / floors[i]!))).toFixed(2)}x this floor (median of per-round ratios; target <= 1.6)`,
    ],
    coldSeconds !== undefined
      ? ['cold toolchain build', fmt(coldSeconds), 'measured now: empty Go build cache, modules already downloaded']
      : ['cold toolchain build', recordedTotal ? fmt(recordedTotal) : 'n/a', 'as recorded per group by the last build of this cache (npm run bench -- --cold measures it now)'],
    ...cliRows,
    ...(kind ? await (await import('./bench-kind.js')).kindRows({ repo, rounds, cold: kindCold }) : []),
  ];
  printTable(rows);
  console.log(`\n${os.cpus().length} cores, Node ${process.version}, Kubernetes ${loadVersions().kubernetes}, OCM ${loadVersions().ocm}`);
}

// Imported only when asked for, like the lab code below.
const scale = process.argv.some((a) => a === '--scale' || a.startsWith('--scale='));
if (scale) await (await import('./bench-scale.js')).main(process.argv.slice(2), repo);
else await main();
