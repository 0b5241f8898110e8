import { z } from 'zod';
import { AGENT_GATE_NAMES, GATES_UNKNOWN_TO, HUB_GATE_NAMES } from './ocm-feature-gates.js';
import { loadVersions } from '../toolchain/versions.js';
import { crossFieldCheck, evenIfFieldsFailed, hasExactlyOne, integerBetween, isMapping, nonEmptyString, oneKeyOf, refuse, scalarString, whenPresent } from './schema-fields.js';
import { describeValue, quoted, quotedValue } from './schema-issues.js';
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
import { fieldPath, type FieldPath } from './yaml-source.js';
import { LOCAL_CLUSTER } from './local-cluster.js';

export const PROVIDERS = ['auto', 'local', 'kind', 'existing'] as const;
/** A provider a lab actually runs on: what `auto` becomes (never `existing`), or the one the config names. */
/** How OCM runs on a lab's clusters: pods that clusteradm installs, or host processes (clusters whose nodes run no pods). */
export const OCM_RUNTIMES = ['pods', 'host-processes'] as const;
export type OcmRuntime = (typeof OCM_RUNTIMES)[number];
export type ConcreteProvider = Exclude<(typeof PROVIDERS)[number], 'auto'>;
export const ACCEPT_MODES = ['auto', 'manual'] as const;
export const KIND_IMAGE_SOURCES = ['auto', 'pull', 'local'] as const;
/** Linux host names (and kind node container names, "<lab>-<cluster>-control-plane") are at most this long. */
const MAX_HOSTNAME_LENGTH = 63;
const KIND_NODE_SUFFIX = '-control-plane';

/**
 * Managed clusters a lab may have on each provider. local: a kube-apiserver, kwok and OCM's agents as host processes
 * per cluster (a few hundred MiB each), so 100 still fits a 24 GiB machine. kind: a node container of about 1.5 GiB
 * with its own kubelet, etcd and OCM's agents per cluster; 10 is what a 2-core, 24 GiB machine still brings up.
 * existing: the clusters run elsewhere, and the lab keeps local's bound.
 * `auto` may become local or kind: the config allows the larger bound, and the lab checks the chosen provider's
 * (`managedClustersProblem`) once it knows it.
 */
export const MAX_MANAGED_CLUSTERS = { local: 100, kind: 10, existing: 100 } as const satisfies Record<ConcreteProvider, number>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Lab and cluster names end up in process names, kwok cluster names and contexts: keep them short. */
const MAX_NAME_LENGTH = 40;
const MAX_DNS_LABEL_LENGTH = 63;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** What this toolchain pins (ops/toolchain/versions.json): its OCM version (the default), the others it can build, and kind's default node image. */
export interface ToolchainPins {
  ocmVersion: string;
  ocmVersions: string[];
  kindNodeImage: string;
}

export function pinnedToolchain(): ToolchainPins {
  const versions = loadVersions();
  return { ocmVersion: versions.ocm, ocmVersions: versions.ocmVersions, kindNodeImage: versions.kindNodeImage };
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

/** Why `text` cannot be passed on as a file path or a context name (`what`): a NUL or a line break; undefined when it can. */
function oneLineProblem(what: string): (text: string) => string | undefined {
  return (text) => {
    if (text.includes('\0')) return `${quoted(text)} is not a valid ${what}: it contains a NUL character`;
    if (/[\n\r]/.test(text)) return `${quoted(text)} is not a valid ${what}: it contains a line break`;
    return undefined;
  };
}

/** For the JSON Schema: one line, no NUL (what `oneLineProblem` refuses). */
const ONE_LINE = '^[^\\u0000\\n\\r]*$';

/** A cluster's kubeconfig (provider existing): a path, read by the provider, not here. */
const kubeconfigPath = refuse(nonEmptyString(''), oneLineProblem('kubeconfig path')).meta({
  description: "Path of this cluster's kubeconfig, only with provider existing: ~/ is your home folder, and a relative path is relative to this config file.",
  pattern: ONE_LINE,
});

/** A context of that kubeconfig (provider existing). */
const kubeconfigContext = refuse(nonEmptyString(''), oneLineProblem('context name')).meta({
  description: "A context of that kubeconfig, only with provider existing (default: the kubeconfig's current context).",
  pattern: ONE_LINE,
});

/** The clusters' own `kubeconfig` and `context` (provider existing names its clusters by them). */
const existingClusterFields = { kubeconfig: kubeconfigPath.optional(), context: kubeconfigContext.optional() };

const SERVER_FORM = 'write https://<host>[:<port>][/<path>], e.g. https://hub-control-plane:6443';

/** Why `server` cannot be the hub API server the agents use; undefined when it can. */
export function hubServerProblem(server: string): string | undefined {
  if (/[\s\u0000-\u001f\u007f]/.test(server)) return `${quoted(server)} is not an https:// URL: it contains whitespace or a control character`;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `${quoted(server)} is not a URL: ${SERVER_FORM}`;
  }
  if (url.protocol !== 'https:' || !server.startsWith('https://')) {
    return `${quoted(server)} is not an https:// URL: the agents reach the hub API server over TLS; ${SERVER_FORM}`;
  }
  if (url.username || url.password || url.search || url.hash) {
    return `${quoted(server)} is not a server address: ${SERVER_FORM}, without user, password, query or fragment`;
  }
  return undefined;
}

const hubServerForAgents = refuse(nonEmptyString(''), hubServerProblem).meta({
  description:
    "The hub API server address the managed clusters' agents use, when it differs from the hub kubeconfig's " +
    "(a kubeconfig that says 127.0.0.1 is not reachable from another cluster's pods): an https:// URL.",
  pattern: '^https://[^\\s/?#@]+(/[^\\s?#]*)?$',
});

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
    ...existingClusterFields,
  })
  .meta({ title: 'Managed cluster', description: 'A cluster that joins the hub.' });

export type ManagedClusterConfig = z.output<typeof managedClusterSchema>;

export const hubSchema = z
  .strictObject({
    name: clusterName('hub', 'Hub cluster name (a DNS-1123 label, not "all").').default('hub'),
    manage: z
      .boolean({ error: whenPresent((input) => `must be true or false, got ${describeValue(input)}`) })
      .default(false)
      .meta({ description: `Also join the hub to itself, as the managed cluster "${LOCAL_CLUSTER}" (OCM's self-managed hub).` }),
    ...existingClusterFields,
  })
  .prefault({})
  .meta({ description: 'The hub cluster.' });

export type HubConfig = z.output<typeof hubSchema>;

/** Which clusters an install goes to: a role, every cluster, or clusters by name. */
export const INSTALL_TARGETS = ['hub', 'managed', 'all'] as const;
const DEFAULT_INSTALL_TIMEOUT_SECONDS = 300;

/** Where an install's objects come from: manifests, or a Helm chart rendered with `helm template`. */
export const INSTALL_SOURCES = ['manifests', 'helm'] as const;

const helmSchema = z
  .strictObject({
    chart: refuse(nonEmptyString(''), oneLineProblem('chart')).meta({
      description:
        'A chart folder or packaged chart (.tgz), relative to this config file; with repo, a chart name in that repository; or an oci:// reference.',
      pattern: ONE_LINE,
    }),
    repo: refuse(nonEmptyString(''), oneLineProblem('URL'))
      .meta({ description: 'A chart repository URL (helm template --repo); chart is then a chart name in it.', pattern: ONE_LINE })
      .optional(),
    version: scalarString(refuse(nonEmptyString(''), oneLineProblem('version')), 'Chart version (a repository or OCI chart); default: the newest.').optional(),
    release: labName('Release name (default: the install name).').optional(),
    namespace: dnsLabelName()
      .meta({ description: "Release namespace: objects the chart writes without a namespace go there; up creates it when it is missing (and down deletes it only if up created it). Default: default." })
      .default('default'),
    values: z
      .record(z.string(), z.unknown(), { error: whenPresent((input) => `must be a mapping of chart values, got ${describeValue(input)}`) })
      .meta({ description: 'Chart values (helm template --values), applied after valuesFiles.' })
      .optional(),
    valuesFiles: z
      .array(refuse(nonEmptyString(''), oneLineProblem('path')))
      .meta({ description: 'Values files, relative to this config file, in order.' })
      .default([]),
  })
  .meta({ description: 'A Helm chart, rendered by the toolchain\'s helm (helm template, tests left out, hooks applied as plain objects) and applied like manifests.' });

export type HelmSpec = z.output<typeof helmSchema>;

/** One component the lab installs on chosen clusters once OCM is ready (the user's add-on, controller, workload). */
const installSchema = z
  .strictObject({
    name: labName('Name of this install: a DNS-1123 label, unique among installs. Its objects carry the label lab.ocm.io/install=<name>.'),
    clusters: z
      .union([z.enum(INSTALL_TARGETS), z.array(dnsLabelName()).min(1, { error: 'must list at least one cluster' })], {
        error: whenPresent((input) => `must be hub, managed, all or a list of cluster names, got ${describeValue(input)}`),
      })
      .default('managed')
      .meta({ description: 'Where it goes: hub, managed (every managed cluster), all, or a list of cluster names.' }),
    manifests: refuse(nonEmptyString(''), oneLineProblem('path'))
      .meta({
        description:
          'A YAML/JSON file, a folder of them (*.yaml, *.yml, *.json, not its subfolders), or a folder with a kustomization.yaml (rendered with kubectl kustomize). Relative to this config file.',
        pattern: ONE_LINE,
      })
      .optional(),
    helm: helmSchema.optional(),
    timeoutSeconds: integerBetween(1, 3600, `How long up waits for what it applied to be ready (default ${DEFAULT_INSTALL_TIMEOUT_SECONDS}).`).default(DEFAULT_INSTALL_TIMEOUT_SECONDS),
  })
  .refine(hasExactlyOne(INSTALL_SOURCES), { error: 'needs exactly one of "manifests" (a file, folder or kustomization) or "helm" (a chart)', ...evenIfFieldsFailed })
  .meta({
    description: 'A component installed by up on chosen clusters, once OCM is ready; removed by up when its entry goes, and by down.',
    ...oneKeyOf(INSTALL_SOURCES),
  });

export type InstallSpec = z.output<typeof installSchema>;

/** Install names are unique, and an install names only clusters of this lab. */
const installTargets = crossFieldCheck((config, report) => {
  if (!Array.isArray(config.install)) return;
  const hubName = isMapping(config.hub) && typeof config.hub.name === 'string' ? config.hub.name : 'hub';
  const clusters = new Set([hubName, ...(Array.isArray(config.managedClusters) ? (config.managedClusters as unknown[]).map((c) => (isMapping(c) ? c.name : undefined)) : [])]);
  const seen = new Set<unknown>();
  (config.install as unknown[]).forEach((entry, index) => {
    if (!isMapping(entry)) return;
    if (typeof entry.name === 'string') {
      if (seen.has(entry.name)) report(['install', index, 'name'], `duplicate install name "${entry.name}"`);
      seen.add(entry.name);
    }
    if (!Array.isArray(entry.clusters)) return;
    entry.clusters.forEach((name, i) => {
      if (typeof name === 'string' && !clusters.has(name)) report(['install', index, 'clusters', i], `"${name}" is not a cluster of this lab (${[...clusters].join(', ')})`);
    });
  });
});

/** Settings of the existing provider. */
export const existingSchema = z
  .strictObject({
    hubServerForAgents: hubServerForAgents.optional(),
    forceInternalEndpointLookup: z
      .boolean()
      .default(false)
      .meta({
        description:
          "Agents find the hub through the hub's cluster-info ConfigMap (clusteradm join --force-internal-endpoint-lookup): right for kind clusters on one Docker network.",
      }),
    ocmRuntime: z
      .enum(OCM_RUNTIMES)
      .default('pods')
      .meta({
        description:
          'How OCM runs on these clusters. pods: the operators and agents clusteradm installs, in the clusters (clusters whose nodes run pods). ' +
          'host-processes: the hub components and one klusterlet agent per managed cluster run on this host, as the local provider runs them ' +
          '(clusters whose nodes run no pods, such as kwokctl clusters; the clusters must be reachable from this host).',
      }),
  })
  .prefault({})
  .meta({ description: 'Settings of the existing provider.' });

export type ExistingConfig = z.output<typeof existingSchema>;

/** A map of OCM feature gate to on/off; a gate the pinned OCM does not know for that side is an error at its key. */
function featureGates(known: readonly string[], side: string, ocmVersion: string) {
  const unknown = (issue: { input?: unknown }) =>
    `unknown ${side} feature gate ${quotedValue(issue.input)} (OCM ${ocmVersion} knows: ${known.join(', ')})`;
  return z
    .partialRecord(z.enum(known as [string, ...string[]], { error: unknown }), z.boolean({ error: whenPresent((input) => `must be true or false, got ${describeValue(input)}`) }))
    .default({})
    .meta({ description: `${side} feature gates of OCM ${ocmVersion}, gate: true|false (unset gates keep OCM's default): ${known.join(', ')}.` });
}

/** Cluster names are unique across the hub and the managed clusters (and local-cluster, the hub's name as a managed cluster). */
const uniqueClusterNames = crossFieldCheck((config, report) => {
  const hubName = isMapping(config.hub) && typeof config.hub.name === 'string' ? config.hub.name : 'hub';
  const seen = new Map<string, string>([[hubName, 'hub.name']]);
  if (isMapping(config.hub) && config.hub.manage === true) {
    if (hubName === LOCAL_CLUSTER) report(['hub', 'name'], `"${LOCAL_CLUSTER}" is the hub's name as a managed cluster when hub.manage is on: name the hub otherwise`);
    else seen.set(LOCAL_CLUSTER, 'hub.manage (the hub as a managed cluster)');
  }
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
export function managedClustersProblem(provider: ConcreteProvider, count: number): string | undefined {
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
  if (config.provider === 'local' || config.provider === 'existing') return;
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

/**
 * provider existing names every cluster by its kubeconfig (and optionally context); every other provider makes its
 * own clusters, so a kubeconfig, context or existing setting there is a mistake, reported at that field.
 */
const existingClusters = crossFieldCheck((config, report) => {
  const provider = config.provider;
  // An unknown provider is reported as such.
  if (!(PROVIDERS as readonly unknown[]).includes(provider)) return;
  const clusters: [unknown, FieldPath][] = [[config.hub, ['hub']]];
  if (Array.isArray(config.managedClusters)) (config.managedClusters as unknown[]).forEach((cluster, index) => clusters.push([cluster, ['managedClusters', index]]));
  if (provider === 'existing') {
    for (const [cluster, path] of clusters) {
      if (isMapping(cluster) && cluster.kubeconfig === undefined) report(path, 'needs kubeconfig: with provider existing every cluster is named by its kubeconfig (and optionally context)');
    }
    return;
  }
  const notHere = `only with provider: existing (the lab makes its own clusters on ${String(provider)})`;
  for (const [cluster, path] of clusters) {
    if (!isMapping(cluster)) continue;
    for (const key of Object.keys(existingClusterFields)) if (cluster[key] !== undefined) report([...path, key], notHere);
  }
  // The section's defaults are there whether it was written or not: it counts as set when it sets something else.
  const existing = config.existing;
  if (!isMapping(existing)) return;
  if (existing.hubServerForAgents !== undefined || (existing.forceInternalEndpointLookup ?? false) !== false || (existing.ocmRuntime ?? 'pods') !== 'pods') report(['existing'], notHere);
});

/** A feature gate the chosen OCM release does not know is an error at its key. */
const gatesOfVersion = crossFieldCheck((config, report) => {
  const ocm = config.ocm;
  if (!isMapping(ocm) || typeof ocm.version !== 'string') return;
  const unknown = GATES_UNKNOWN_TO[ocm.version] ?? [];
  for (const field of ['featureGates', 'agentFeatureGates'] as const) {
    const gates = ocm[field];
    if (!isMapping(gates)) continue;
    for (const gate of Object.keys(gates)) if (unknown.includes(gate)) report(['ocm', field, gate], `OCM ${ocm.version} has no feature gate ${gate} (it came in a later release)`);
  }
});

/** The endpoint lookup is clusteradm's: agents that run on this host reach the hub where this host does. */
const lookupNeedsPods = crossFieldCheck((config, report) => {
  const existing = config.existing;
  if (config.provider !== 'existing' || !isMapping(existing)) return;
  if (existing.ocmRuntime === 'host-processes' && existing.forceInternalEndpointLookup === true) {
    report(['existing', 'forceInternalEndpointLookup'], 'only with ocmRuntime: pods (agents that run on this host reach the hub at its kubeconfig server, or at hubServerForAgents)');
  }
});

/** The lab config (lab.config.yaml); the result has every default applied. */
export function labConfigSchema(pins: ToolchainPins) {
  const unsupported = whenPresent(
    (input) => `${quotedValue(input)} is not available: this toolchain builds OCM ${pins.ocmVersions.join(' and ')} (ops/toolchain/versions.json ocmVersions; the Go module proxy here refuses the others)`,
  );
  return z
    .strictObject({
      name: labName('Lab name: a DNS-1123 label of at most 40 characters. State goes to .lab/<name>/ next to this file.').default('ocm-lab'),
      provider: z
        .enum(PROVIDERS)
        .default('auto')
        .meta({
          description:
            'auto: kind where Docker can run its nodes, else local (never existing). local: kube-apiserver and OCM as host processes, kwok nodes. kind: kind. ' +
            'existing: clusters you already have, named by kubeconfig (hub.kubeconfig, managedClusters[].kubeconfig); the lab installs or adopts OCM ' +
            'on them and never creates or deletes a cluster.',
        }),
      ocm: z
        .strictObject({
          version: z
            .enum(pins.ocmVersions as [string, ...string[]], { error: unsupported })
            .default(pins.ocmVersion)
            .meta({ description: `OCM version the lab installs: ${pins.ocmVersions.join(' or ')} (default ${pins.ocmVersion}, the toolchain's pin; the others are built on demand).` }),
          featureGates: featureGates(HUB_GATE_NAMES, 'hub', pins.ocmVersion),
          agentFeatureGates: featureGates(AGENT_GATE_NAMES, 'klusterlet', pins.ocmVersion),
        })
        .prefault({})
        .meta({ description: 'Open Cluster Management.' }),
      hub: hubSchema,
      managedClusters: z
        .array(managedClusterSchema, { error: (issue) => (issue.input === undefined ? 'is required: list at least one managed cluster' : undefined) })
        .min(1, { error: 'must list at least one managed cluster' })
        .max(MAX_MANAGED_CLUSTERS.local, { error: (issue) => managedClustersProblem('local', (issue.input as unknown[]).length) })
        .meta({
          description:
            `The managed clusters (at least one; at most ${MAX_MANAGED_CLUSTERS.local} on local, ${MAX_MANAGED_CLUSTERS.kind} on kind, ` +
            `${MAX_MANAGED_CLUSTERS.existing} on existing), joined to the hub.`,
        }),
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
      existing: existingSchema,
      install: z.array(installSchema).default([]).meta({ description: 'Components up installs on chosen clusters once OCM is ready (see README "Your component in the lab").' }),
    })
    .check(uniqueClusterNames)
    .check(kindClustersFit)
    .check(kindHostNames)
    .check(existingClusters)
    .check(lookupNeedsPods)
    .check(gatesOfVersion)
    .check(installTargets)
    .meta({ title: 'ocm-lab config', description: 'A lab: a hub and managed clusters, OCM installed, joined and accepted. See README "Config reference".' });
}
