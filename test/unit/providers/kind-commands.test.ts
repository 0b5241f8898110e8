import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindHostLimitsProblems, privilegedProbeArgs } from '../../../src/providers/kind/docker.js';
import {
  createClusterArgs,
  deleteClusterArgs,
  getClustersArgs,
  getKubeconfigArgs,
  adminConfExistsArgs,
  isCgroupV1,
  kindClusterConfig,
  loadImagesArgs,
  kindClusterName,
  kindNodeName,
  labClusterName,
  kindNetworkName,
  createNetworkArgs,
  labNetworksArgs,
  assertClusterName,
  isClusterName,
} from '../../../src/providers/kind/kind-commands.js';
import { parseKindKubeconfig } from '../../../src/providers/kind/kind-provider.js';
import { LabError } from '../../../src/errors.js';

describe('kind command lines', () => {
  it('names a cluster "<lab>-<cluster>" and its node "<name>-control-plane"', () => {
    expect(kindClusterName('ocm-lab', 'hub')).toBe('ocm-lab-hub');
    expect(kindNodeName('ocm-lab-hub')).toBe('ocm-lab-hub-control-plane');
  });

  it('creates with the pinned node image, the lab\'s cluster config, a kubeconfig file of its own and a wait', () => {
    expect(
      createClusterArgs({ kindName: 'ocm-lab-cluster1', nodeImage: 'kindest/node:v1.36.1', kindKubeconfig: '/s/kind/cluster1.kubeconfig', configFile: '/s/kind/cluster1.kind.yaml' }),
    ).toEqual([
      'create', 'cluster',
      '--name', 'ocm-lab-cluster1',
      '--image', 'kindest/node:v1.36.1',
      '--config', '/s/kind/cluster1.kind.yaml',
      '--kubeconfig', '/s/kind/cluster1.kubeconfig',
      '--wait', '2m',
    ]);
  });

  it('gives parallel creates different kubeconfig files', () => {
    const kubeconfigOf = (cluster: string) => {
      const args = createClusterArgs({ kindName: `lab-${cluster}`, nodeImage: 'img', kindKubeconfig: `/s/kind/${cluster}.kubeconfig`, configFile: '/s/c.yaml' });
      return args[args.indexOf('--kubeconfig') + 1];
    };
    expect(kubeconfigOf('hub')).toBe('/s/kind/hub.kubeconfig');
    expect(kubeconfigOf('cluster1')).toBe('/s/kind/cluster1.kubeconfig');
  });

  it('deletes with the cluster\'s own kubeconfig, never the user\'s', () => {
    expect(deleteClusterArgs('ocm-lab-hub', '/s/kind/hub.kubeconfig')).toEqual([
      'delete', 'cluster', '--name', 'ocm-lab-hub', '--kubeconfig', '/s/kind/hub.kubeconfig',
    ]);
  });

  it('lists clusters and prints host or internal kubeconfigs', () => {
    expect(getClustersArgs()).toEqual(['get', 'clusters']);
    expect(getKubeconfigArgs('ocm-lab-hub', { internal: false })).toEqual(['get', 'kubeconfig', '--name', 'ocm-lab-hub']);
    expect(getKubeconfigArgs('ocm-lab-hub', { internal: true })).toEqual(['get', 'kubeconfig', '--name', 'ocm-lab-hub', '--internal']);
  });
});

describe('kind cluster ownership', () => {
  it('mounts a folder of the lab\'s state dir into the node, read-only', () => {
    const config = parse(kindClusterConfig({ ownerDir: '/a/.lab/ocm/kind/owner/hub', cgroupV1: false, offlineImage: false, apiServerPort: 20001 }));
    expect(config.nodes).toEqual([{ role: 'control-plane', extraMounts: [{ hostPath: '/a/.lab/ocm/kind/owner/hub', containerPath: '/etc/ocm-lab', readOnly: true }] }]);
    expect(config.kubeadmConfigPatches).toBeUndefined();
  });

  it('on a cgroup v1 host tells the kubelet not to refuse it (failCgroupV1: false)', () => {
    const config = parse(kindClusterConfig({ ownerDir: '/o', cgroupV1: true, offlineImage: false })) as { kubeadmConfigPatches: string[] };
    expect(parse(config.kubeadmConfigPatches[0]!)).toEqual({ kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1', failCgroupV1: false });
    // No port given (the bench's baseline, made as by hand): kind picks it.
    expect(config).not.toHaveProperty('networking');
    expect(isCgroupV1((path) => path === '/sys/fs/cgroup/cgroup.controllers')).toBe(false);
    expect(isCgroupV1(() => false)).toBe(true);
  });

  it('with the offline node image: its own bridge CNI (no kindnetd) and pods resolving through its DNS relay', () => {
    const config = parse(kindClusterConfig({ ownerDir: '/o', cgroupV1: false, offlineImage: true, apiServerPort: 20001 })) as { networking: unknown; kubeadmConfigPatches: string[] };
    expect(config.networking).toEqual({ apiServerAddress: '127.0.0.1', apiServerPort: 20001, disableDefaultCNI: true });
    expect(parse(config.kubeadmConfigPatches[0]!)).toMatchObject({ kind: 'KubeletConfiguration', resolvConf: '/kind/pod-resolv.conf' });
  });

  it("publishes the API server on 127.0.0.1 at the port the lab picked, not at kind's own pick", () => {
    const config = parse(kindClusterConfig({ ownerDir: '/o', cgroupV1: false, offlineImage: false, apiServerPort: 23456 })) as { networking: unknown };
    expect(config.networking).toEqual({ apiServerAddress: '127.0.0.1', apiServerPort: 23456 });
  });

  it('loads extra images into a cluster, and asks the node whether kubeadm finished', () => {
    expect(loadImagesArgs('ocm-lab-hub', ['a:1', 'b:2'])).toEqual(['load', 'docker-image', '--name', 'ocm-lab-hub', 'a:1', 'b:2']);
    expect(adminConfExistsArgs('ocm-lab-hub-control-plane')).toEqual(['exec', 'ocm-lab-hub-control-plane', 'test', '-f', '/etc/kubernetes/admin.conf']);
  });

  it('maps kind names back to the lab\'s cluster names', () => {
    expect(labClusterName('ocm-lab-cluster1', 'ocm-lab')).toBe('cluster1');
    expect(labClusterName('renamed', 'ocm-lab')).toBe('renamed');
  });
});

describe('parseKindKubeconfig', () => {
  const printed = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://127.0.0.1:40123
  name: kind-ocm-lab-hub
contexts:
- context:
    cluster: kind-ocm-lab-hub
    user: kind-ocm-lab-hub
  name: kind-ocm-lab-hub
current-context: kind-ocm-lab-hub
kind: Config
users:
- name: kind-ocm-lab-hub
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`;

  it('takes the server and credentials', () => {
    expect(parseKindKubeconfig(printed, 'ocm-lab-hub')).toEqual({
      server: 'https://127.0.0.1:40123',
      certificateAuthorityData: 'Q0E=',
      clientCertificateData: 'Q0VSVA==',
      clientKeyData: 'S0VZ',
    });
  });

  it('names what is missing', () => {
    expect(() => parseKindKubeconfig(printed.replace(/ {4}client-key-data: S0VZ\n/, ''), 'ocm-lab-hub')).toThrow(LabError);
    expect(() => parseKindKubeconfig('', 'ocm-lab-hub')).toThrow(/lacks server, certificateAuthorityData, clientCertificateData, clientKeyData/);
  });
});

describe('Docker checks', () => {
  it('probes privileged mode with the node image', () => {
    expect(privilegedProbeArgs('kindest/node:v1.36.1')).toEqual(['run', '--rm', '--privileged', '--entrypoint', 'true', 'kindest/node:v1.36.1']);
  });

  it('reports inotify limits below kind\'s recommendation with the sysctl fix', () => {
    const values: Record<string, string> = {
      '/proc/sys/fs/inotify/max_user_watches': '8192\n',
      '/proc/sys/fs/inotify/max_user_instances': '512\n',
    };
    const problems = kindHostLimitsProblems((file) => values[file]!);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('fs.inotify.max_user_watches is 8192');
    expect(problems[0]).toContain('sudo sysctl -w fs.inotify.max_user_watches=524288');
  });

  it('reports nothing where the limits cannot be read', () => {
    expect(kindHostLimitsProblems(() => {
      throw new Error('ENOENT');
    })).toEqual([]);
  });
});

describe('the lab\'s own Docker network', () => {
  it('is named from the state dir, so prefix-named labs and two checkouts with one lab name never share it', () => {
    const a = kindNetworkName('ocm', '/x/.lab/ocm');
    expect(a).toMatch(/^ocm-lab-ocm-[0-9a-f]{8}$/);
    expect(kindNetworkName('ocm', '/x/.lab/ocm')).toBe(a);
    expect(kindNetworkName('ocm', '/y/.lab/ocm')).not.toBe(a);
    expect(kindNetworkName('ocm-lab', '/x/.lab/ocm-lab')).not.toBe(a);
  });

  it('carries its owner as a label; candidates are listed by the label key, then inspected', () => {
    expect(createNetworkArgs('n', '/x/a b/.lab/ocm')).toEqual(['network', 'create', '--driver', 'bridge', '--label', 'io.ocm-lab.owner=/x/a b/.lab/ocm', 'n']);
    expect(labNetworksArgs()).toEqual(['network', 'ls', '--quiet', '--no-trunc', '--filter', 'label=io.ocm-lab.owner']);
  });
});

describe('cluster names the kind provider acts on', () => {
  it('are DNS-1123 labels: never a path', () => {
    for (const name of ['hub', 'cluster1', 'a-b', 'x'.repeat(63)]) expect(isClusterName(name), name).toBe(true);
    for (const name of ['../../x', '..', 'a/b', '', 'Hub', '-a', 'a-', 'a.b', 'x'.repeat(64), 'a b']) expect(isClusterName(name), name).toBe(false);
  });

  it('refuses an invalid one with a usage error (exit 2)', () => {
    expect(() => assertClusterName('../../x')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('"../../x" is not a valid cluster name') }));
    expect(() => assertClusterName('hub')).not.toThrow();
  });
});
