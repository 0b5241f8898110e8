import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kwokctlConfig, portsFrom } from '../../../src/providers/local/kwokctl-config.js';

const config = parse(
  kwokctlConfig({
    binaries: { kubeApiserver: '/b/kube-apiserver', kubeControllerManager: '/b/kcm', kubeScheduler: '/b/ks', kubectl: '/b/kubectl', etcd: '/b/etcd', kwok: '/b/kwok' },
    kubeVersion: 'v1.36.1',
    etcdVersion: 'v3.6.16',
    pkiDir: '/state/kwok/clusters/hub/pki',
    ports: portsFrom([1, 2, 3, 4, 5, 6]),
    role: 'hub',
  }),
) as { apiVersion: string; kind: string; options: Record<string, unknown>; componentsPatches: { name: string; extraArgs: { key: string; value: string; override?: boolean }[] }[] };

/** The `--key=value` arguments a component patch gives, overrides marked. */
function argsOf(component: string): Record<string, string> {
  const patch = config.componentsPatches.find((p) => p.name === component);
  return Object.fromEntries((patch?.extraArgs ?? []).map((a) => [`${a.override ? 'override ' : ''}${a.key}`, a.value]));
}

describe('kwokctlConfig', () => {
  it('uses the binary runtime with local binaries only (nothing to download)', () => {
    expect(config).toMatchObject({ apiVersion: 'config.kwok.x-k8s.io/v1alpha1', kind: 'KwokctlConfiguration' });
    expect(config.options).toMatchObject({
      runtime: 'binary',
      kubeApiserverBinary: '/b/kube-apiserver',
      kubeControllerManagerBinary: '/b/kcm',
      kubeSchedulerBinary: '/b/ks',
      kubectlBinary: '/b/kubectl',
      etcdBinary: '/b/etcd',
      kwokControllerBinary: '/b/kwok',
      etcdVersion: '3.6.16',
    });
    for (const value of Object.values(config.options)) expect(String(value)).not.toMatch(/^https?:/);
  });

  it('binds every component to 127.0.0.1 on the ports we allocated', () => {
    expect(config.options).toMatchObject({
      bindAddress: '127.0.0.1',
      kubeApiserverPort: 1,
      etcdPort: 2,
      etcdPeerPort: 3,
      kubeControllerManagerPort: 4,
      kubeSchedulerPort: 5,
      kwokControllerPort: 6,
    });
  });

  it('serves etcd only over TLS, to clients holding a certificate of the cluster CA, on client and peer ports', () => {
    const pki = '/state/kwok/clusters/hub/pki';
    expect(argsOf('etcd')).toEqual({
      'override listen-client-urls': 'https://127.0.0.1:2',
      'override advertise-client-urls': 'https://127.0.0.1:2',
      'override listen-peer-urls': 'https://127.0.0.1:3',
      'override initial-advertise-peer-urls': 'https://127.0.0.1:3',
      'override initial-cluster': 'node0=https://127.0.0.1:3',
      'cert-file': `${pki}/admin.crt`,
      'key-file': `${pki}/admin.key`,
      'client-cert-auth': 'true',
      'trusted-ca-file': `${pki}/ca.crt`,
      'peer-cert-file': `${pki}/admin.crt`,
      'peer-key-file': `${pki}/admin.key`,
      'peer-client-cert-auth': 'true',
      'peer-trusted-ca-file': `${pki}/ca.crt`,
    });
    expect(JSON.stringify(config.componentsPatches)).not.toContain('http://');
  });

  it('points kube-apiserver at the TLS etcd with the admin client certificate', () => {
    const pki = '/state/kwok/clusters/hub/pki';
    expect(argsOf('kube-apiserver')).toEqual({
      'override etcd-servers': 'https://127.0.0.1:2',
      'etcd-cafile': `${pki}/ca.crt`,
      'etcd-certfile': `${pki}/admin.crt`,
      'etcd-keyfile': `${pki}/admin.key`,
    });
  });

  it('lets the controller-manager sign client CSRs with the cluster CA (OCM needs it); no leader election to wait for after a restart', () => {
    expect(config.componentsPatches.filter((p) => !['etcd', 'kube-apiserver'].includes(p.name))).toEqual([
      {
        name: 'kube-controller-manager',
        extraArgs: [
          { key: 'cluster-signing-cert-file', value: '/state/kwok/clusters/hub/pki/ca.crt' },
          { key: 'cluster-signing-key-file', value: '/state/kwok/clusters/hub/pki/ca.key' },
          { key: 'leader-elect', value: 'false' },
        ],
      },
      { name: 'kube-scheduler', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
    ]);
  });

  it("runs a managed cluster's control plane lean (GOGC=25, no watch cache, no policy status controller), the hub's as kwokctl makes it", () => {
    const input = {
      binaries: { kubeApiserver: 'a', kubeControllerManager: 'b', kubeScheduler: 'c', kubectl: 'd', etcd: 'e', kwok: 'f' },
      kubeVersion: 'v1.36.1',
      etcdVersion: 'v3.6.16',
      pkiDir: '/p',
      ports: portsFrom([1, 2, 3, 4, 5, 6]),
    };
    type Patches = { componentsPatches: { name: string; extraArgs: { key: string; value: string }[]; extraEnvs?: { name: string; value: string }[] }[] };
    const argsOf = (patches: Patches, name: string) => Object.fromEntries(patches.componentsPatches.find((p) => p.name === name)!.extraArgs.map((a) => [a.key, a.value]));
    const managed = parse(kwokctlConfig({ ...input, role: 'managed' })) as Patches;
    expect(managed.componentsPatches.map((p) => [p.name, p.extraEnvs])).toEqual(
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller'].map((name) => [name, [{ name: 'GOGC', value: '25' }]]),
    );
    expect(argsOf(managed, 'kube-apiserver')).toMatchObject({ 'watch-cache': 'false' });
    expect(argsOf(managed, 'kube-controller-manager')).toMatchObject({ controllers: '*,-validatingadmissionpolicy-status-controller', 'leader-elect': 'false' });
    const hub = parse(kwokctlConfig({ ...input, role: 'hub' })) as Patches;
    expect(hub.componentsPatches.every((p) => p.extraEnvs === undefined)).toBe(true);
    expect(argsOf(hub, 'kube-apiserver')).not.toHaveProperty('watch-cache');
    expect(argsOf(hub, 'kube-controller-manager')).not.toHaveProperty('controllers');
  });

  it('portsFrom needs all six ports', () => {
    expect(() => portsFrom([1, 2, 3])).toThrow(/need 6 ports/);
  });
});
