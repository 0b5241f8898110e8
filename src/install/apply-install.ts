import type { KubernetesObject } from '@kubernetes/client-node';
import { LabError, TimeoutError } from '../errors.js';
import { namedRefOf, type ClusterClient, type NamedRef } from '../kube/cluster-client.js';
import { readinessOf, type Readiness } from '../kube/readiness.js';
import { applyMarked } from '../ocm/install-marks.js';
import { removeMarkedObjects } from '../ocm/leftovers.js';
import { waitServed } from '../kube/crd-served.js';

/** Every object an install applies carries its name here, so `kubectl get -l lab.ocm.io/install=<name>` lists them. */
export const INSTALL_LABEL = 'lab.ocm.io/install';
const FIELD_MANAGER = 'ocm-lab-install';
const CRD_KIND = 'apiextensions.k8s.io/v1/CustomResourceDefinition';

const sameRef = (a: NamedRef, b: NamedRef) => a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
const kindOf = (object: KubernetesObject) => `${object.apiVersion}/${object.kind}`;

/** CRDs first (their kinds must be served before objects of them apply), then namespaces, then the rest as written. */
function inApplyOrder(objects: KubernetesObject[]): KubernetesObject[][] {
  const crds = objects.filter((o) => kindOf(o) === CRD_KIND);
  const namespaces = objects.filter((o) => kindOf(o) === 'v1/Namespace');
  return [crds, namespaces, objects.filter((o) => !crds.includes(o) && !namespaces.includes(o))];
}

/** Waits until the object is ready (see readinessOf); a failed one (a failed Job) ends the wait at once. */
async function waitReady(client: ClusterClient, install: string, ref: NamedRef, deadline: number, signal?: AbortSignal): Promise<void> {
  let last = { state: 'pending', detail: 'not found' } as Readiness;
  try {
    await client.waitFor<KubernetesObject, true>(
      ref,
      ([object]) => {
        last = object ? readinessOf(object) : { state: 'pending', detail: 'not found' };
        if (last.state === 'failed') throw new LabError(`install ${install}: ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} on ${client.cluster} ${last.detail}`);
        return last.state === 'ready' ? true : undefined;
      },
      { timeoutMs: Math.max(1, deadline - Date.now()), description: `${ref.kind} ${ref.name}`, signal },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const where = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} on ${client.cluster}`;
    throw new LabError(`install ${install}: ${where} is not ready: ${'detail' in last ? last.detail : 'ready too late'}`, {
      cause: error,
      hint: `see \`kubectl describe ${ref.kind.toLowerCase()} ${ref.name}${ref.namespace ? ` -n ${ref.namespace}` : ''}\` on ${client.cluster} (its pods' events), fix the manifests or raise timeoutSeconds, then ./lab up`,
    });
  }
}

/**
 * Applies an install's objects to one cluster (server-side, labelled with the install, marked as the lab's unless an
 * object of that name was there before), deletes what it applied there before and no longer has, and waits until
 * every object is ready. Returns what it applied.
 */
export async function applyInstall(
  client: ClusterClient,
  install: { name: string; objects: KubernetesObject[]; namespace?: string; timeoutMs: number; previous: NamedRef[] },
  owner: string,
  signal?: AbortSignal,
): Promise<NamedRef[]> {
  const deadline = Date.now() + install.timeoutMs;
  const labelled = install.objects.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata?.labels, [INSTALL_LABEL]: install.name } } }));
  const applied: NamedRef[] = [];
  for (const group of inApplyOrder(labelled)) {
    for (const written of group) {
      // A namespaced object written without a namespace goes to the install's namespace (a Helm release's), else to
      // "default" as with kubectl: the mark is read there too.
      const namespace = written.metadata?.namespace ?? (await client.defaultNamespaceFor(namedRefOf(written), signal, install.namespace));
      const object = namespace ? { ...written, metadata: { ...written.metadata, namespace } } : written;
      await applyMarked(client, object, owner, { fieldManager: FIELD_MANAGER, signal });
      applied.push(namedRefOf(object));
    }
    if (group[0] && kindOf(group[0]) === CRD_KIND) {
      for (const ref of group.map(namedRefOf)) await waitReady(client, install.name, ref, deadline, signal);
      await waitServed(client, group, signal);
    }
  }
  await removeMarkedObjects(client, owner, install.previous.filter((old) => !applied.some((ref) => sameRef(ref, old))).reverse(), signal);
  for (const ref of applied) await waitReady(client, install.name, ref, deadline, signal);
  return applied;
}

/** Removes what an install applied to a cluster (only what carries the lab's mark), and waits until it is gone. */
export async function removeInstall(client: ClusterClient, refs: NamedRef[], owner: string, signal?: AbortSignal): Promise<void> {
  await removeMarkedObjects(client, owner, [...refs].reverse(), signal);
}

/** Each recorded object's readiness now (status), without waiting. */
export async function installHealth(client: ClusterClient, refs: NamedRef[], signal?: AbortSignal): Promise<{ ref: NamedRef; readiness: Readiness }[]> {
  return Promise.all(
    refs.map(async (ref) => {
      const object = await client.read(ref, signal);
      return { ref, readiness: object ? readinessOf(object) : ({ state: 'failed', detail: 'missing' } as Readiness) };
    }),
  );
}

