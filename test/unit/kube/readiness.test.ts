import { describe, expect, it } from 'vitest';
import { readinessOf } from '../../../src/kube/readiness.js';

const meta = { name: 'x', generation: 2 };

describe('readinessOf', () => {
  it('a Deployment is ready once every replica runs the current template and is available', () => {
    const deployment = (status: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 2 }, status });
    expect(readinessOf(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))).toEqual({ state: 'ready' });
    expect(readinessOf(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).state).toBe('pending');
    expect(readinessOf(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).state).toBe('pending');
    expect(readinessOf(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))).toEqual({ state: 'pending', detail: '1/2 available' });
  });

  it('a StatefulSet and a DaemonSet are ready when rolled out', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: 1 } };
    expect(readinessOf({ ...sts, status: { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'a' } } as object).state).toBe('ready');
    expect(readinessOf({ ...sts, status: { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' } } as object).state).toBe('pending');
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta };
    expect(readinessOf({ ...ds, status: { observedGeneration: 2, desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2 } } as object).state).toBe('ready');
    expect(readinessOf({ ...ds, status: { observedGeneration: 2, desiredNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2 } } as object)).toEqual({ state: 'pending', detail: '1/2 ready' });
  });

  it('a Job is ready when complete and failed for good when it failed; a CRD when established; anything else at once', () => {
    const job = (type: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta, status: { conditions: [{ type, status: 'True', reason: 'BackoffLimitExceeded' }] } });
    expect(readinessOf(job('Complete')).state).toBe('ready');
    expect(readinessOf(job('Failed'))).toEqual({ state: 'failed', detail: 'failed: BackoffLimitExceeded' });
    expect(readinessOf({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta }).state).toBe('pending');
    const crd = (status: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: meta, status: { conditions: [{ type: 'Established', status }] } });
    expect(readinessOf(crd('True')).state).toBe('ready');
    expect(readinessOf(crd('False')).state).toBe('pending');
    expect(readinessOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta }).state).toBe('ready');
  });
});
