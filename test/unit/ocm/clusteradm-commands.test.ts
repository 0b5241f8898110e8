import { describe, expect, it } from 'vitest';
import { parseHubToken } from '../../../src/ocm/clusteradm/clusteradm-installer.js';
import { acceptArgs, cleanArgs, getTokenArgs, initArgs, joinArgs, unjoinArgs } from '../../../src/ocm/clusteradm/commands.js';
import { LabError } from '../../../src/errors.js';
import { klusterletProcess } from '../../../src/ocm/processes/processes-installer.js';
import { klusterletValues, WORK_STATUS_SYNC_INTERVAL } from '../../../src/ocm/work-status-sync.js';
import { deploymentHealth, podsOf, podStatus } from '../../../src/ocm/clusteradm/operator-deployments.js';

describe('clusteradm command lines', () => {
  it('initializes the hub with the lab\'s OCM version and waits, against the hub kubeconfig', () => {
    expect(initArgs({ kubeconfig: '/s/kubeconfigs/hub.yaml' }, 'v1.2.0')).toEqual(['init', '--bundle-version', 'v1.2.0', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
  });

  it('passes the lab\'s hub feature gates to init and its klusterlet gates to join', () => {
    expect(initArgs({ kubeconfig: '/h.yaml' }, 'v1.2.0', { ManifestWorkReplicaSet: true, DefaultClusterSet: false })).toEqual([
      'init', '--bundle-version', 'v1.2.0', '--feature-gates', 'ManifestWorkReplicaSet=true,DefaultClusterSet=false', '--kubeconfig', '/h.yaml',
    ]);
    const join = joinArgs({ clusterName: 'c1', hubApiServer: 'https://h', token: 't', cluster: { kubeconfig: '/c1.yaml' }, bundleVersion: 'v1.2.0', featureGates: { RawFeedbackJsonString: true } });
    expect(join.slice(join.indexOf('--feature-gates'), join.indexOf('--feature-gates') + 2)).toEqual(['--feature-gates', 'RawFeedbackJsonString=true']);
  });

  it('asks for the token as JSON', () => {
    expect(getTokenArgs({ kubeconfig: '/s/kubeconfigs/hub.yaml' })).toEqual(['get', 'token', '--output', 'json', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
  });

  it('joins through the hub\'s internal endpoint, with the lab\'s OCM version and the managed cluster\'s own kubeconfig', () => {
    expect(
      joinArgs({ clusterName: 'cluster1', hubApiServer: 'https://127.0.0.1:40123', token: 'tok-123', cluster: { kubeconfig: '/s/kubeconfigs/cluster1.yaml' }, bundleVersion: 'v1.2.0' }),
    ).toEqual([
      'join',
      '--hub-token', 'tok-123',
      '--hub-apiserver', 'https://127.0.0.1:40123',
      '--cluster-name', 'cluster1',
      '--force-internal-endpoint-lookup',
      '--bundle-version', 'v1.2.0',
      '--kubeconfig', '/s/kubeconfigs/cluster1.yaml',
    ]);
  });

  it('merges the lab\'s klusterlet values over clusteradm\'s, when given', () => {
    const join = joinArgs({ clusterName: 'c1', hubApiServer: 'https://h', token: 't', cluster: { kubeconfig: '/c1.yaml' }, bundleVersion: 'v1.2.0', valuesFile: '/s/ocm/klusterlet-values.yaml' });
    expect(join.slice(join.indexOf('--klusterlet-values-file'), join.indexOf('--klusterlet-values-file') + 2)).toEqual(['--klusterlet-values-file', '/s/ocm/klusterlet-values.yaml']);
  });

  it('sets the work agent\'s status sync to the interval the local agents run with (the operator would make it 60 s on one node)', () => {
    expect(klusterletValues()).toEqual({ klusterlet: { workConfiguration: { statusSyncInterval: '10s' } } });
    expect(klusterletProcess({ cluster: 'c1', kubeconfig: '/k', bootstrapKubeconfig: '/b', hubKubeconfigDir: '/h', featureGates: {} }).args('127.0.0.1:1')).toContain(
      `--status-sync-interval=${WORK_STATUS_SYNC_INTERVAL}`,
    );
  });

  it('names the context on every command when the cluster\'s kubeconfig has one, and joins at the hub\'s own address without the lookup', () => {
    const target = { kubeconfig: '/home/u/.kube/c1.yaml', context: 'admin@c1' };
    for (const args of [initArgs(target, 'v1.2.0'), getTokenArgs(target), acceptArgs('c1', target), unjoinArgs('c1', target), cleanArgs(target)]) {
      expect(args.slice(-4)).toEqual(['--kubeconfig', '/home/u/.kube/c1.yaml', '--context', 'admin@c1']);
    }
    const join = joinArgs({ clusterName: 'c1', hubApiServer: 'https://hub.example:6443', token: 't', cluster: target, bundleVersion: 'v1.2.0', hubLookup: false });
    expect(join).not.toContain('--force-internal-endpoint-lookup');
    expect(join.slice(join.indexOf('--hub-apiserver'), join.indexOf('--hub-apiserver') + 2)).toEqual(['--hub-apiserver', 'https://hub.example:6443']);
    expect(join.slice(-4)).toEqual(['--kubeconfig', '/home/u/.kube/c1.yaml', '--context', 'admin@c1']);
  });

  it('unjoins a managed cluster by name and cleans the hub', () => {
    expect(unjoinArgs('c1', { kubeconfig: '/c1.yaml' })).toEqual(['unjoin', '--cluster-name', 'c1', '--kubeconfig', '/c1.yaml']);
    expect(cleanArgs({ kubeconfig: '/h.yaml' })).toEqual(['clean', '--kubeconfig', '/h.yaml']);
  });

  it('accepts one cluster on the hub', () => {
    expect(acceptArgs('cluster2', { kubeconfig: '/s/kubeconfigs/hub.yaml' })).toEqual(['accept', '--clusters', 'cluster2', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
    expect(acceptArgs('cluster2', { kubeconfig: '/h.yaml' }, { approveEveryRequester: true })).toEqual(['accept', '--clusters', 'cluster2', '--skip-approve-check', '--kubeconfig', '/h.yaml']);
  });
});

describe('the bootstrap token on clusteradm command lines', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib290c3RyYXAifQ.c2lnbmF0dXJl';

  it('is on no command line but join\'s, where it is only the value of --hub-token (clusteradm v1.3.1 reads it from nowhere else)', () => {
    const join = joinArgs({ clusterName: 'c1', hubApiServer: 'https://h', token, cluster: { kubeconfig: '/s/c1.yaml' }, bundleVersion: 'v1.3.1', featureGates: { RawFeedbackJsonString: true } });
    expect(join.filter((arg) => arg.includes(token))).toEqual([token]);
    expect(join[join.indexOf(token) - 1]).toBe('--hub-token');
    for (const args of [initArgs({ kubeconfig: '/s/hub.yaml' }, 'v1.3.1'), getTokenArgs({ kubeconfig: '/s/hub.yaml' }), acceptArgs('c1', { kubeconfig: '/s/hub.yaml' }, { approveEveryRequester: true })]) {
      expect(args.join(' ')).not.toMatch(/token=|eyJ|--hub-token/);
    }
  });
});

describe('parseHubToken', () => {
  it('reads the token from clusteradm\'s JSON', () => {
    const output = '{\n  "hub-token": "eyJhbGciOi.abc",\n  "hub-apiserver": "https://127.0.0.1:40123"\n}\n';
    expect(parseHubToken(output)).toBe('eyJhbGciOi.abc');
  });

  it('ignores text around the JSON', () => {
    expect(parseHubToken('W0101 warning\n{"hub-token":"t0k","hub-apiserver":"https://h:6443"}\n')).toBe('t0k');
  });

  it('fails without echoing the output when there is no token', () => {
    const attempt = () => parseHubToken('&{0x1} token doesn\'t exist\n');
    expect(attempt).toThrow(LabError);
    expect(attempt).toThrow('clusteradm get token printed no hub token');
    expect(() => parseHubToken('{"hub-token":"","hub-apiserver":"https://h"}')).toThrow(LabError);
  });
});

describe('OCM component health on kind (by Deployment)', () => {
  it('is healthy when as many replicas are available as the Deployment asks for', () => {
    expect(deploymentHealth({ spec: { replicas: 3 }, status: { replicas: 3, availableReplicas: 3 } })).toBe('healthy');
    expect(deploymentHealth({ status: { replicas: 1, availableReplicas: 1 } })).toBe('healthy');
  });

  it('stays healthy during a rollout whose old pod still serves (the new one not Ready yet)', () => {
    expect(deploymentHealth({ spec: { replicas: 1 }, status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 } })).toBe('healthy');
  });

  it('is unhealthy with pods but too few available, and stopped with none or scaled to zero', () => {
    expect(deploymentHealth({ spec: { replicas: 3 }, status: { replicas: 3, availableReplicas: 2 } })).toBe('unhealthy');
    expect(deploymentHealth({ spec: { replicas: 1 }, status: {} })).toBe('stopped');
    expect(deploymentHealth({ spec: { replicas: 0 }, status: {} })).toBe('stopped');
  });
});

describe('the pods of an OCM component on kind', () => {
  const deployment = { metadata: { name: 'klusterlet', namespace: 'open-cluster-management' }, spec: { selector: { matchLabels: { app: 'klusterlet' } } } };
  const pod = (name: string, namespace: string, labels: Record<string, string>) => ({ metadata: { name, namespace, labels } });

  it('are the pods in its namespace carrying every label of its selector', () => {
    const pods = [
      pod('klusterlet-a', 'open-cluster-management', { app: 'klusterlet', 'pod-template-hash': 'x' }),
      pod('klusterlet-b', 'open-cluster-management-agent', { app: 'klusterlet' }),
      pod('other', 'open-cluster-management', { app: 'klusterlet-registration-agent' }),
    ];
    expect(podsOf(deployment, pods).map((p) => p.metadata?.name)).toEqual(['klusterlet-a']);
    expect(podsOf({ metadata: deployment.metadata, spec: {} }, pods)).toEqual([]);
  });

  it('show phase, ready containers and restarts as kubectl does', () => {
    const status = { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 2 }, { ready: false, restartCount: 1 }] };
    expect(podStatus({ metadata: { name: 'p' }, status })).toEqual({ name: 'p', phase: 'Running', ready: '1/2', restarts: 3 });
    expect(podStatus({ metadata: { name: 'q' } })).toEqual({ name: 'q', phase: 'Unknown', ready: '0/0', restarts: 0 });
    expect(podStatus({ metadata: { name: 'r', deletionTimestamp: new Date() }, status })).toEqual({ name: 'r', phase: 'Running', ready: '1/2', restarts: 3, terminating: true });
  });
});
