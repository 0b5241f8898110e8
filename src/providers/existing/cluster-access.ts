import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { clusterNames, type LabSpec } from '../../config/schema.js';

/** How the lab reaches a cluster it did not make: the user's kubeconfig, read where it is, and a context in it. */
export interface ClusterAccess {
  /** Absolute path. */
  kubeconfig: string;
  context?: string;
}

/** `~/x` is the user's home; a relative path is relative to the config file, like every path in it. */
export function resolveKubeconfigPath(path: string, configPath: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? resolve(path) : resolve(dirname(configPath), path);
}

/** The kubeconfig and context the config names for `cluster`; undefined when the config has no such cluster or names none. */
export function clusterAccess(spec: LabSpec, cluster: string): ClusterAccess | undefined {
  const entry = spec.hub.name === cluster ? spec.hub : spec.managedClusters.find((c) => c.name === cluster);
  if (!entry?.kubeconfig) return undefined;
  return { kubeconfig: resolveKubeconfigPath(entry.kubeconfig, spec.configPath), ...(entry.context === undefined ? {} : { context: entry.context }) };
}

/** The kubeconfig files the config names that do not exist, as "cluster: path". */
export function missingKubeconfigs(spec: LabSpec): string[] {
  return clusterNames(spec).flatMap((name) => {
    const access = clusterAccess(spec, name);
    if (!access) return [`${name}: no kubeconfig in the config`];
    return existsSync(access.kubeconfig) ? [] : [`${name}: ${access.kubeconfig} does not exist`];
  });
}
