import { lstatSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { errorMessage } from '../errors.js';
import { ClusterClient, isNotFound, type ObjectRef } from '../kube/cluster-client.js';
import { rawRequest } from '../kube/raw-request.js';
import { containedPath, isInside } from '../fs/contained-path.js';
import { mkdirPrivate, writePrivateFile } from '../fs/private-files.js';
import { tailFile } from '../process/log-tail.js';
import { CancelledError } from '../process/abort.js';
import { collectNodeLogs, collectOcmPods } from './cluster-logs.js';
import { redactSecrets } from './redact.js';
import { safeName } from './safe-name.js';

export interface DiagnosticsOptions {
  /** Folder the bundles go under; the bundle is a folder in it named from the time and the scenario (0700, files 0600). */
  root: string;
  /** The failed scenario's name; any name is made a safe folder name. */
  scenario: string;
  /** When the bundle is collected (names its folder; default now). */
  at?: Date;
  clusters: { name: string; role: 'hub' | 'managed'; kubeconfig: string; context?: string }[];
  /** Logs of the lab's host processes: only regular `.log` files are read (inside `logRoot` when given), redacted. */
  processLogs: { id: string; log: string }[];
  /** The folder every process log must lie in (the lab's logs folder). */
  logRoot?: string;
  /** Namespaces of OCM's own pods by cluster role (none where OCM runs as host processes). */
  podNamespaces?: { hub: string[]; managed: string[] };
  /** Exports what the provider has of a cluster's node logs into a folder. */
  exportNodeLogs?: (cluster: string, dir: string) => Promise<void>;
  /** Lines kept from the end of each process and pod log (default 200). */
  tailLines?: number;
}

const DEFAULT_TAIL_LINES = 200;
const EVENT_LIMIT = 100;
/** A cluster whose API server does not answer /readyz within this time is reported as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;
/** Bound on each list; a list that takes longer is noted in its file. */
const REQUEST_TIMEOUT_MS = 20_000;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;

/** One file of a cluster's folder: which objects, and how to turn them into the file's document. */
interface Collector {
  file: string;
  /** Plural, for the file header and the README, e.g. "ManagedClusters". */
  title: string;
  ref: ObjectRef;
  render: (items: Json[]) => { document: unknown; summary: string };
}

interface FileEntry {
  file: string;
  summary: string;
}

interface ClusterReport {
  name: string;
  role: 'hub' | 'managed';
  folder: string;
  files: FileEntry[];
}

function asRecord(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** An API object without managedFields and the last-applied annotation (a full copy of the object, noise at best). */
function clean(object: unknown): Json {
  const copy = (asRecord(object) ?? {}) as Json;
  const metadata = asRecord(copy.metadata);
  if (metadata) {
    delete metadata.managedFields;
    const annotations = asRecord(metadata.annotations);
    if (annotations) {
      delete annotations[LAST_APPLIED];
      if (!Object.keys(annotations).length) delete metadata.annotations;
    }
  }
  return copy;
}

function list(items: Json[]): { document: unknown; summary: string } {
  return { document: { apiVersion: 'v1', kind: 'List', items }, summary: `${items.length} item${items.length === 1 ? '' : 's'}` };
}

/** Secrets never leave the cluster: a Secret shipped inside a ManifestWork keeps its keys, not its values. */
function redactSecretManifests(work: Json): Json {
  const manifests = asRecord(asRecord(work.spec)?.workload)?.manifests;
  if (!Array.isArray(manifests)) return work;
  for (const manifest of manifests.map(asRecord)) {
    if (!manifest || manifest.kind !== 'Secret') continue;
    for (const field of ['data', 'stringData']) {
      const values = asRecord(manifest[field]);
      if (values) manifest[field] = Object.fromEntries(Object.keys(values).map((key) => [key, '<redacted>']));
    }
    const annotations = asRecord(asRecord(manifest.metadata)?.annotations);
    if (annotations) delete annotations[LAST_APPLIED];
  }
  return work;
}

/** CSRs without the request and the issued certificate. */
function trimCsr(csr: Json): Json {
  delete asRecord(csr.spec)?.request;
  delete asRecord(csr.status)?.certificate;
  return csr;
}

function timeOf(event: Json): number {
  const candidates = [
    event.lastTimestamp,
    event.eventTime,
    asRecord(event.series)?.lastObservedTime,
    event.firstTimestamp,
    asRecord(event.metadata)?.creationTimestamp,
  ];
  for (const value of candidates) {
    const time = typeof value === 'string' ? Date.parse(value) : NaN;
    if (!Number.isNaN(time)) return time;
  }
  return 0;
}

const EVENTS: Collector = {
  file: 'events.yaml',
  title: 'Events',
  ref: { apiVersion: 'v1', kind: 'Event' },
  render: (items) => {
    const recent = [...items].sort((a, b) => timeOf(a) - timeOf(b)).slice(-EVENT_LIMIT);
    return { ...list(recent), summary: `last ${recent.length} of ${items.length} events, oldest first` };
  },
};

const HUB: Collector[] = [
  { file: 'managedclusters.yaml', title: 'ManagedClusters', ref: { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster' }, render: list },
  {
    file: 'manifestworks.yaml',
    title: 'ManifestWorks',
    ref: { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork' },
    render: (items) => list(items.map(redactSecretManifests)),
  },
  { file: 'placements.yaml', title: 'Placements', ref: { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'Placement' }, render: list },
  {
    file: 'placementdecisions.yaml',
    title: 'PlacementDecisions',
    ref: { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'PlacementDecision' },
    render: list,
  },
  {
    file: 'managedclustersets.yaml',
    title: 'ManagedClusterSets',
    ref: { apiVersion: 'cluster.open-cluster-management.io/v1beta2', kind: 'ManagedClusterSet' },
    render: list,
  },
  {
    file: 'managedclustersetbindings.yaml',
    title: 'ManagedClusterSetBindings',
    ref: { apiVersion: 'cluster.open-cluster-management.io/v1beta2', kind: 'ManagedClusterSetBinding' },
    render: list,
  },
  {
    file: 'certificatesigningrequests.yaml',
    title: 'CertificateSigningRequests',
    ref: { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest' },
    render: (items) => list(items.map(trimCsr)),
  },
];

const MANAGED: Collector[] = [
  {
    file: 'appliedmanifestworks.yaml',
    title: 'AppliedManifestWorks',
    ref: { apiVersion: 'work.open-cluster-management.io/v1', kind: 'AppliedManifestWork' },
    render: list,
  },
  { file: 'deployments.yaml', title: 'Deployments', ref: { apiVersion: 'apps/v1', kind: 'Deployment' }, render: list },
  {
    file: 'pods.yaml',
    title: 'Pods',
    ref: { apiVersion: 'v1', kind: 'Pod' },
    render: (items) => {
      const pods = items
        .map((pod) => ({
          namespace: String(asRecord(pod.metadata)?.namespace ?? ''),
          name: String(asRecord(pod.metadata)?.name ?? ''),
          phase: String(asRecord(pod.status)?.phase ?? 'Unknown'),
        }))
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      return { document: pods, summary: `${pods.length} pod${pods.length === 1 ? '' : 's'} (namespace, name, phase)` };
    },
  },
];

/** A kind the server does not serve: its group/version is unknown (404) or lacks the kind (discovery). */
function isNotServed(error: unknown): boolean {
  return isNotFound(error) || /Unrecognized API version and kind|does not serve/i.test(errorMessage(error));
}

function comment(text: string): string {
  return text
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
}

function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

function describeRef(collector: Collector): string {
  return `${collector.title} (${collector.ref.apiVersion})`;
}

/** GET /readyz?verbose through the cluster's kubeconfig: the HTTP status and body, or why there was no answer. */
async function probeReadyz(client: ClusterClient): Promise<{ status?: number; body?: string; error?: unknown }> {
  try {
    const response = await rawRequest(client.kubeConfig, 'GET', '/readyz?verbose', { timeoutMs: PROBE_TIMEOUT_MS });
    return { status: response.status, body: response.body.slice(0, 64 * 1024) };
  } catch (error) {
    return { error };
  }
}

function listKind(client: ClusterClient, collector: Collector): Promise<KubernetesObject[]> {
  return client.list<KubernetesObject>(collector.ref, undefined, AbortSignal.timeout(REQUEST_TIMEOUT_MS)).catch((error: unknown) => {
    throw error instanceof CancelledError ? new Error(`listing ${collector.title} on ${client.cluster}: no answer within ${REQUEST_TIMEOUT_MS / 1000}s`) : error;
  });
}

/** Lists one kind into one file; a kind the server does not serve, or a failed list, is noted in the file. */
async function collect(client: ClusterClient, folder: string, collector: Collector): Promise<FileEntry> {
  const path = join(folder, collector.file);
  let items: Json[];
  try {
    items = (await listKind(client, collector)).map(clean);
  } catch (error) {
    const served = !isNotServed(error);
    const summary = served ? `could not list ${describeRef(collector)}: ${errorMessage(error)}` : `${describeRef(collector)}: not served by this cluster`;
    writePrivateFile(path, `${comment(served ? summary : `${summary}\n${errorMessage(error)}`)}\n`);
    return { file: collector.file, summary };
  }
  const { document, summary } = collector.render(items);
  writePrivateFile(path, `${comment(`${describeRef(collector)} on ${client.cluster}: ${summary}`)}\n${toYaml(document)}`);
  return { file: collector.file, summary: `${describeRef(collector)}: ${summary}` };
}

async function collectCluster(root: string, cluster: DiagnosticsOptions['clusters'][number], options: DiagnosticsOptions): Promise<ClusterReport> {
  const report = await collectClusterObjects(root, cluster, options);
  // Node logs come from the provider, not the API server: worth having most when the cluster does not answer.
  if (options.exportNodeLogs) {
    const exportNodeLogs = options.exportNodeLogs;
    report.files.push(...(await collectNodeLogs(containedPath(root, report.folder), (dir) => exportNodeLogs(cluster.name, dir))));
  }
  return report;
}

async function collectClusterObjects(root: string, cluster: DiagnosticsOptions['clusters'][number], options: DiagnosticsOptions): Promise<ClusterReport> {
  const report: ClusterReport = { name: cluster.name, role: cluster.role, folder: safeName(cluster.name), files: [] };
  const folder = containedPath(root, report.folder);
  const fail = (what: string, error: unknown) => {
    const text = `${what}: ${errorMessage(error)}`;
    let file = 'error.txt';
    try {
      mkdirPrivate(folder);
      writePrivateFile(join(folder, file), `${text}\n`);
    } catch {
      file = '(not written)';
    }
    report.files.push({ file, summary: text.split('\n')[0] ?? text });
  };
  try {
    mkdirPrivate(folder);
    let client: ClusterClient;
    try {
      client = ClusterClient.of(cluster);
    } catch (error) {
      fail(`cannot load the kubeconfig of ${cluster.name}`, error);
      return report;
    }
    // Ask /readyz first with a short deadline, so an unreachable cluster costs seconds, not a timeout per kind.
    const probe = await probeReadyz(client);
    if (probe.error !== undefined) {
      fail(`${cluster.name} is unreachable, nothing collected`, probe.error);
      return report;
    }
    if (probe.status !== 200) {
      writePrivateFile(join(folder, 'readyz.txt'), `GET /readyz?verbose: HTTP ${probe.status}\n${probe.body}\n`);
      report.files.push({ file: 'readyz.txt', summary: `the API server is not ready (HTTP ${probe.status})` });
    }
    const collectors = [EVENTS, ...(cluster.role === 'hub' ? HUB : MANAGED)];
    report.files.push(...(await Promise.all(collectors.map((collector) => collect(client, folder, collector)))));
    const podNamespaces = options.podNamespaces?.[cluster.role] ?? [];
    report.files.push(...(await collectOcmPods(client, folder, podNamespaces, options.tailLines ?? DEFAULT_TAIL_LINES)));
  } catch (error) {
    fail(`collecting from ${cluster.name} failed`, error);
  }
  return report;
}

/**
 * Why a process log is not read, or undefined when it may be: the path comes from the lab's state, and a
 * state that names a kubeconfig or a key must not get it copied into a bundle people share.
 */
function refusal(log: string, logRoot: string | undefined): string | undefined {
  if (extname(log) !== '.log') return 'not a .log file';
  if (logRoot !== undefined) {
    if (!isInside(log, logRoot)) return `not inside the lab's logs folder ${logRoot}`;
    try {
      containedPath(logRoot, log);
    } catch {
      return `it leads out of the lab's logs folder ${logRoot}`;
    }
  }
  const stat = lstatSync(log, { throwIfNoEntry: false });
  if (!stat) return 'it does not exist';
  return stat.isFile() ? undefined : 'not a regular file';
}

function collectLogs(root: string, options: DiagnosticsOptions, lines: number): FileEntry[] {
  const { processLogs, logRoot } = options;
  if (!processLogs.length) return [];
  const folder = mkdirPrivate(containedPath(root, 'logs'));
  return processLogs.map(({ id, log }) => {
    const file = `${safeName(id.replaceAll('/', '-'))}.log`;
    try {
      const refused = refusal(log, logRoot);
      if (refused) return { file: '(not collected)', summary: `${id}: ${log} is not read: ${refused}` };
      // The end of the log only (bounded), with credentials redacted as in every other log of the bundle.
      writePrivateFile(containedPath(folder, file), redactSecrets(tailFile(log, lines)));
      return { file, summary: `last ${lines} lines of ${id} (${log}), credentials redacted` };
    } catch (error) {
      return { file: '(missing)', summary: `${id}: cannot read ${log}: ${errorMessage(error)}` };
    }
  });
}

function readme(collectedAt: string, clusters: ClusterReport[], logs: FileEntry[]): string {
  const width = Math.max(30, ...clusters.flatMap((c) => c.files.map((f) => f.file.length)), ...logs.map((f) => f.file.length)) + 2;
  const row = (entry: FileEntry) => `  ${entry.file.padEnd(width)}${entry.summary.split('\n')[0] ?? ''}`;
  const lines = [
    'ocm-lab diagnostics bundle',
    `collected at ${collectedAt}`,
    '',
    'Secrets and kubeconfigs are never collected. metadata.managedFields and last-applied annotations are removed,',
    'CertificateSigningRequests lack spec.request and status.certificate, and Secrets inside ManifestWorks keep',
    'their keys only. In process, pod and node logs, PEM blocks, tokens and credential fields are redacted. A kind a',
    'cluster does not serve is noted in its file; an unreachable cluster has error.txt.',
    '',
  ];
  for (const cluster of clusters) {
    lines.push(`${cluster.folder}/  (${cluster.role} cluster ${cluster.name})`, ...cluster.files.map(row), '');
  }
  if (!clusters.length) lines.push('(no clusters in the lab state)', '');
  if (logs.length) lines.push('logs/  (process logs)', ...logs.map(row), '');
  else lines.push('(no process logs in the lab state)', '');
  return lines.join('\n');
}

/** The bundle's folder: `<root>/<time>-<scenario>`, the name made safe and the result refused unless inside `root`. */
export function bundleFolder(root: string, scenario: string, at: Date): string {
  return containedPath(root, `${at.toISOString().replace(/[:.]/g, '-')}-${safeName(scenario)}`);
}

/**
 * Writes a diagnostics bundle for a failed scenario: per cluster its recent events and the OCM objects
 * (hub) or applied work, deployments and pods (managed), OCM's pods with their logs and the provider's node
 * logs, plus the tail of every process log and a README. Every path in it is derived from names made safe
 * and checked to stay inside the bundle.
 * A cluster that is down or a kind that is not served is noted, never fatal. Returns the bundle's folder.
 */
export async function collectDiagnostics(options: DiagnosticsOptions): Promise<string> {
  const at = options.at ?? new Date();
  const dir = bundleFolder(options.root, options.scenario, at);
  const collectedAt = at.toISOString();
  mkdirPrivate(dir);
  const clusters = await Promise.all(options.clusters.map((cluster) => collectCluster(dir, cluster, options)));
  const logs = collectLogs(dir, options, options.tailLines ?? DEFAULT_TAIL_LINES);
  writePrivateFile(join(dir, 'README.txt'), readme(collectedAt, clusters, logs));
  return dir;
}
