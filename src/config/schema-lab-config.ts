import { z } from 'zod';
import { AGENT_GATE_NAMES, HUB_GATE_NAMES } from '../ocm/feature-gates.js';
import { loadVersions } from '../toolchain/versions.js';
import { crossFieldCheck, integerBetween, isMapping, nonEmptyString, scalarString, whenPresent } from './schema-fields.js';
import { describeValue, quotedValue } from './schema-issues.js';
import { fieldPath } from './yaml-source.js';

export const PROVIDERS = ['auto', 'local', 'kind'] as const;
export const ACCEPT_MODES = ['auto', 'manual'] as const;
export const KIND_IMAGE_SOURCES = ['auto', 'pull', 'local'] as const;
/** Linux host names (and kind node container names, "<lab>-<cluster>-control-plane") are at most this long. */
const MAX_HOSTNAME_LENGTH = 63;
const KIND_NODE_SUFFIX = '-control-plane';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Lab and cluster names end up in process names, kwok cluster names and contexts: keep them short. */
const MAX_NAME_LENGTH = 40;
const MAX_DNS_LABEL_LENGTH = 63;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
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

function labName(description: string) {
  const invalid = (issue: { input?: unknown }) =>
    `${JSON.stringify(issue.input)} is not a valid name: use a DNS-1123 label (lowercase letters, digits and '-', ` +
    `starting and ending with a letter or digit, at most ${MAX_NAME_LENGTH} characters)`;
  return nonEmptyString(description).regex(DNS_LABEL, { error: invalid, abort: true }).max(MAX_NAME_LENGTH, { error: invalid }).meta({ description });
}

const invalidClusterSet = (issue: { input?: unknown }) => `${JSON.stringify(issue.input)} is not a valid cluster set name (DNS-1123 label)`;
const clusterSetName = z
  .string({ error: whenPresent((input) => `must be a non-empty string, got ${describeValue(input)}`) })
  .regex(DNS_LABEL, { error: invalidClusterSet, abort: true })
  .max(MAX_DNS_LABEL_LENGTH, { error: invalidClusterSet })
  .meta({ description: 'A ManagedClusterSet (DNS-1123 label), created if missing.' });

const labelKey = z.string().regex(LABEL_KEY, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid label key` });
const labelValue = z.string().regex(LABEL_VALUE, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid label value` });

export const managedClusterSchema = z
  .strictObject({
    name: labName('Cluster name: a DNS-1123 label of at most 40 characters, unique across the hub and the managed clusters.'),
    labels: z
      .record(labelKey, scalarString(labelValue, 'A Kubernetes label value.'))
      .default({})
      .meta({ description: 'Labels set on the ManagedCluster, e.g. {env: dev}.' }),
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
    `unknown ${side} feature gate ${JSON.stringify(issue.input)} (OCM ${ocmVersion} knows: ${known.join(', ')})`;
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

/** On kind every cluster is a node container named "<lab>-<cluster>-control-plane", which is also its host name. */
const kindHostNames = crossFieldCheck((config, report) => {
  if (config.provider === 'local') return;
  const lab = typeof config.name === 'string' ? config.name : 'ocm-lab';
  const check = (cluster: unknown, path: (string | number)[]) => {
    if (typeof cluster !== 'string') return;
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
        .strictObject({ name: labName('Hub cluster name (a DNS-1123 label).').default('hub') })
        .prefault({})
        .meta({ description: 'The hub cluster.' }),
      managedClusters: z
        .array(managedClusterSchema, { error: (issue) => (issue.input === undefined ? 'is required: list at least one managed cluster' : undefined) })
        .min(1, { error: 'must list at least one managed cluster' })
        .meta({ description: 'The managed clusters (at least one), joined to the hub.' }),
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
          nodeImage: nonEmptyString('Node image of every kind cluster when images are pulled.').default(pins.kindNodeImage),
          extraImages: z
            .array(nonEmptyString('An image on this host, e.g. myapp:dev.'))
            .default([])
            .meta({ description: 'Images of this host loaded into every cluster (kind load docker-image), for scenarios that use them.' }),
        })
        .prefault({})
        .meta({ description: 'Settings of the kind provider.' }),
    })
    .check(uniqueClusterNames)
    .check(kindHostNames)
    .meta({ title: 'ocm-lab config', description: 'A lab: a hub and managed clusters, OCM installed, joined and accepted. See README "Config reference".' });
}
