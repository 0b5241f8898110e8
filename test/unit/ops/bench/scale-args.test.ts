import { describe, expect, it } from 'vitest';
import { parseScaleArgs, stepCounts } from '../../../../ops/bench/scale-args.js';

describe('parseScaleArgs', () => {
  it('is undefined without --scale', () => {
    expect(parseScaleArgs(['--kind'])).toBeUndefined();
  });

  it('takes --scale N and --scale=N, with defaults', () => {
    expect(parseScaleArgs(['--scale', '50'])).toEqual({ clusters: 50, step: 10, worksPerCluster: 100, worksPerSecond: undefined, floor: false, outDir: undefined });
    expect(parseScaleArgs(['--scale=4'])).toEqual({ clusters: 4, step: 4, worksPerCluster: 100, worksPerSecond: undefined, floor: false, outDir: undefined });
    expect(parseScaleArgs(['--scale', '20', '--step=5', '--works-per-cluster', '0', '--works-per-second=15', '--floor', '--out', '/tmp/x'])).toEqual({ clusters: 20, step: 5, worksPerCluster: 0, worksPerSecond: 15, floor: true, outDir: '/tmp/x' });
  });

  it('refuses what is not a cluster count a local lab may have', () => {
    for (const bad of [['--scale'], ['--scale', '0'], ['--scale', '101'], ['--scale', '2.5'], ['--scale', 'ten'], ['--scale', '10', '--step', '11'], ['--scale', '10', '--works-per-second', '0']]) {
      expect(() => parseScaleArgs(bad)).toThrow(/npm run bench -- --scale N/);
    }
  });
});

describe('stepCounts', () => {
  it('counts up by the step and ends at the total', () => {
    expect(stepCounts(50, 10)).toEqual([10, 20, 30, 40, 50]);
    expect(stepCounts(25, 10)).toEqual([10, 20, 25]);
    expect(stepCounts(10, 10)).toEqual([10]);
    expect(stepCounts(3, 1)).toEqual([1, 2, 3]);
  });
});
