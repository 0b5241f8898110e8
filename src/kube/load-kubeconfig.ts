import { KubeConfig } from '@kubernetes/client-node';
import { LabError } from '../errors.js';

/** A kubeconfig file with `context` made current (the file's own current context when unset). */
export function loadKubeconfig(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new LabError(`${path} has no context "${context}"`, { hint: `its contexts: ${known.join(', ') || 'none'}`, exitCode: 2 });
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

/**
 * A kubeconfig of one context alone, made current, for programs that take a file and use its current context
 * (OCM's binaries have no --context). File references in it are absolute.
 */
export function singleContextKubeconfig(path: string, context: string): string {
  const kc = loadKubeconfig(path, context);
  const chosen = kc.getContextObject(context)!;
  const cluster = kc.getCluster(chosen.cluster);
  const user = kc.getUser(chosen.user);
  const single = new KubeConfig();
  single.loadFromOptions({ clusters: cluster ? [cluster] : [], users: user ? [user] : [], contexts: [chosen], currentContext: context });
  return single.exportConfig();
}
