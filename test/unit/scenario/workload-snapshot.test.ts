import { describe, expect, it } from 'vitest';
import { workloadDisruptions, type WorkloadSnapshot } from '../../../src/scenario/operations/workload-snapshot.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };
const pod = (uid: string, restarts = 0) => ({ name: `web-${uid}`, uid, restarts });
const snapshot = (uid: string, resourceVersion: string, available = 'True', pods = [pod('p1')]): WorkloadSnapshot => ({
  works: [{ cluster: 'cluster1', name: 'web', conditions: { Applied: 'True', Available: available } }],
  objects: [{ cluster: 'cluster1', work: 'web', ref, uid, resourceVersion, pods }],
});

describe('what an upgrade must not change', () => {
  it('nothing, when every applied object has its uid and resourceVersion and every work its conditions', () => {
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '10'))).toEqual([]);
  });

  it('names an object re-created, written or gone, and a work that stopped being Available', () => {
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u2', '11'))).toEqual(['Deployment default/web on cluster1 (ManifestWork web) was re-created (uid u1 → u2)']);
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '11'))).toEqual(['Deployment default/web on cluster1 (ManifestWork web) was written (resourceVersion 10 → 11)']);
    expect(workloadDisruptions(snapshot('u1', '10'), { works: [], objects: [] })).toEqual([
      'Deployment default/web on cluster1 (ManifestWork web) is gone',
      'ManifestWork cluster1/web was Applied and is gone',
      'ManifestWork cluster1/web was Available and is gone',
    ]);
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '10', 'False'))).toEqual(['ManifestWork cluster1/web was Available and is now Available=False']);
  });

  it('names a pod the workload ran that was replaced or whose containers restarted', () => {
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '10', 'True', [pod('p2')]))).toEqual(['pod web-p1 of Deployment default/web on cluster1 (ManifestWork web) was replaced']);
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '10', 'True', [pod('p1', 1)]))).toEqual(['pod web-p1 of Deployment default/web on cluster1 (ManifestWork web) restarted (restarts 0 → 1)']);
    expect(workloadDisruptions(snapshot('u1', '10'), snapshot('u1', '10', 'True', [pod('p1'), pod('p3')]))).toEqual([]);
  });

  it('does not ask a work to become what it was not before the upgrade', () => {
    expect(workloadDisruptions(snapshot('u1', '10', 'Unknown'), snapshot('u1', '10', 'False'))).toEqual([]);
  });
});
