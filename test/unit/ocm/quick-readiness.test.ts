import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/errors.js';
import { CancelledError, throwIfAborted } from '../../../src/process/abort.js';
import type { ClusterClient } from '../../../src/kube/cluster-client.js';
import { PROBE_PERIOD_SECONDS, useQuickReadiness } from '../../../src/ocm/clusteradm/quick-readiness.js';

// A stand-in for the cluster's API (our own logic only: the policy itself is checked by a real API server in
// test/e2e/pod-admission-policies.test.ts). Its dry runs answer in turn with what `answers` lists.
function standIn(answers: (number | Error)[], options: { onDryRun?: () => void; deleteFails?: boolean } = {}) {
  const applied: string[] = [];
  const deleted: string[] = [];
  let dryRuns = 0;
  const client = {
    cluster: 'hub',
    kubeconfigPath: '/dev/null',
    serves: async () => true,
    apply: async (object: { kind: string }) => (applied.push(object.kind), object),
    delete: async (ref: { kind: string; name: string }, signal?: AbortSignal) => {
      // As the real client: a cancelled request is not sent.
      throwIfAborted(signal);
      if (options.deleteFails) throw new KubeApiError(503, 'the API server is going away', 'hub');
      deleted.push(`${ref.kind} ${ref.name}`);
      return true;
    },
    create: async () => {
      options.onDryRun?.();
      const answer = answers[Math.min(dryRuns++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return { spec: { containers: [{ readinessProbe: { periodSeconds: answer } }] } };
    },
  };
  return { client: client as unknown as ClusterClient, applied, deleted, dryRuns: () => dryRuns };
}

// The API server refuses any pod, a dry run's too, whose ServiceAccount it cannot find (yet).
const noServiceAccount = () =>
  new KubeApiError(403, 'pods "ocm-lab-ocm-readiness-check" is forbidden: error looking up service account default/ocm-lab-ocm-readiness-check: serviceaccount "ocm-lab-ocm-readiness-check" not found', 'hub');

describe('useQuickReadiness', () => {
  it('waits until the policy takes effect', async () => {
    const hub = standIn([10, 10, PROBE_PERIOD_SECONDS]);
    expect(await useQuickReadiness(hub.client)).toBe(true);
    expect(hub.applied).toEqual(['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'ServiceAccount']);
    expect(hub.dryRuns()).toBe(3);
    expect(hub.deleted).toEqual(['ServiceAccount ocm-lab-ocm-readiness-check']);
  });

  it("waits while the check's own ServiceAccount is not found yet instead of failing", async () => {
    const hub = standIn([noServiceAccount(), noServiceAccount(), PROBE_PERIOD_SECONDS]);
    expect(await useQuickReadiness(hub.client)).toBe(true);
    expect(hub.dryRuns()).toBe(3);
  });

  it('fails at once on any other refusal', async () => {
    const hub = standIn([new KubeApiError(403, 'pods is forbidden: User "x" cannot create resource "pods"', 'hub')]);
    await expect(useQuickReadiness(hub.client)).rejects.toThrow(/cannot create resource/);
    expect(hub.dryRuns()).toBe(1);
    expect(hub.deleted).toEqual(['ServiceAccount ocm-lab-ocm-readiness-check']);
  });

  it("removes the check's ServiceAccount when up is cancelled (Ctrl-C) during the check", async () => {
    const cancel = new AbortController();
    const hub = standIn([10], { onDryRun: () => cancel.abort('interrupted') });
    await expect(useQuickReadiness(hub.client, cancel.signal)).rejects.toThrow(CancelledError);
    expect(hub.deleted).toEqual(['ServiceAccount ocm-lab-ocm-readiness-check']);
  });

  it('a cancel stays a cancel when the ServiceAccount cannot be removed then', async () => {
    const cancel = new AbortController();
    const hub = standIn([10], { onDryRun: () => cancel.abort('interrupted'), deleteFails: true });
    await expect(useQuickReadiness(hub.client, cancel.signal)).rejects.toThrow(CancelledError);
  });
});
