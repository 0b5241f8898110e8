import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isMap, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import { loadVersions } from '../toolchain/versions.js';
import { ACCEPT_MODES, PROVIDERS, type LabSpec, type ManagedClusterSpec } from './schema.js';
import { YamlSource } from './yaml-source.js';

export const DEFAULT_CONFIG_FILE = 'lab.config.yaml';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Lab and cluster names end up in process names, kwok cluster names and contexts: keep them short. */
const MAX_NAME_LENGTH = 40;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const TOP_KEYS = ['name', 'provider', 'ocm', 'hub', 'managedClusters', 'local', 'kind'] as const;

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function loadConfig(path: string = DEFAULT_CONFIG_FILE): LabSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [{ file: displayPath(file), line: 0, column: 0, field: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${code}` }],
      `create it (see README "Config reference") or pass --config PATH`,
    );
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): LabSpec {
  const src = new YamlSource(displayPath(file), text);
  const docs = src.documents();
  src.throwIfIssues('fix the YAML syntax at the position above');
  if (docs.length !== 1 || !isMap(docs[0]!.contents)) {
    src.issue(docs[0]?.contents as Node, '', 'the config must be a single YAML mapping');
    src.throwIfIssues(`top-level keys are ${TOP_KEYS.join(', ')}; see README "Config reference"`);
  }
  const root = docs[0]!.contents as Node;
  const top = src.fields(src.map(root, ''), '', TOP_KEYS);
  const pinnedOcm = loadVersions().ocm;

  const name = validName(src, top.get('name'), 'name', 'ocm-lab');
  const provider = top.has('provider') ? src.oneOf(top.get('provider'), 'provider', PROVIDERS) : 'auto';

  let ocmVersion = pinnedOcm;
  if (top.has('ocm')) {
    const ocm = src.fields(src.map(top.get('ocm'), 'ocm'), 'ocm', ['version']);
    if (ocm.has('version')) {
      const version = src.string(ocm.get('version'), 'ocm.version');
      if (version !== undefined && version !== pinnedOcm) {
        src.issue(ocm.get('version'), 'ocm.version', `"${version}" is not available: this toolchain pins OCM ${pinnedOcm} (ops/toolchain/versions.json)`);
      }
      ocmVersion = version ?? pinnedOcm;
    }
  }

  let hubName = 'hub';
  if (top.has('hub')) {
    const hub = src.fields(src.map(top.get('hub'), 'hub'), 'hub', ['name']);
    hubName = validName(src, hub.get('name'), 'hub.name', 'hub');
  }

  const managedClusters: ManagedClusterSpec[] = [];
  const seen = new Map<string, string>([[hubName, 'hub.name']]);
  if (!top.has('managedClusters')) {
    src.issue(root, 'managedClusters', 'is required: list at least one managed cluster');
  } else {
    const seq = src.seq(top.get('managedClusters'), 'managedClusters');
    if (seq && seq.items.length === 0) src.issue(seq, 'managedClusters', 'must list at least one managed cluster');
    seq?.items.forEach((item, index) => {
      const field = `managedClusters[${index}]`;
      const map = src.map(item, field);
      if (!map) return;
      const keys = src.fields(map, field, ['name', 'labels', 'clusterSets', 'accept']);
      if (!keys.has('name')) src.issue(map, `${field}.name`, 'is required');
      const clusterName = validName(src, keys.get('name'), `${field}.name`, '');
      if (clusterName && seen.has(clusterName)) {
        src.issue(keys.get('name'), `${field}.name`, `duplicate name "${clusterName}" (already used by ${seen.get(clusterName)})`);
      } else if (clusterName) {
        seen.set(clusterName, `${field}.name`);
      }
      const labels = keys.has('labels') ? src.stringMap(keys.get('labels'), `${field}.labels`) : {};
      for (const [key, value] of Object.entries(labels)) {
        if (!LABEL_KEY.test(key)) src.issue(keys.get('labels'), `${field}.labels`, `"${key}" is not a valid label key`);
        if (!LABEL_VALUE.test(value)) src.issue(keys.get('labels'), `${field}.labels.${key}`, `"${value}" is not a valid label value`);
      }
      const clusterSets = keys.has('clusterSets')
        ? src.stringList(keys.get('clusterSets'), `${field}.clusterSets`).map(({ value, node }, i) => {
            if (!DNS_LABEL.test(value) || value.length > 63) {
              src.issue(node, `${field}.clusterSets[${i}]`, `"${value}" is not a valid cluster set name (DNS-1123 label)`);
            }
            return value;
          })
        : [];
      const accept = keys.has('accept') ? (src.oneOf(keys.get('accept'), `${field}.accept`, ACCEPT_MODES) ?? 'auto') : 'auto';
      managedClusters.push({ name: clusterName, labels, clusterSets: [...new Set(clusterSets)], accept });
    });
  }

  let fakeNodes = 1;
  if (top.has('local')) {
    const local = src.fields(src.map(top.get('local'), 'local'), 'local', ['fakeNodes']);
    if (local.has('fakeNodes')) fakeNodes = src.integer(local.get('fakeNodes'), 'local.fakeNodes', 1, 50) ?? 1;
  }

  let nodeImage = loadVersions().kindNodeImage;
  if (top.has('kind')) {
    const kind = src.fields(src.map(top.get('kind'), 'kind'), 'kind', ['nodeImage']);
    if (kind.has('nodeImage')) nodeImage = src.string(kind.get('nodeImage'), 'kind.nodeImage') ?? nodeImage;
  }

  src.throwIfIssues('fix the fields above; see README "Config reference"');
  return {
    name,
    provider: provider ?? 'auto',
    ocm: { version: ocmVersion },
    hub: { name: hubName },
    managedClusters,
    local: { fakeNodes },
    kind: { nodeImage },
    configPath: file,
  };
}

function validName(src: YamlSource, node: Node | null | undefined, field: string, fallback: string): string {
  if (node === undefined) return fallback;
  const value = src.string(node, field);
  if (value === undefined) return fallback;
  if (!DNS_LABEL.test(value) || value.length > MAX_NAME_LENGTH) {
    src.issue(
      node,
      field,
      `"${value}" is not a valid name: use a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_NAME_LENGTH} characters)`,
    );
    return fallback;
  }
  return value;
}

export { ConfigError };
