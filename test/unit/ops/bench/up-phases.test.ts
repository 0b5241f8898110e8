import { describe, expect, it } from 'vitest';
import type { PhaseTiming } from '../../../../src/lab/bring-up/action.js';
import { medianPhases, parseUpPhases, phaseLine, rechecks } from '../../../../ops/bench/up-phases.js';

const phase = (title: string, startedMs: number, durationMs: number): PhaseTiming => ({ id: title.toLowerCase(), title, startedMs, durationMs, outcome: 'done' });
const round1 = [phase('Provider', 0, 600), phase('Create clusters', 600, 22_700), phase('Install OCM hub', 600, 42_300), phase('Labels', 51_000, 200)];
const round2 = [phase('Provider', 0, 400), phase('Create clusters', 400, 30_000), phase('Install OCM hub', 400, 40_000), phase('Labels', 50_000, 100)];
const round3 = [phase('Provider', 0, 500), phase('Create clusters', 500, 25_000), phase('Install OCM hub', 500, 50_000), phase('Labels', 52_000, 300)];

describe('the phases of a benchmarked up', () => {
  it('come from up --json; a run that printed no result has none', () => {
    expect(parseUpPhases(JSON.stringify({ ok: true, phases: round1, totalMs: 57_100 }))).toEqual(round1);
    expect(parseUpPhases('')).toEqual([]);
    expect(parseUpPhases('{"ok":false}')).toEqual([]);
  });

  it('a round shows each phase of 0.5 s or more, with where it ended (phases overlap)', () => {
    expect(phaseLine(round1)).toBe('Provider 0.6s (ends +0.6s), Create clusters 22.7s (ends +23.3s), Install OCM hub 42.3s (ends +42.9s)');
  });

  it('the rounds together: each phase its median', () => {
    expect(medianPhases([round1, round2, round3])).toBe('Provider 0.5s, Create clusters 25.0s, Install OCM hub 42.3s');
  });

  it('names the clusters the hub-connection recheck had to wake, from the progress lines', () => {
    const progress =
      '✔ cluster1: the klusterlet operator asked to check the hub credentials again before acceptance (1×) [6s]\n' +
      '✔ cluster2: the klusterlet operator asked to check the hub credentials again before acceptance (2×); the klusterlet operator asked to check the hub credentials again after acceptance (7×) [32.1s]\n';
    expect(rechecks(progress)).toEqual(['cluster1 1× before acceptance', 'cluster2 2× before acceptance', 'cluster2 7× after acceptance']);
    expect(rechecks('✔ cluster1 [8s]\n')).toEqual([]);
  });
});
