import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { isInside } from '../fs/contained-path.js';
import { writePrivateFile } from '../fs/private-files.js';
import { mergeKubeconfigs } from '../kube/kubeconfig.js';
import type { ClusterHandle } from '../providers/provider.js';
import type { LabState, StateStore } from './state.js';

/** kubeconfigs/all.yaml: every cluster of the lab as one context each. */
export function mergedKubeconfigPath(store: StateStore): string {
  return join(store.root, 'kubeconfigs', 'all.yaml');
}

/**
 * What to put in KUBECONFIG to reach a cluster: its kubeconfig, or for a user's kubeconfig with a context the
 * user's file behind a credential-free file of the lab that only makes that context current (kubectl, clusteradm,
 * helm and k9s take the first current-context of the list). The user's credentials are never copied.
 */
export function kubeconfigEnv(store: StateStore, handle: Pick<ClusterHandle, 'name' | 'kubeconfig' | 'context'>): string {
  if (handle.context === undefined) return handle.kubeconfig;
  const selector = join(store.dir('kubeconfigs'), `${handle.name}.context.yaml`);
  writePrivateFile(selector, stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': handle.context }));
  return [selector, handle.kubeconfig].join(delimiter);
}

/**
 * Every cluster of the lab in one KUBECONFIG value, current context the hub (for k9s, kubectx): the lab's own
 * kubeconfigs merged into kubeconfigs/all.yaml, or (clusters the lab did not make) the users' files as a
 * KUBECONFIG list, since their credentials must not be copied.
 */
export function writeMergedKubeconfig(store: StateStore, state: LabState, order: string[]): string {
  const handles = order.map((name) => state.clusters[name]).filter((h): h is ClusterHandle => !!h && existsSync(h.kubeconfig));
  if (handles.some((h) => !isInside(h.kubeconfig, store.root))) {
    const [hub] = handles;
    const files = [...new Set(handles.map((h) => h.kubeconfig))];
    return [...(hub ? kubeconfigEnv(store, hub).split(delimiter) : []), ...files].filter((f, i, all) => all.indexOf(f) === i).join(delimiter);
  }
  const path = mergedKubeconfigPath(store);
  writePrivateFile(path, mergeKubeconfigs(handles.map((h) => readFileSync(h.kubeconfig, 'utf8')), `${state.name}-${order[0]}`));
  return path;
}
