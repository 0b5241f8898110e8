import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { errorMessage } from '../errors.js';
import { containedPath } from '../fs/contained-path.js';
import { mkdirPrivate, writePrivateFile } from '../fs/private-files.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { rawRequest } from '../kube/raw-request.js';
import { tailFile } from '../process/log-tail.js';
import { redactSecrets } from './redact.js';
import { safeName } from './safe-name.js';

const REQUEST_TIMEOUT_MS = 20_000;
/** Lines kept from the end of each exported node log file (a node's journal runs to megabytes). */
const NODE_LOG_LINES = 2000;

export interface BundleFile {
  file: string;
  summary: string;
}

interface Pod extends KubernetesObject {
  spec?: { containers?: { name: string }[] };
  status?: { phase?: string };
}

/**
 * OCM's own pods in `namespaces` (where the operators run OCM): for each, its description (the Pod object
 * without managedFields) and the last `lines` lines of every container's log, into `<folder>/ocm-pods/`.
 */
export async function collectOcmPods(client: ClusterClient, folder: string, namespaces: string[], lines: number): Promise<BundleFile[]> {
  if (!namespaces.length) return [];
  const dir = containedPath(folder, 'ocm-pods');
  const files: BundleFile[] = [];
  for (const namespace of namespaces) {
    let pods: Pod[];
    try {
      pods = await client.list<Pod>({ apiVersion: 'v1', kind: 'Pod', namespace }, undefined, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    } catch (error) {
      files.push({ file: 'ocm-pods/', summary: `could not list the pods of ${namespace}: ${errorMessage(error)}` });
      continue;
    }
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '?';
      const base = safeName(`${namespace}_${name}`);
      delete pod.metadata?.managedFields;
      // A pod's args and env can carry credentials too.
      writePrivateFile(containedPath(mkdirPrivate(dir), `${base}.yaml`), redactSecrets(stringify(pod, { lineWidth: 0, aliasDuplicateObjects: false })));
      const logs: string[] = [];
      for (const container of pod.spec?.containers ?? []) {
        const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?container=${encodeURIComponent(container.name)}&tailLines=${lines}`;
        const response = await rawRequest(client.kubeConfig, 'GET', path, { timeoutMs: REQUEST_TIMEOUT_MS }).catch((error: unknown) => ({ status: 0, body: errorMessage(error) }));
        logs.push(`==> container ${container.name}${response.status === 200 ? '' : ` (no log: HTTP ${response.status})`} <==\n${response.body}`);
      }
      writePrivateFile(containedPath(dir, `${base}.log`), redactSecrets(`${logs.join('\n')}\n`));
      files.push({ file: `ocm-pods/${base}.{yaml,log}`, summary: `pod ${namespace}/${name} (${pod.status?.phase ?? 'Unknown'}): description and last ${lines} log lines per container` });
    }
  }
  return files;
}

function isBinary(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(8192);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** Regular files under `root` (a symlink is never one, and never leads out). */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => containedPath(root, relative(root, join(entry.parentPath, entry.name))))
    .filter((file) => lstatSync(file).isFile());
}

/**
 * What the provider exports of a cluster's nodes (`kind export logs`, or the local control plane's logs),
 * into `<folder>/node-logs/`: the end of each file, with credentials redacted.
 */
export async function collectNodeLogs(folder: string, exportLogs: (dir: string) => Promise<void>): Promise<BundleFile[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'ocm-lab-node-logs-'));
  try {
    await exportLogs(scratch);
    // Binary files (systemd's journal files; journal.log has their text) are left out.
    const files = filesUnder(scratch).filter((file) => !isBinary(file));
    const target = containedPath(folder, 'node-logs');
    for (const file of files) {
      const text = lstatSync(file).size ? tailFile(file, NODE_LOG_LINES) : '';
      writePrivateFile(containedPath(target, relative(scratch, file)), redactSecrets(text));
    }
    return [{ file: 'node-logs/', summary: `${files.length} files the provider exported of the cluster's nodes (last ${NODE_LOG_LINES} lines of each, credentials redacted)` }];
  } catch (error) {
    return [{ file: 'node-logs/', summary: `the provider could not export the node logs: ${errorMessage(error).split('\n')[0]}` }];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
