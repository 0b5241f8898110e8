import { describe, expect, it } from 'vitest';
import { floorLines } from '../../../../ops/bench/kwokctl-floor.js';

describe('floorLines', () => {
  it('gives the time to make them all, the first and last ten apart, and the CPU spent as time on every core', () => {
    const perCluster = [...Array.from({ length: 10 }, () => 3), ...Array.from({ length: 31 }, () => 5), ...Array.from({ length: 10 }, () => 9)];
    const lines = floorLines({ createSeconds: 300.04, perCluster, createCpuSeconds: 500, deleteSeconds: 12.3 }, 2);
    expect(lines).toEqual([
      'bare kwokctl, 51 control planes one after another: made in 300.0s (the first 10 3.0s each, the last 10 9.0s; medians), deleted in 12.3s',
      'the machine was busy 500 CPU-seconds while they were made (250s of all 2 cores)',
    ]);
  });
});
