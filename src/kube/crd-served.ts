import type { KubernetesObject } from '@kubernetes/client-node';
import { LabError } from '../errors.js';
import { pollUntil } from '../process/poll.js';
import type { ClusterClient } from './cluster-client.js';

const DISCOVERY_LAG_MS = 30_000;

export interface Crd extends KubernetesObject {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] };
}

/** Discovery lists an established CRD's kind a moment later; objects of that kind apply only then. */
export async function waitServed(client: ClusterClient, crds: Crd[], signal?: AbortSignal): Promise<void> {
  for (const crd of crds) {
    const version = crd.spec?.versions?.find((v) => v.served !== false)?.name;
    const kind = crd.spec?.names?.kind;
    if (!crd.spec?.group || !version || !kind) continue;
    const apiVersion = `${crd.spec.group}/${version}`;
    const served = await pollUntil(() => client.serves(apiVersion, kind, signal), Boolean, { timeoutMs: DISCOVERY_LAG_MS, intervalMs: 250, signal });
    if (!served.done) throw new LabError(`${client.cluster} does not serve ${kind} (${apiVersion}) ${DISCOVERY_LAG_MS / 1000}s after its CRD was established`, { hint: 'run ./lab up again' });
  }
}
