// OCM's e2e suite names some images without a tag (quay.io/asmacdo/busybox), so Kubernetes defaults their pods'
// pull policy to Always, and a kubelet that cannot reach the registry fails them even with the image loaded. For the
// run, a MutatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.36) on the suite's managed
// cluster sets IfNotPresent on exactly those containers. Nothing else is changed: the Deployments and Jobs the suite
// checks keep their specs; only their pods are admitted with the other policy.
import type { ClusterClient } from '../../src/kube/cluster-client.js';
import { ADMISSION_API, admittedContainer, podMutatingPolicy } from '../../src/kube/pod-admission-policy.js';
import { sleep } from '../../src/process/abort.js';

const NAME = 'ocm-lab-e2e-preloaded-images';

function policy(prefixes: string[]) {
  const preloaded = `(${prefixes.map((p) => `c.image.startsWith('${p}')`).join(' || ')})`;
  return podMutatingPolicy(NAME, {
    condition: `object.spec.containers.exists(c, ${preloaded})`,
    applyConfiguration: `Object{spec: Object.spec{containers: object.spec.containers.filter(c, ${preloaded}).map(c, Object.spec.containers{name: c.name, imagePullPolicy: 'IfNotPresent'})}}`,
    failurePolicy: 'Fail',
  });
}

/**
 * Applies the policy for images whose names start with one of the prefixes, and waits until the API server admits a
 * pod of the first one with IfNotPresent (policies take effect a moment after they are stored). Returns what removes it.
 */
export async function usePreloadedImages(cluster: ClusterClient, prefixes: string[]): Promise<() => Promise<void>> {
  const objects = policy(prefixes);
  const remove = async () => {
    for (const object of [...objects].reverse()) await cluster.delete({ apiVersion: ADMISSION_API, kind: object.kind!, name: NAME });
  };
  for (const object of objects) await cluster.apply(object);
  let admitted: string | undefined;
  for (let i = 0; i < 60 && admitted !== 'IfNotPresent'; i++) {
    if (i) await sleep(500);
    admitted = (await admittedContainer(cluster, `${NAME}-probe`, [{ name: 'probe', image: prefixes[0]! }]))?.imagePullPolicy;
  }
  if (admitted !== 'IfNotPresent') {
    await remove();
    throw new Error(`the MutatingAdmissionPolicy ${NAME} on ${cluster.cluster} did not take effect within 30 s (a pod of ${prefixes[0]} is admitted with pull policy ${admitted})`);
  }
  return remove;
}
