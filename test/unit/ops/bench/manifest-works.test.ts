import { describe, expect, it } from 'vitest';
import { applyWhenBusy, applyWorks, benchWork } from '../../../../ops/bench/manifest-works.js';
import { KubeApiError } from '../../../../src/errors.js';
import type { Clock } from '../../../../src/process/poll.js';

// The scale bench's retry logic only, with a fake hub (the scale smoke e2e applies real works to a real hub).
const clock: Clock = { now: () => Date.now(), sleep: async () => undefined };
/** What rawRequest throws when the server does not answer in time. */
const noAnswer = () => Object.assign(new Error('PATCH https://127.0.0.1:1/apis/...: no answer within 60s'), { code: 'ETIMEDOUT' });

/** A hub whose applies fail with the given errors, one per call, then succeed; it counts the calls. */
function hubFailing(...errors: unknown[]) {
  const hub = {
    calls: 0,
    apply: async () => {
      const error = errors[hub.calls++];
      if (error) throw error;
      return {} as never;
    },
  };
  return hub;
}

describe('applyWhenBusy (the scale bench)', () => {
  it('asks again while the hub is busy or gives no answer at all, until the apply is taken', async () => {
    const hub = hubFailing(new KubeApiError(504, 'timeout', 'hub'), noAnswer(), new KubeApiError(429, 'slow down', 'hub'));
    await applyWhenBusy(hub, benchWork('cluster01', 1), { clock });
    expect(hub.calls).toBe(4);
  });

  it('gives up at once on an answer that asking again cannot change, and on any other error', async () => {
    const invalid = hubFailing(new KubeApiError(422, 'invalid', 'hub'));
    await expect(applyWhenBusy(invalid, benchWork('cluster01', 1), { clock })).rejects.toThrow('422');
    expect(invalid.calls).toBe(1);
    const broken = hubFailing(new TypeError('not a function'));
    await expect(applyWhenBusy(broken, benchWork('cluster01', 1), { clock })).rejects.toThrow('not a function');
    expect(broken.calls).toBe(1);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const hub = hubFailing(noAnswer(), noAnswer());
    const apply = hub.apply;
    hub.apply = async () => (controller.abort(), apply());
    await expect(applyWhenBusy(hub, benchWork('cluster01', 1), { clock, signal: controller.signal })).rejects.toThrow();
    expect(hub.calls).toBe(1);
  });
});

describe('applyWorks (the scale bench)', () => {
  /** A hub that records which work it was asked for, and when. */
  function recordingHub() {
    const applied: { at: number; name: string; namespace: string }[] = [];
    return { applied, apply: async (work: { metadata?: { name?: string; namespace?: string } }) => (applied.push({ at: performance.now(), name: work.metadata!.name!, namespace: work.metadata!.namespace! }), {} as never) };
  }

  it('goes round the clusters, so every agent gets its first work before any gets a second', async () => {
    const hub = recordingHub();
    expect(await applyWorks(hub, ['c1', 'c2', 'c3'], 2, { concurrency: 1 })).toBe(6);
    expect(hub.applied.map((a) => `${a.namespace}/${a.name}`)).toEqual(['c1/bench-001', 'c2/bench-001', 'c3/bench-001', 'c1/bench-002', 'c2/bench-002', 'c3/bench-002']);
  });

  it('keeps to the rate asked for', async () => {
    const hub = recordingHub();
    const started = performance.now();
    await applyWorks(hub, ['c1', 'c2'], 5, { perSecond: 50 });
    const at = hub.applied.map((a) => a.at - started);
    // Work i no sooner than i / 50 s after the start (a millisecond of timer slack).
    at.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(i * 20 - 1));
    expect(at.at(-1)).toBeGreaterThanOrEqual(179);
  });
});

