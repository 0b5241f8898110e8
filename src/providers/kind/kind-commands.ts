import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { LabError } from '../../errors.js';

/** Command lines for the kind CLI, kept pure so tests can check them without Docker. */

/** kind's name for a lab cluster: the lab name keeps two labs on one Docker engine apart. */
export function kindClusterName(labName: string, cluster: string): string {
  return `${labName}-${cluster}`;
}

/** The container (and host name on the kind network) of a single-node kind cluster. */
export function kindNodeName(kindName: string): string {
  return `${kindName}-control-plane`;
}

/**
 * `kindKubeconfig` is a file of this cluster alone: kind locks the kubeconfig it writes,
 * and parallel creates sharing one file fail on that lock.
 */
export function createClusterArgs(options: { kindName: string; nodeImage: string; kindKubeconfig: string; configFile: string }): string[] {
  return [
    'create', 'cluster',
    '--name', options.kindName,
    '--image', options.nodeImage,
    '--config', options.configFile,
    '--kubeconfig', options.kindKubeconfig,
    '--wait', '2m',
  ];
}

/** Where the owner folder is mounted in every node: the mount's host path names the lab that made the cluster. */
export const OWNER_MOUNT = '/etc/ocm-lab';

export interface KindClusterOptions {
  /** A folder inside the lab's state dir, mounted into the node: how the lab recognises its clusters. */
  ownerDir: string;
  /** The host runs cgroup v1: kubelet 1.35+ refuses to start there unless told `failCgroupV1: false`. */
  cgroupV1: boolean;
  /**
   * The node image ocm-lab builds offline: it brings a static bridge CNI config (kind's kindnetd image
   * is not built) and a DNS relay whose resolv.conf pods must use (Docker's 127.0.0.11 would loop).
   */
  offlineImage: boolean;
  /**
   * The host port, on 127.0.0.1, the API server is published on, picked by the lab (../../process/ports.ts). Left to
   * kind, it is a port the kernel hands out for a socket kind binds and closes just before Docker binds it: two clusters
   * of one lab created at once got the same one in a CI run (2026-12-08), and the second failed with "port is already
   * allocated". Without it, kind picks (as for the bench's baseline, made as users do by hand).
   */
  apiServerPort?: number;
}

/** Where the offline node image keeps the resolv.conf for pods (pointing at its DNS relay). */
export const OFFLINE_POD_RESOLV_CONF = '/kind/pod-resolv.conf';

/**
 * kind's cluster config: one control-plane node that mounts `ownerDir`, a folder inside the lab's
 * state dir. kind sets no labels of ours on its containers, but a bind mount's source path shows
 * in `docker inspect`, so ownership is read from an exact path, never from a name pattern.
 */
export function kindClusterConfig(options: KindClusterOptions): string {
  const kubelet: Record<string, unknown> = {
    ...(options.cgroupV1 && { failCgroupV1: false }),
    ...(options.offlineImage && { resolvConf: OFFLINE_POD_RESOLV_CONF }),
  };
  const patch = Object.keys(kubelet).length ? [stringify({ kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1', ...kubelet })] : [];
  const network = networking(options);
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    ...(network && { networking: network }),
    nodes: [{ role: 'control-plane', extraMounts: [{ hostPath: options.ownerDir, containerPath: OWNER_MOUNT, readOnly: true }] }],
    ...(patch.length && { kubeadmConfigPatches: patch }),
  });
}

function networking(options: KindClusterOptions): object | undefined {
  const fields = {
    ...(options.apiServerPort && { apiServerAddress: '127.0.0.1', apiServerPort: options.apiServerPort }),
    ...(options.offlineImage && { disableDefaultCNI: true }),
  };
  return Object.keys(fields).length ? fields : undefined;
}

/** cgroup v2 hosts have a unified hierarchy with cgroup.controllers at its root. */
export function isCgroupV1(exists: (path: string) => boolean): boolean {
  return !exists('/sys/fs/cgroup/cgroup.controllers');
}

/** `kind load docker-image`: host images into every node of one cluster. */
export function loadImagesArgs(kindName: string, images: string[]): string[] {
  return ['load', 'docker-image', '--name', kindName, ...images];
}

/** Whether kubeadm finished on the node (its admin kubeconfig exists): a cluster without it never got made. */
export function adminConfExistsArgs(nodeName: string): string[] {
  return ['exec', nodeName, 'test', '-f', '/etc/kubernetes/admin.conf'];
}

export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** A lab cluster name as the config allows it (a DNS-1123 label): never a path, so safe in every file name made from it. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isClusterName(name: string): boolean {
  return CLUSTER_NAME.test(name);
}

/** Refuses (exit 2) a cluster name the config would not accept, e.g. `../../x` from a tampered state, before any action. */
export function assertClusterName(name: string): void {
  if (!isClusterName(name)) {
    throw new LabError(`${JSON.stringify(name)} is not a valid cluster name, so the kind provider does nothing with it`, {
      hint: 'cluster names are DNS-1123 labels (lowercase letters, digits and -); if the lab state was edited, run ./lab down and ./lab up again',
      exitCode: 2,
    });
  }
}

/** Without --kubeconfig kind would edit $KUBECONFIG or ~/.kube/config. */
export function deleteClusterArgs(kindName: string, kindKubeconfig: string): string[] {
  return ['delete', 'cluster', '--name', kindName, '--kubeconfig', kindKubeconfig];
}

export function getClustersArgs(): string[] {
  return ['get', 'clusters'];
}

/**
 * Prints the admin kubeconfig. Its server is the host's published port, or with `internal` the
 * endpoint other kind nodes use on the shared `kind` network (https://<name>-control-plane:6443).
 */
export function getKubeconfigArgs(kindName: string, options: { internal: boolean }): string[] {
  return ['get', 'kubeconfig', '--name', kindName, ...(options.internal ? ['--internal'] : [])];
}

/** The lab's name for a kind cluster it owns ("<lab>-<cluster>" → "<cluster>"). */
export function labClusterName(kindName: string, labName: string): string {
  return kindName.startsWith(`${labName}-`) ? kindName.slice(labName.length + 1) : kindName;
}

/** Label on the lab's Docker network: its value is the lab's state dir, the network's owner. */
export const NETWORK_OWNER_LABEL = 'io.ocm-lab.owner';

/**
 * The lab's own Docker network (kind uses it through KIND_EXPERIMENTAL_DOCKER_NETWORK instead of the
 * shared `kind` network): two labs never see each other's nodes, and `down` removes the network. Named
 * from the state dir, so a lab whose state is lost still finds it.
 */
export function kindNetworkName(labName: string, owner: string): string {
  return `ocm-lab-${labName}-${createHash('sha256').update(owner).digest('hex').slice(0, 8)}`;
}

export function createNetworkArgs(network: string, owner: string): string[] {
  return ['network', 'create', '--driver', 'bridge', '--label', `${NETWORK_OWNER_LABEL}=${owner}`, network];
}

/** Every network that carries the lab owner label, whatever its value: `network inspect` tells whose each is. */
export function labNetworksArgs(): string[] {
  return ['network', 'ls', '--quiet', '--no-trunc', '--filter', `label=${NETWORK_OWNER_LABEL}`];
}
