import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withServer } from '../../../src/ocm/clusteradm/clusteradm-installer.js';
import { clusterManagerValues, klusterletChartValues } from '../../../src/ocm/clusteradm/release-charts.js';

const gates = { featureGates: [{ feature: 'ManifestWorkReplicaSet', mode: 'Enable' }] };

describe('the values a release\'s own charts are rendered with (those clusteradm init and join set)', () => {
  it('cluster manager: the release\'s images, three operator replicas, the bootstrap service account, CSR registration, the lab\'s gates', () => {
    expect(clusterManagerValues('v1.0.0', { registrationConfiguration: gates, workConfiguration: {}, addOnManagerConfiguration: {} })).toEqual({
      replicaCount: 3,
      images: { registry: 'quay.io/open-cluster-management', tag: 'v1.0.0', imageCredentials: { createImageCredentials: true } },
      createBootstrapSA: true,
      createBootstrapToken: false,
      clusterManager: {
        create: true,
        mode: 'Default',
        registrationConfiguration: { ...gates, registrationDrivers: [{ authType: 'csr' }] },
        workConfiguration: { workDriver: 'kube' },
        addOnManagerConfiguration: {},
      },
    });
  });

  it('klusterlet: Default mode, named klusterlet, agents in open-cluster-management-agent, the bootstrap kubeconfig and the lab\'s settings', () => {
    const values = klusterletChartValues('v1.0.0', { clusterName: 'cluster1', bootstrapKubeconfig: 'kubeconfig', registrationConfiguration: gates, workConfiguration: { statusSyncInterval: '10s' } }) as {
      bootstrapHubKubeConfig: string;
      klusterlet: Record<string, unknown>;
    };
    expect(values.bootstrapHubKubeConfig).toBe('kubeconfig');
    expect(values.klusterlet).toEqual({
      create: true,
      mode: 'Default',
      name: 'klusterlet',
      clusterName: 'cluster1',
      namespace: 'open-cluster-management-agent',
      resourceRequirement: { type: 'Default' },
      registrationConfiguration: gates,
      workConfiguration: { statusSyncInterval: '10s' },
    });
  });

  it('the agents\' bootstrap kubeconfig names the hub at its endpoint for clusters, with the CA and token kept', () => {
    const kubeconfig = 'apiVersion: v1\nclusters:\n- name: hub\n  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: Q0E=}\nusers:\n- name: u\n  user: {token: t0ken}\n';
    const changed = parse(withServer(kubeconfig, 'https://hub-control-plane:6443')) as { clusters: { cluster: Record<string, string> }[]; users: { user: { token: string } }[] };
    expect(changed.clusters[0]!.cluster).toEqual({ server: 'https://hub-control-plane:6443', 'certificate-authority-data': 'Q0E=' });
    expect(changed.users[0]!.user.token).toBe('t0ken');
  });
});
