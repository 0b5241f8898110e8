import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/process/abort.js';
import { pollUntil, type Clock } from '../../../src/process/poll.js';

/** A clock whose sleeps pass at once, counting the time they would have taken. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError(signal.reason);
      slept.push(ms);
      now += ms;
    },
  };
}

describe('pollUntil', () => {
  it('returns the first value that is done, having slept the interval between asks', async () => {
    const clock = fakeClock();
    let asked = 0;
    const result = await pollUntil(() => ++asked, (n) => n === 3, { timeoutMs: 60_000, intervalMs: 1000, clock });
    expect(result).toEqual({ done: true, value: 3 });
    expect(clock.slept).toEqual([1000, 1000]);
  });

  it('answers the last value at the deadline, never sleeping past it', async () => {
    const clock = fakeClock();
    const result = await pollUntil(() => 'unhealthy', (v) => v === 'healthy', { timeoutMs: 2500, intervalMs: 1000, clock });
    expect(result).toEqual({ done: false, value: 'unhealthy' });
    expect(clock.slept).toEqual([1000, 1000, 500]);
  });

  it('ends at once on an error from the probe (a permanent one: nothing to wait for)', async () => {
    const clock = fakeClock();
    await expect(pollUntil(() => Promise.reject(new Error('403 forbidden')), () => false, { timeoutMs: 60_000, intervalMs: 1000, clock })).rejects.toThrow('403');
    expect(clock.slept).toEqual([]);
  });

  it('ends with CancelledError when its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort('Ctrl-C');
    await expect(pollUntil(() => false, Boolean, { timeoutMs: 60_000, intervalMs: 1000, signal: controller.signal, clock: fakeClock() })).rejects.toThrow(CancelledError);
  });
});
