import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { z } from 'zod';
import { readRecordFile, writeRecordFile } from '../fs/record-file.js';
import { namedRefOf, type ClusterClient, type NamedRef } from '../kube/cluster-client.js';

/**
 * Which OCM the lab installed, as opposed to an OCM it found and adopted: the operator CR it made
 * (ClusterManager, Klusterlet) carries this annotation with the lab's state dir. `down` removes only what
 * carries it, so an adopted OCM is never touched, even with the state dir lost.
 */
export const INSTALLED_BY = 'lab.ocm.io/installed-by';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const intentsSchema = z.strictObject({ clusters: z.array(z.string().regex(NAME)) });

/**
 * The clusters on which the lab started to install OCM, written before clusteradm runs: a crash between
 * clusteradm and the annotation leaves an unmarked CR that is still the lab's.
 */
export class InstallIntents {
  constructor(private readonly dir: string) {}

  private get file(): string {
    return join(this.dir, 'installing.json');
  }

  private read(): string[] {
    return readRecordFile(this.file, intentsSchema, { clusters: [] }).clusters;
  }

  has(cluster: string): boolean {
    return this.read().includes(cluster);
  }

  add(cluster: string): void {
    writeRecordFile(this.file, { clusters: [...new Set([...this.read(), cluster])] });
  }
}

/** Whether the object carries this lab's mark. */
export function installedBy(object: KubernetesObject | undefined, owner: string): boolean {
  return object?.metadata?.annotations?.[INSTALLED_BY] === owner;
}

export async function markInstalled(client: ClusterClient, ref: NamedRef, owner: string, signal?: AbortSignal): Promise<void> {
  await client.mergePatch(ref, { metadata: { annotations: { [INSTALLED_BY]: owner } } }, signal);
}

/**
 * Applies the object carrying the lab's mark, unless an object of that name is there without it: that one is
 * someone else's, so it is applied over but not marked, and `down` leaves it.
 */
export async function applyMarked(client: ClusterClient, object: KubernetesObject, owner: string, options: { fieldManager?: string; signal?: AbortSignal } = {}): Promise<void> {
  const found = await client.read(namedRefOf(object), options.signal);
  const ours = !found || installedBy(found, owner);
  const marked = ours ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [INSTALLED_BY]: owner } } } : object;
  await client.apply(marked, options);
}
