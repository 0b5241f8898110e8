// Timing helpers the benchmarks share.

/** Wall seconds of one run. */
export async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(xs: number[]): number {
  if (!xs.length) throw new Error('median of no values');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
