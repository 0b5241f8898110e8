import { z } from 'zod';
import { clusterNames } from '../../config/schema.js';
import type { Check } from '../../core/check.js';
import { apiServerAnswers } from '../../kube/api-ready.js';
import type { ProviderEntry } from '../provider-entry.js';
import { clusterAccess, missingKubeconfigs } from './cluster-access.js';
import { ExistingProvider } from './existing-provider.js';

/** existing: clusters the user already has, named by kubeconfig; OCM installed (or adopted) by the real clusteradm. */
export const existingEntry: ProviderEntry = {
  name: 'existing',
  auto: false,
  // Where the clusters' nodes run no pods (kwokctl), OCM runs on this host as on local.
  ocmRuntime: (spec) => spec.existing.ocmRuntime,
  workDir: 'existing',
  // `down` removes the OCM it installed with clusteradm (unjoin, clean).
  teardownNeedsToolchain: true,
  capabilities: ExistingProvider.capabilities,
  recordSchema: z.strictObject({}),
  prepare: async () => ({}),
  detect: async (spec) => {
    const missing = missingKubeconfigs(spec);
    if (missing.length) return { usable: false, reason: missing.join('; '), fix: `point each cluster's kubeconfig in ${spec.configPath} at a file that exists`, configProblem: true };
    return { usable: true, reason: 'every cluster names a kubeconfig' };
  },
  make: (spec, dirs) => new ExistingProvider(spec, dirs),
  // Its clusters are never the lab's; what OCM it installed there is found from the config and the lab's records.
  ownsAnything: async () => false,
  userKubeconfig: (spec, cluster) => clusterAccess(spec, cluster),
  hubLookup: (spec) => spec.existing.forceInternalEndpointLookup,
  makesClusters: false,
  doctorChecks: async (spec, required) => {
    if (!spec || spec.provider !== 'existing') return [];
    return Promise.all(
      clusterNames(spec).map(async (name): Promise<Check> => {
        const access = clusterAccess(spec, name);
        const check = `cluster ${name} (existing)`;
        if (!access) return { name: check, level: 'fail', detail: 'no kubeconfig in the config', fix: 'name its kubeconfig' };
        const answers = await apiServerAnswers(access.kubeconfig, { context: access.context }).catch(() => false);
        return answers
          ? { name: check, level: 'ok', detail: `answers through ${access.kubeconfig}` }
          : { name: check, level: required ? 'fail' : 'warn', detail: `does not answer through ${access.kubeconfig}`, fix: 'check the cluster runs and the kubeconfig (and context) is right' };
      }),
    );
  },
};
