import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../fs/private-files.js';
import { mergeKubeconfigs } from '../kube/kubeconfig.js';
import type { LabState, StateStore } from './state.js';

/** kubeconfigs/all.yaml: every cluster of the lab as one context each. */
export function mergedKubeconfigPath(store: StateStore): string {
  return join(store.root, 'kubeconfigs', 'all.yaml');
}

/** kubeconfigs/all.yaml: every cluster of the lab as one context each, current context the hub (for k9s, kubectx). */
export function writeMergedKubeconfig(store: StateStore, state: LabState, order: string[]): string {
  const files = order.map((name) => state.clusters[name]?.kubeconfig).filter((f): f is string => !!f && existsSync(f));
  const path = mergedKubeconfigPath(store);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  writePrivateFile(path, mergeKubeconfigs(texts, `${state.name}-${order[0]}`));
  return path;
}
