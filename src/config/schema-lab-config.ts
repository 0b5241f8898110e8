import { z } from 'zod';
import { AGENT_GATE_NAMES, HUB_GATE_NAMES } from './ocm-feature-gates.js';
import { loadVersions } from '../toolchain/versions.js';
import { crossFieldCheck, integerBetween, isMapping, nonEmptyString, refuse, scalarString, whenPresent } from './schema-fields.js';
import { describeValue, quotedValue } from './schema-issues.js';
import {
  clusterNameProblem,
  clusterSetProblem,
  IMAGE_REFERENCE,
  imageReferenceProblem,
  LABEL_KEY,
  labelKeyProblem,
  MAX_IMAGE_REFERENCE,
  RESERVED_CLUSTER_SETS,
  RESERVED_LABEL_KEY,
  reservedClusterNames,
} from './schema-kube.js';
import { fieldPath } from './yaml-source.js';

export const PROVIDERS = ['auto', 'local', 'kind'] as const;
export const ACCEPT_MODES = ['auto', 'manual'] as const;
export const KIND_IMAGE_SOURCES = ['auto', 'pull', 'local'] as const;
/** Linux host names (and kind node container names, "<lab>-<cluster>-control-plane") are at most this long. */
const MAX_HOSTNAME_LENGTH = 63;
const KIND_NODE_SUFFIX = '-control-plane';

/**
 * Managed clusters a lab may have on each provider. local: a kube-apiserver, kwok and OCM's agents as host processes
 * per cluster (a few hundred MiB each), so 100 still fits a 24 GiB machine. kind: a node container of about 1.5 GiB
 * with its own kubelet, etcd and OCM's agents per cluster; 10 is what a 2-core, 24 GiB machine still brings up.
 * `auto` may become either: the config allows the larger bound, and the lab checks the chosen provider's
 * (`managedClustersProblem`) once it knows it.
 */
export const MAX_MANAGED_CLUSTERS = { local: 100, kind: 10 } as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Lab and cluster names end up in process names, kwok cluster names and contexts: keep them short. */
const MAX_NAME_LENGTH = 40;
const MAX_DNS_LABEL_LENGTH = 63;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** What this toolchain pins (ops/toolchain/versions.json): the only OCM version it can install, and kind's default node image. */
export interface ToolchainPins {
  ocmVersion: string;
  kindNodeImage: string;
}

export function pinnedToolchain(): ToolchainPins {
  const versions = loadVersions();
  return { ocmVersion: versions.ocm, kindNodeImage: versions.kindNodeImage };
}

function dnsLabelName() {
  const invalid = (issue: { input?: unknown }) =>
    `${quotedValue(issue.input)} is not a valid name: use a DNS-1123 label (lowercase letters, digits and '-', ` +
    `starting and ending with a letter or digit, at most ${MAX_NAME_LENGTH} characters)`;
  return nonEmptyString('').regex(DNS_LABEL, { error: invalid, abort: true }).max(MAX_NAME_LENGTH, { error: invalid, abort: true });
}

function labName(description: string) {
  return dnsLabelName().meta({ description });
}

/** A hub or managed cluster name: a lab name that the lab does not use for something else. */
function clusterName(role: 'hub' | 'managed', description: string) {
  return refuse(dnsLabelName(), (name) => clusterNameProblem(name, role)).meta({ description, not: reservedClusterNames(role) });
}

const invalidClusterSet = (issue: { input?: unknown }) => `${quotedValue(issue.input)} is not a valid cluster set name (DNS-1123 label)`;
const clusterSetName = refuse(
  z
    .string({ error: whenPresent((input) => `must be a non-empty string, got ${describeValue(input)}`) })
    .regex(DNS_LABEL, { error: invalidClusterSet, abort: true })
    .max(MAX_DNS_LABEL_LENGTH, { error: invalidClusterSet, abort: true }),
  clusterSetProblem,
).meta({ description: 'A ManagedClusterSet (DNS-1123 label), created if missing; not OCM\'s own "global" or "default".', not: { enum: RESERVED_CLUSTER_SETS } });

const labelKey = refuse(z.string().regex(LABEL_KEY, { error: (issue) => labelKeyProblem(String(issue.input)), abort: true }), labelKeyProblem).meta({
  not: { pattern: RESERVED_LABEL_KEY.source },
});
const labelValue = z.string().regex(LABEL_VALUE, { error: (issue) => `${quotedValue(issue.input)} is not a valid label value` });

/** An image for kind's nodes or `kind load`: a docker image reference, never something kind could read as an option. */
function imageReference(description: string) {
  const problem = (issue: { input?: unknown }) => imageReferenceProblem(String(issue.input));
  return refuse(
    nonEmptyString('').max(MAX_IMAGE_REFERENCE, { error: problem, abort: true }).regex(IMAGE_REFERENCE, { error: problem, abort: true }),
    imageReferenceProblem,
  ).meta({ description });
}

export const managedClusterSchema = z
  .strictObject({
    name: clusterName('managed', 'Cluster name: a DNS-1123 label of at most 40 characters, unique across the hub and the managed clusters; not "all" or a namespace of the hub.'),
    labels: z
      .record(labelKey, scalarString(labelValue, 'A Kubernetes label value.'))
      .default({})
      .meta({ description: 'Labels set on the ManagedCluster, e.g. {env: dev}; not under open-cluster-management.io or lab.ocm.io, which OCM and the lab set.' }),
    clusterSets: z
      .array(clusterSetName)
      .default([])
      .transform((sets) => [...new Set(sets)])
      .meta({ description: 'ManagedClusterSets this cluster belongs to (each is created if missing).' }),
    accept: z
      .enum(ACCEPT_MODES)
      .default('auto')
      .meta({ description: 'auto: `up` accepts the cluster. manual: `up` joins it but leaves acceptance to `clusteradm accept` or a scenario.' }),
  })
  .meta({ title: 'Managed cluster', description: 'A cluster that joins the hub.' });

/** A map of OCM feature gate to on/off; a gate the pinned OCM does not know for that side is an error at its key. */
function featureGates(known: readonly string[], side: string, ocmVersion: string) {
  const unknown = (issue: { input?: unknown }) =>
    `unknown ${side} feature gate ${quotedValue(issue.input)} (OCM ${ocmVersion} knows: ${known.join(', ')})`;
  return z
    .partialRecord(z.enum(known as [string, ...string[]], { error: unknown }), z.boolean({ error: whenPresent((input) => `must be true or false, got ${describeValue(input)}`) }))
    .default({})
    .meta({ description: `${side} feature gates of OCM ${ocmVersion}, gate: true|false (unset gates keep OCM's default): ${known.join(', ')}.` });
}

/** Cluster names are unique across the hub and the managed clusters. */
const uniqueClusterNames = crossFieldCheck((config, report) => {
  const hubName = isMapping(config.hub) && typeof config.hub.name === 'string' ? config.hub.name : 'hub';
  const seen = new Map<string, string>([[hubName, 'hub.name']]);
  const clusters = Array.isArray(config.managedClusters) ? (config.managedClusters as unknown[]) : [];
  clusters.forEach((cluster, index) => {
    const name = isMapping(cluster) ? cluster.name : undefined;
    if (typeof name !== 'string') return;
    const path = ['managedClusters', index, 'name'];
    const previous = seen.get(name);
    if (previous) report(path, `duplicate name "${name}" (already used by ${previous})`);
    else seen.set(name, fieldPath(path));
  });
});

/** Why a lab of `count` managed clusters is too large for `provider`; undefined when it fits. */
export function managedClustersProblem(provider: 'local' | 'kind', count: number): string | undefined {
  const max = MAX_MANAGED_CLUSTERS[provider];
  return count > max ? `lists ${count} managed clusters, over the ${max} a lab on the ${provider} provider may have` : undefined;
}

/** kind's tighter bound (the list's own maximum is local's, which `auto` gets until the lab knows its provider). */
const kindClustersFit = crossFieldCheck((config, report) => {
  if (config.provider !== 'kind' || !Array.isArray(config.managedClusters)) return;
  const problem = managedClustersProblem('kind', config.managedClusters.length);
  if (problem && config.managedClusters.length <= MAX_MANAGED_CLUSTERS.local) report(['managedClusters'], problem);
});

/** On kind every cluster is a node container named "<lab>-<cluster>-control-plane", which is also its host name. */
const kindHostNames = crossFieldCheck((config, report) => {
  if (config.provider === 'local') return;
  const lab = config.name ?? 'ocm-lab';
  // A name that is not valid on its own is reported as such: only valid names are joined into a host name.
  const valid = (name: unknown): name is string => typeof name === 'string' && name.length <= MAX_NAME_LENGTH && DNS_LABEL.test(name);
  if (!valid(lab)) return;
  const check = (cluster: unknown, path: (string | number)[]) => {
    if (!valid(cluster)) return;
    const node = `${lab}-${cluster}${KIND_NODE_SUFFIX}`;
    if (node.length > MAX_HOSTNAME_LENGTH) {
      report(path, `on kind this cluster's node would be "${node}", ${node.length} characters, over the ${MAX_HOSTNAME_LENGTH} a host name allows: shorten the lab or cluster name`);
    }
  };
  check(isMapping(config.hub) ? (config.hub.name ?? 'hub') : 'hub', ['hub', 'name']);
  const clusters = Array.isArray(config.managedClusters) ? (config.managedClusters as unknown[]) : [];
  clusters.forEach((cluster, index) => check(isMapping(cluster) ? cluster.name : undefined, ['managedClusters', index, 'name']));
});

/** The lab config (lab.config.yaml); the result has every default applied. */
export function labConfigSchema(pins: ToolchainPins) {
  const notPinned = whenPresent((input) => `${quotedValue(input)} is not available: this toolchain pins OCM ${pins.ocmVersion} (ops/toolchain/versions.json)`);
  return z
    .strictObject({
      name: labName('Lab name: a DNS-1123 label of at most 40 characters. State goes to .lab/<name>/ next to this file.').default('ocm-lab'),
      provider: z
        .enum(PROVIDERS)
        .default('auto')
        .meta({
          description: 'auto: kind where Docker can run its nodes, else local. local: kube-apiserver and OCM as host processes, kwok nodes. kind: kind.',
        }),
      ocm: z
        .strictObject({
          version: z
            .literal(pins.ocmVersion, { error: notPinned })
            .default(pins.ocmVersion)
            .meta({ description: 'OCM version: must be the one this toolchain pins (ops/toolchain/versions.json).' }),
          featureGates: featureGates(HUB_GATE_NAMES, 'hub', pins.ocmVersion),
          agentFeatureGates: featureGates(AGENT_GATE_NAMES, 'klusterlet', pins.ocmVersion),
        })
        .prefault({})
        .meta({ description: 'Open Cluster Management.' }),
      hub: z
        .strictObject({ name: clusterName('hub', 'Hub cluster name (a DNS-1123 label, not "all").').default('hub') })
        .prefault({})
        .meta({ description: 'The hub cluster.' }),
      managedClusters: z
        .array(managedClusterSchema, { error: (issue) => (issue.input === undefined ? 'is required: list at least one managed cluster' : undefined) })
        .min(1, { error: 'must list at least one managed cluster' })
        .max(MAX_MANAGED_CLUSTERS.local, { error: (issue) => managedClustersProblem('local', (issue.input as unknown[]).length) })
        .meta({ description: `The managed clusters (at least one; at most ${MAX_MANAGED_CLUSTERS.local} on local, ${MAX_MANAGED_CLUSTERS.kind} on kind), joined to the hub.` }),
      local: z
        .strictObject({ fakeNodes: integerBetween(1, 50, 'kwok fake nodes per cluster, so Deployments sent by ManifestWork become available.').default(1) })
        .prefault({})
        .meta({ description: 'Settings of the local provider.' }),
      kind: z
        .strictObject({
          images: z
            .enum(KIND_IMAGE_SOURCES)
            .default('auto')
            .meta({
              description:
                'pull: kind pulls nodeImage and the nodes pull OCM\'s images from their registries. local: the images `./lab setup --kind` builds ' +
                'offline (node image with OCM and the workload image inside). auto: local when they are built, else pull.',
            }),
          nodeImage: imageReference('Node image of every kind cluster when images are pulled (an image reference).').default(pins.kindNodeImage),
          extraImages: z
            .array(imageReference('An image on this host (an image reference), e.g. myapp:dev.'))
            .default([])
            .meta({ description: 'Images of this host loaded into every cluster (kind load docker-image), for scenarios that use them.' }),
        })
        .prefault({})
        .meta({ description: 'Settings of the kind provider.' }),
    })
    .check(uniqueClusterNames)
    .check(kindClustersFit)
    .check(kindHostNames)
    .meta({ title: 'ocm-lab config', description: 'A lab: a hub and managed clusters, OCM installed, joined and accepted. See README "Config reference".' });
}
