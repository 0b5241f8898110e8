#!/usr/bin/env -S npx tsx
// Benchmark: seconds for a warm `./lab up` of hub + 2 managed clusters until all are Available,
// for `./lab down`, and for a cold toolchain build.
//   npm run bench                 warm up/down, 3 rounds; cold build as recorded by the last build
//   npm run bench -- --cold       also rebuild the toolchain from scratch (empty Go build cache
//                                 and toolchain cache; modules come from the module cache) — ~15 min
import { $, fs, os, path } from 'zx';
import { findToolchain } from '../src/toolchain/toolchain.js';
import { loadVersions } from '../src/toolchain/versions.js';

$.verbose = false;
const repo = path.resolve(import.meta.dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cold = process.argv.includes('--cold');

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => x.toFixed(1);

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
  if (!findToolchain()) await $`${path.join(repo, 'lab')} setup`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocm-lab-bench-'));
  const config = path.join(dir, 'lab.config.yaml');
  await fs.writeFile(config, 'name: bench\nprovider: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\n');
  const lab = (...args: string[]) => $`${path.join(repo, 'lab')} ${args} --config ${config}`;

  const ups: number[] = [];
  const downs: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      ups.push(await seconds(() => lab('up')));
      downs.push(await seconds(() => lab('down')));
      process.stderr.write(`round ${round}: up ${fmt(ups.at(-1)!)}s, down ${fmt(downs.at(-1)!)}s\n`);
    }
  } finally {
    await lab('down').nothrow();
    await fs.rm(dir, { recursive: true, force: true });
  }

  const recorded = (await fs.readJson(path.join(findToolchain()!.dir, 'toolchain.json'))) as { buildSeconds?: Record<string, number> };
  const recordedTotal = Object.values(recorded.buildSeconds ?? {}).reduce((a, b) => a + b, 0);
  const coldSeconds = cold ? await coldBuild() : undefined;

  const header = ['measure', 'seconds', 'note'];
  const rows: string[][] = [
    ['warm up (hub + 2, all Available)', fmt(median(ups)), `median of ${rounds}: ${ups.map(fmt).join(', ')}; target <= 60`],
    ['down', fmt(median(downs)), `median of ${rounds}: ${downs.map(fmt).join(', ')}; target <= 10`],
    coldSeconds !== undefined
      ? ['cold toolchain build', fmt(coldSeconds), 'measured now: empty Go build cache, modules already downloaded']
      : ['cold toolchain build', recordedTotal ? fmt(recordedTotal) : 'n/a', 'as recorded per group by the last build of this cache (npm run bench -- --cold measures it now)'],
  ];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
  console.log(`\n${os.cpus().length} cores, Node ${process.version}, Kubernetes ${loadVersions().kubernetes}, OCM ${loadVersions().ocm}`);
}

await main();
