import { describe, expect, it } from 'vitest';
import { parseHubToken } from '../../../src/ocm/clusteradm/clusteradm-installer.js';
import { acceptArgs, getTokenArgs, initArgs, joinArgs } from '../../../src/ocm/clusteradm/commands.js';
import { LabError } from '../../../src/errors.js';
import { podHealth } from '../../../src/ocm/clusteradm/operator-pods.js';

describe('clusteradm command lines', () => {
  it('initializes the hub with the lab\'s OCM version and waits, against the hub kubeconfig', () => {
    expect(initArgs('/s/kubeconfigs/hub.yaml', 'v1.2.0')).toEqual(['init', '--wait', '--bundle-version', 'v1.2.0', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
  });

  it('asks for the token as JSON', () => {
    expect(getTokenArgs('/s/kubeconfigs/hub.yaml')).toEqual(['get', 'token', '--output', 'json', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
  });

  it('joins through the hub\'s internal endpoint, with the lab\'s OCM version and the managed cluster\'s own kubeconfig', () => {
    expect(
      joinArgs({ clusterName: 'cluster1', hubApiServer: 'https://127.0.0.1:40123', token: 'tok-123', kubeconfig: '/s/kubeconfigs/cluster1.yaml', bundleVersion: 'v1.2.0' }),
    ).toEqual([
      'join',
      '--hub-token', 'tok-123',
      '--hub-apiserver', 'https://127.0.0.1:40123',
      '--cluster-name', 'cluster1',
      '--force-internal-endpoint-lookup',
      '--bundle-version', 'v1.2.0',
      '--wait',
      '--kubeconfig', '/s/kubeconfigs/cluster1.yaml',
    ]);
  });

  it('accepts one cluster on the hub', () => {
    expect(acceptArgs('cluster2', '/s/kubeconfigs/hub.yaml')).toEqual(['accept', '--clusters', 'cluster2', '--kubeconfig', '/s/kubeconfigs/hub.yaml']);
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

describe('operator pod health', () => {
  it('is healthy only when Running and Ready', () => {
    expect(podHealth({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })).toBe('healthy');
    expect(podHealth({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })).toBe('unhealthy');
    expect(podHealth({ status: { phase: 'Pending' } })).toBe('stopped');
  });
});
