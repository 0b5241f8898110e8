// OCM's e2e suite names some images without a tag (quay.io/asmacdo/busybox), so Kubernetes defaults their pods'
// pull policy to Always, and a kubelet that cannot reach the registry fails them even with the image loaded. For the
// run, a MutatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.36) on the suite's managed
// cluster sets IfNotPresent on exactly those containers. Nothing else is changed: the Deployments and Jobs the suite
// checks keep their specs; only their pods are admitted with the other policy.
import type { KubernetesObject } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { ClusterClient } from '../../src/kube/cluster-client.js';
import { sleep } from '../../src/process/abort.js';

const NAME = 'ocm-lab-e2e-preloaded-images';
const POLICY = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingAdmissionPolicy', name: NAME };
const BINDING = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingAdmissionPolicyBinding', name: NAME };

function policy(prefixes: string[]): KubernetesObject {
  const preloaded = `(${prefixes.map((p) => `c.image.startsWith('${p}')`).join(' || ')})`;
  return {
    apiVersion: POLICY.apiVersion,
    kind: POLICY.kind,
    metadata: { name: NAME },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
      matchConditions: [{ name: 'preloaded-image', expression: `object.spec.containers.exists(c, ${preloaded})` }],
      failurePolicy: 'Fail',
      reinvocationPolicy: 'Never',
      mutations: [
        {
          patchType: 'ApplyConfiguration',
          applyConfiguration: {
            expression: `Object{spec: Object.spec{containers: object.spec.containers.filter(c, ${preloaded}).map(c, Object.spec.containers{name: c.name, imagePullPolicy: 'IfNotPresent'})}}`,
          },
        },
      ],
    },
  } as KubernetesObject;
}

/** The pull policy the API server gives a pod of that image now (a server-side dry run: nothing is created). */
async function admittedPullPolicy(kubectl: string, cluster: ClusterClient, image: string): Promise<string> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${NAME}-probe`, namespace: 'default' }, spec: { containers: [{ name: 'probe', image }] } };
  const { stdout } = await execa(kubectl, ['--kubeconfig', cluster.kubeconfigPath, 'create', '--dry-run=server', '-o', 'jsonpath={.spec.containers[0].imagePullPolicy}', '-f', '-'], {
    input: JSON.stringify(pod),
  });
  return stdout.trim();
}

/**
 * Applies the policy for images whose names start with one of the prefixes, and waits until the API server admits a
 * pod of the first one with IfNotPresent (policies take effect a moment after they are stored). Returns what removes it.
 */
export async function usePreloadedImages(kubectl: string, cluster: ClusterClient, prefixes: string[]): Promise<() => Promise<void>> {
  const remove = async () => {
    await cluster.delete(BINDING);
    await cluster.delete(POLICY);
  };
  await cluster.apply(policy(prefixes));
  await cluster.apply({ apiVersion: BINDING.apiVersion, kind: BINDING.kind, metadata: { name: NAME }, spec: { policyName: NAME } } as KubernetesObject);
  let admitted = '';
  for (let i = 0; i < 60 && admitted !== 'IfNotPresent'; i++) {
    if (i) await sleep(500);
    admitted = await admittedPullPolicy(kubectl, cluster, prefixes[0]!);
  }
  if (admitted !== 'IfNotPresent') {
    await remove();
    throw new Error(`the MutatingAdmissionPolicy ${NAME} on ${cluster.cluster} did not take effect within 30 s (a pod of ${prefixes[0]} is admitted with pull policy ${admitted})`);
  }
  return remove;
}
