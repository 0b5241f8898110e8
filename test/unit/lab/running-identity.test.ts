import { describe, expect, it } from 'vitest';
import { runningIdentity } from '../../../src/lab/scenario-access.js';
import type { PodStatus } from '../../../src/ocm/installer.js';

// What an upgrade step reports as restarted: our own comparison logic, no cluster needed.
const pod = (name: string, restarts = 0, terminating = false): PodStatus => ({ name, phase: 'Running', ready: '1/1', restarts, ...(terminating ? { terminating: true as const } : {}) });

describe('runningIdentity', () => {
  it('changes with a new pod, a restarted container or a new pid', () => {
    const before = runningIdentity({ pods: [pod('placement-a')] });
    expect(runningIdentity({ pods: [pod('placement-b')] })).not.toBe(before);
    expect(runningIdentity({ pods: [pod('placement-a', 1)] })).not.toBe(before);
    expect(runningIdentity({ pid: 11 })).not.toBe(runningIdentity({ pid: 12 }));
  });

  it('does not change when a pod that was already terminating goes away (a finished rollout, nothing restarted)', () => {
    const rolledOut = runningIdentity({ pods: [pod('placement-old', 0, true), pod('placement-new')] });
    expect(runningIdentity({ pods: [pod('placement-new')] })).toBe(rolledOut);
  });
});
