// The options of `npm run bench -- --scale N`, parsed apart from the benchmark so ops/bench.ts can read them cheaply.
import { MAX_MANAGED_CLUSTERS } from '../../src/config/schema-lab-config.js';

export interface ScaleArgs {
  /** Managed clusters at the end. */
  clusters: number;
  /** Managed clusters added by each `./lab up`; a sample is taken after each. */
  step: number;
  worksPerCluster: number;
  /** How many works a second the bench applies at most; undefined: as fast as 32 at a time go. */
  worksPerSecond?: number;
  /** Also the floor: hub + N control planes made by bare kwokctl one after another, after the lab is down. */
  floor: boolean;
  /** Where the CSV, SVG and JSON go; undefined: bench-results/scale-N-<timestamp>/ under the repo. */
  outDir?: string;
}

export const SCALE_USAGE = 'npm run bench -- --scale N [--step 10] [--works-per-cluster 100] [--works-per-second N] [--floor] [--out DIR]';

/** The value of `--name V` or `--name=V`; undefined when the flag is absent. */
function flag(argv: string[], name: string): string | undefined {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = argv[at]!;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value: ${SCALE_USAGE}`);
  return value;
}

function integer(argv: string[], name: string, fallback: number, min: number, max: number): number {
  const text = flag(argv, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${text}": ${SCALE_USAGE}`);
  return value;
}

/** The scale benchmark's options, or undefined when `--scale` is not given. */
export function parseScaleArgs(argv: string[]): ScaleArgs | undefined {
  if (flag(argv, 'scale') === undefined) return undefined;
  const clusters = integer(argv, 'scale', 0, 1, MAX_MANAGED_CLUSTERS.local);
  return {
    clusters,
    step: integer(argv, 'step', Math.min(10, clusters), 1, clusters),
    worksPerCluster: integer(argv, 'works-per-cluster', 100, 0, 1000),
    worksPerSecond: flag(argv, 'works-per-second') === undefined ? undefined : integer(argv, 'works-per-second', 0, 1, 10_000),
    floor: argv.includes('--floor'),
    outDir: flag(argv, 'out'),
  };
}

/** The cluster counts of the steps: step, 2 step, ..., and `clusters` last. */
export function stepCounts(clusters: number, step: number): number[] {
  const counts: number[] = [];
  for (let n = step; n < clusters; n += step) counts.push(n);
  return [...counts, clusters];
}
