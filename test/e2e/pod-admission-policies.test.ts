import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../src/kube/cluster-client.js';
import { PROBE_FAILURE_THRESHOLD, PROBE_PERIOD_SECONDS, useQuickReadiness } from '../../src/ocm/clusteradm/quick-readiness.js';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { usePreloadedImages } from '../../ops/ocm-e2e/preloaded-images.js';

// Provider: none. The pod admission policies of the lab, evaluated by a real API server: the one kind labs put on their
// clusters before OCM's first pod (src/ocm/clusteradm/quick-readiness.ts), and the one OCM's e2e suite runs with
// (ops/ocm-e2e/preloaded-images.ts). The server is a bare `kwokctl create cluster --runtime binary` of the toolchain's Kubernetes
// (no Docker). Pods are created with a server-side dry run, so the API server admits them and stores nothing.
const NAME = `ocmlab-qr-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-quick-readiness-'));
const kubeconfig = join(dir, 'kubeconfig.yaml');

function bin(name: string): string {
  const toolchain = findToolchain();
  if (!toolchain) throw new Error('the toolchain is missing: run ./lab setup');
  return toolchain.bin(name as Parameters<typeof toolchain.bin>[0]);
}

async function kwokctl(...args: string[]): Promise<void> {
  const env = { KWOK_WORKDIR: join(dir, 'kwok'), PATH: `${join(bin('kubectl'), '..')}:${process.env.PATH}` };
  const result = await execa(bin('kwokctl'), args, { env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`kwokctl ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.all}`);
}

interface Probe {
  httpGet?: { path: string; port: number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  image: string;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

const OCM_IMAGE = 'quay.io/open-cluster-management/registration:v1.2.0';
const probe = (): Probe => ({ httpGet: { path: '/healthz', port: 8443 }, initialDelaySeconds: 2 });

describe('pod admission policies (a real API server, no provider)', { timeout: 180_000 }, () => {
  let client: ClusterClient;
  const admitted = async (containers: Container[]): Promise<Container[]> => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers } };
    return (await client.create<{ spec: { containers: Container[] } } & typeof pod>(pod, undefined, { dryRun: true })).spec.containers;
  };

  beforeAll(async () => {
    const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].flatMap((b) => [`--${b}-binary`, bin(b)]);
    await kwokctl('create', 'cluster', '--name', NAME, '--runtime', 'binary', ...binaries, '--kwok-controller-binary', bin('kwok'), '--kubeconfig', kubeconfig, '--wait', '2m');
    client = new ClusterClient('qr', kubeconfig, `kwok-${NAME}`);
    // The API server refuses every pod, dry runs too, until the controller-manager has made `default`'s ServiceAccount.
    await client.waitFor({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default' }, (accounts) => (accounts.some((a) => a.metadata?.name === 'default') ? true : undefined), {
      timeoutMs: 60_000,
      description: "the default namespace's ServiceAccount",
    });
  }, 180_000);

  afterAll(async () => {
    await kwokctl('delete', 'cluster', '--name', NAME, '--kubeconfig', kubeconfig).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('before the policy, an OCM container is admitted with Kubernetes\' default probe period', async () => {
    expect((await admitted([{ name: 'registration', image: OCM_IMAGE, readinessProbe: probe() }]))[0]!.readinessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
  });

  it('takes effect before it returns, and gives only OCM containers that have a readiness probe one every second', async () => {
    expect(await useQuickReadiness(client)).toBe(true);
    const [ocm, other, unprobed] = await admitted([
      { name: 'registration', image: OCM_IMAGE, readinessProbe: probe(), livenessProbe: probe() },
      { name: 'sidecar', image: 'docker.io/library/busybox:1', readinessProbe: probe() },
      { name: 'work', image: 'quay.io/open-cluster-management/work:v1.2.0' },
    ]);
    // The probe is OCM's own but for its period, and marks the pod unready after as long (30 s) as before.
    expect(ocm!.readinessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 8443 }, initialDelaySeconds: 2, periodSeconds: PROBE_PERIOD_SECONDS, failureThreshold: PROBE_FAILURE_THRESHOLD });
    expect(PROBE_PERIOD_SECONDS * PROBE_FAILURE_THRESHOLD).toBe(10 * 3);
    expect(ocm!.livenessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
    expect(other!.readinessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
    expect(unprobed!.readinessProbe).toBeUndefined();
  });

  it('leaves a pod without OCM images as it is, and can be applied again', async () => {
    expect(await useQuickReadiness(client)).toBe(true);
    const [plain] = await admitted([{ name: 'web', image: 'ocm-lab/web:1', readinessProbe: probe() }]);
    expect(plain!.readinessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
  });

  it("does not wait for the controller-manager: takes effect on an API server without one, and leaves no ServiceAccount", async () => {
    // A second control plane without kube-controller-manager: `default` never gets its ServiceAccount, as on a kind hub
    // in the seconds after its node is Ready (the hub's install waited 5 s for it, 2026-12-07).
    const bare = `${NAME}-nokcm`;
    const bareKubeconfig = join(dir, 'bare.yaml');
    const binaries = ['kube-apiserver', 'etcd'].flatMap((b) => [`--${b}-binary`, bin(b)]);
    await kwokctl('create', 'cluster', '--name', bare, '--runtime', 'binary', ...binaries, '--disable', 'kube-controller-manager,kube-scheduler', '--kwok-controller-binary', bin('kwok'), '--kubeconfig', bareKubeconfig, '--wait', '2m');
    try {
      const bareClient = new ClusterClient('bare', bareKubeconfig, `kwok-${bare}`);
      const accounts = () => bareClient.list({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default' });
      expect(await accounts()).toEqual([]);
      expect(await useQuickReadiness(bareClient)).toBe(true);
      expect(await accounts()).toEqual([]);
    } finally {
      await kwokctl('delete', 'cluster', '--name', bare, '--kubeconfig', bareKubeconfig).catch(() => undefined);
    }
  });

  it("the e2e suite's policy gives IfNotPresent to exactly the preloaded images' containers while it is there", async () => {
    const containers = [
      { name: 'busybox', image: 'quay.io/asmacdo/busybox' },
      { name: 'other', image: 'docker.io/library/nginx' },
    ];
    const pullPolicies = async () => (await admitted(containers)).map((c) => (c as Container & { imagePullPolicy?: string }).imagePullPolicy);
    expect(await pullPolicies()).toEqual(['Always', 'Always']);
    const remove = await usePreloadedImages(client, ['quay.io/asmacdo/busybox']);
    expect(await pullPolicies()).toEqual(['IfNotPresent', 'Always']);
    await remove();
    await expect.poll(pullPolicies, { timeout: 30_000, interval: 500 }).toEqual(['Always', 'Always']);
  });
});
