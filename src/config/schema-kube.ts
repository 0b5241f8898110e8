import { quoted } from './schema-issues.js';

// What Kubernetes, OCM, kind and the lab itself accept as names, labels and images; each check returns why a
// value is refused (undefined when it is fine), so the schemas can say it at the value's line.

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A label key's form (the lengths are checked apart: prefix up to 253, name up to 63). */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const MAX_LABEL_NAME = 63;
const MAX_LABEL_PREFIX = 253;

/** Label key domains that someone else writes: OCM sets (and resets) its own, the lab selects cluster sets by its own. */
const RESERVED_LABEL_DOMAINS = [
  { domain: 'open-cluster-management.io', owner: 'OCM, whose controllers set and reset these labels (use clusterSets to put a cluster into a set)' },
  { domain: 'lab.ocm.io', owner: 'ocm-lab, which labels the members of each cluster set clusterset.lab.ocm.io/<set> itself (use clusterSets)' },
];

/** The reserved label keys as one pattern, for the JSON Schema. */
export const RESERVED_LABEL_KEY = new RegExp(`^([^/]*\\.)?(${RESERVED_LABEL_DOMAINS.map(({ domain }) => domain.replaceAll('.', '\\.')).join('|')})/`);

/** Why `key` cannot be a label key of a ManagedCluster; undefined when it can. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (!LABEL_NAME.test(name) || name.length > MAX_LABEL_NAME || (prefix !== undefined && (prefix.length > MAX_LABEL_PREFIX || !DNS_SUBDOMAIN.test(prefix)))) {
    return `${quoted(key)} is not a valid label key`;
  }
  const reserved = prefix && RESERVED_LABEL_DOMAINS.find(({ domain }) => prefix === domain || prefix.endsWith(`.${domain}`));
  if (reserved) return `${quoted(key)} is reserved: the ${reserved.domain} domain belongs to ${reserved.owner}`;
  return undefined;
}

export const RESERVED_CLUSTER_SETS = ['global', 'default'];

/** Why `name` cannot be a cluster set of the config; undefined when it can. */
export function clusterSetProblem(name: string): string | undefined {
  if (name === 'global') return `"global" is reserved: OCM's own set of every cluster; the lab would replace its selector with its own`;
  if (name === 'default') return `"default" is reserved: OCM puts every cluster without a set into it; the lab would replace its selector with its own`;
  return undefined;
}

/** Namespaces a hub needs for itself: a managed cluster's name is also its namespace on the hub. */
const HUB_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const OCM_NAMESPACES = /^open-cluster-management/;

/** The names `clusterNameProblem` refuses, as a JSON Schema. */
export function reservedClusterNames(role: 'hub' | 'managed'): Record<string, unknown> {
  return role === 'hub' ? { enum: ['all'] } : { anyOf: [{ enum: ['all', ...HUB_NAMESPACES] }, { pattern: OCM_NAMESPACES.source }] };
}

/** Why `name` cannot name a cluster (hub or managed); undefined when it can. */
export function clusterNameProblem(name: string, role: 'hub' | 'managed'): string | undefined {
  if (name === 'all') return `"all" is reserved: the lab writes every cluster's context to kubeconfigs/all.yaml, which would overwrite this cluster's kubeconfig`;
  if (role === 'hub') return undefined;
  if (HUB_NAMESPACES.includes(name) || OCM_NAMESPACES.test(name)) {
    return `${quoted(name)} is reserved: a managed cluster's name is also its namespace on the hub, and ${name} is ${name.startsWith('open-') ? 'OCM\'s' : 'Kubernetes\''} own namespace`;
  }
  return undefined;
}

// The docker reference grammar (github.com/distribution/reference): [domain[:port]/]path[:tag][@digest].
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
export const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const MAX_IMAGE_NAME = 255;
/** Checked before the pattern: a reference is far shorter, and the pattern need not see megabytes. */
export const MAX_IMAGE_REFERENCE = 512;

/** Why `reference` is not an image reference docker and kind accept; undefined when it is. */
export function imageReferenceProblem(reference: string): string | undefined {
  const allowed = 'use [registry[:port]/]name[:tag][@digest] with a lowercase name, e.g. myapp:dev or quay.io/org/app:v1';
  if (reference.startsWith('-')) return `${quoted(reference)} is not an image reference: it starts with "-", which kind would read as an option; ${allowed}`;
  const match = reference.length <= MAX_IMAGE_REFERENCE ? IMAGE_REFERENCE.exec(reference) : null;
  if (!match) return `${quoted(reference)} is not a valid image reference: ${allowed}`;
  if (match[1]!.length > MAX_IMAGE_NAME) return `${quoted(reference)} is not a valid image reference: its name is over ${MAX_IMAGE_NAME} characters`;
  return undefined;
}
