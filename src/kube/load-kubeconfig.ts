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
