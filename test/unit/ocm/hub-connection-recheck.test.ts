import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/errors.js';
import { CancelledError, throwIfAborted } from '../../../src/process/abort.js';
import type { ClusterClient, ObjectRef } from '../../../src/kube/cluster-client.js';
import { AFTER_ACCEPT, RECHECK_ANNOTATION, recheckHubConnection, removeRecheckAnnotation, workAgentAllowed } from '../../../src/ocm/clusteradm/hub-connection-recheck.js';

const degraded = (reason: string) => ({ status: { conditions: [{ type: 'HubConnectionDegraded', status: 'True', reason }] } });
const MISSING = degraded('BootstrapSecretFunctional,HubKubeConfigSecretMissing');
const UNAUTHORIZED = degraded('BootstrapSecretFunctional,HubKubeConfigUnauthorized');

// A stand-in for the managed cluster's API (our own logic only; the operator's behaviour is in the header of
// hub-connection-recheck.ts; the kind and existing suites check a real lab's secrets). The Klusterlet shows `before`
// until it has been touched `fixedAfter` times, then `after`; waits time out at once when nothing matches.
function standIn(options: { secret: boolean; before: object; after?: object; fixedAfter?: number; onPatch?: () => void }) {
  const patches: object[] = [];
  const touches = () => patches.filter((p) => !JSON.stringify(p).includes('null')).length;
  const klusterlet = () => (options.after && touches() >= (options.fixedAfter ?? 0) ? options.after : options.before);
  const client = {
    cluster: 'cluster1',
    waitFor: async (ref: ObjectRef, check: (objects: object[]) => unknown) => {
      const objects = ref.kind === 'Secret' ? (options.secret ? [{ metadata: { name: 'hub-kubeconfig-secret' } }] : []) : [klusterlet()];
      const value = check(objects);
      if (value === undefined) throw new TimeoutError(`timed out waiting for ${ref.kind}`);
      return value;
    },
    mergePatch: async (ref: ObjectRef, patch: object, signal?: AbortSignal) => {
      // Touching the Klusterlet would make a running check's status write fail (see hub-connection-recheck.ts).
      expect(ref.kind).toBe('Secret');
      // As the real client: a cancelled request is not sent.
      throwIfAborted(signal);
      patches.push(patch);
      options.onPatch?.();
    },
  };
  return { client: client as unknown as ClusterClient, patches };
}

describe('workAgentAllowed', () => {
  it('follows the one reason that keeps OCM’s work agent at 0 replicas', () => {
    expect(workAgentAllowed(MISSING)).toBe(false);
    expect(workAgentAllowed(UNAUTHORIZED)).toBe(true);
    expect(workAgentAllowed({ status: { conditions: [{ type: 'HubConnectionDegraded', status: 'False', reason: 'HubConnectionFunctional' }] } })).toBe(true);
    // No check reported yet: the operator also keeps the work agent at 0.
    expect(workAgentAllowed({ status: {} })).toBe(false);
  });
});

describe('recheckHubConnection', () => {
  it('leaves the Klusterlet alone when the operator already saw the secret', async () => {
    const cluster = standIn({ secret: true, before: UNAUTHORIZED });
    expect(await recheckHubConnection(cluster.client, AFTER_ACCEPT)).toBe(0);
    expect(cluster.patches).toEqual([]);
  });

  it('touches the secret while the Klusterlet still reports it missing, then removes its annotation', async () => {
    const cluster = standIn({ secret: true, before: MISSING, after: UNAUTHORIZED, fixedAfter: 1 });
    expect(await recheckHubConnection(cluster.client, AFTER_ACCEPT)).toBe(1);
    expect(cluster.patches).toEqual([
      { metadata: { annotations: { [RECHECK_ANNOTATION]: '1' } } },
      { metadata: { annotations: { [RECHECK_ANNOTATION]: null } } },
    ]);
  });

  it('asks again when a touch reached the operator during a check', async () => {
    const cluster = standIn({ secret: true, before: MISSING, after: UNAUTHORIZED, fixedAfter: 3 });
    expect(await recheckHubConnection(cluster.client, AFTER_ACCEPT)).toBe(3);
  });

  it('touches nothing before the secret exists', async () => {
    const cluster = standIn({ secret: false, before: MISSING });
    expect(await recheckHubConnection(cluster.client, AFTER_ACCEPT)).toBe(0);
    expect(cluster.patches).toEqual([]);
  });

  it('removes its annotation when up is cancelled (Ctrl-C) while it touches the secret', async () => {
    const cancel = new AbortController();
    const cluster = standIn({ secret: true, before: MISSING, onPatch: () => cancel.abort('interrupted') });
    await expect(recheckHubConnection(cluster.client, AFTER_ACCEPT, cancel.signal)).rejects.toThrow(CancelledError);
    expect(cluster.patches).toEqual([
      { metadata: { annotations: { [RECHECK_ANNOTATION]: '1' } } },
      { metadata: { annotations: { [RECHECK_ANNOTATION]: null } } },
    ]);
  });
});

describe('removeRecheckAnnotation (down, on a klusterlet the lab adopted)', () => {
  const secretWith = (annotations?: Record<string, string>) => {
    const patches: object[] = [];
    const client = {
      cluster: 'cluster1',
      read: async (ref: ObjectRef) => (ref.kind === 'Secret' && annotations ? { metadata: { name: 'hub-kubeconfig-secret', annotations } } : undefined),
      mergePatch: async (_ref: ObjectRef, patch: object) => void patches.push(patch),
    };
    return { client: client as unknown as ClusterClient, patches };
  };

  it('removes the annotation a killed up left on the secret', async () => {
    const cluster = secretWith({ [RECHECK_ANNOTATION]: '3', owner: 'theirs' });
    expect(await removeRecheckAnnotation(cluster.client)).toBe(true);
    expect(cluster.patches).toEqual([{ metadata: { annotations: { [RECHECK_ANNOTATION]: null } } }]);
  });

  it('writes nothing when there is none, or no secret', async () => {
    for (const cluster of [secretWith({ owner: 'theirs' }), secretWith()]) {
      expect(await removeRecheckAnnotation(cluster.client)).toBe(false);
      expect(cluster.patches).toEqual([]);
    }
  });
});
