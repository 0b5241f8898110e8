import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export type Credentials = { clientCertificateData: string; clientKeyData: string } | { token: string };

export interface KubeconfigSpec {
  /** Names the context, cluster and user entries (e.g. "ocm-lab-hub"). */
  name: string;
  server: string;
  certificateAuthorityData: string;
  credentials: Credentials;
}

/** A self-contained kubeconfig (all data embedded) that kubectl, k9s and clusteradm read directly. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const user =
    'token' in spec.credentials
      ? { token: spec.credentials.token }
      : { 'client-certificate-data': spec.credentials.clientCertificateData, 'client-key-data': spec.credentials.clientKeyData };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.name, cluster: { server: spec.server, 'certificate-authority-data': spec.certificateAuthorityData } }],
    users: [{ name: spec.name, user }],
    contexts: [{ name: spec.name, context: { cluster: spec.name, user: spec.name } }],
    'current-context': spec.name,
    preferences: {},
  });
}

/** Merges several single-context kubeconfigs into one with every context (for k9s and kubectx). */
export function mergeKubeconfigs(texts: string[], currentContext: string): string {
  const docs = texts.map((t) => parse(t) as Record<string, unknown[]>);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: docs.flatMap((d) => d.clusters ?? []),
    users: docs.flatMap((d) => d.users ?? []),
    contexts: docs.flatMap((d) => d.contexts ?? []),
    'current-context': currentContext,
    preferences: {},
  });
}

export function base64File(path: string): string {
  return readFileSync(path).toString('base64');
}
