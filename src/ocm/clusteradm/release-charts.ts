import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ClusterClient } from '../../kube/cluster-client.js';
import type { Condition } from '../resources.js';
import { waitServed, type Crd } from '../../kube/crd-served.js';
import { run } from '../../process/run.js';

/**
 * clusteradm renders the cluster-manager and klusterlet charts of the OCM it is built with (v1.2.0 here), whatever
 * `--bundle-version` says: the images follow that flag, the RBAC and CRDs do not, and an older release's operator
 * then lacks permissions it needs. For another release the lab renders that release's own charts, with the values
 * `clusteradm init` and `clusteradm join` set, and applies what they render as clusteradm does: CRDs first.
 */

/** The namespace clusteradm installs both operators in. */
export const OPERATOR_NAMESPACE = 'open-cluster-management';
const REGISTRY = 'quay.io/open-cluster-management';
const HELM_TIMEOUT_MS = 60_000;
const CRD_TIMEOUT_MS = 120_000;
const FIELD_MANAGER = 'clusteradm';

/** One component's part of an operator CR's spec, as the lab sets it (feature gates, the work status sync). */
export type ComponentSettings = object;

function images(version: string): object {
  return { registry: REGISTRY, tag: version, imageCredentials: { createImageCredentials: true } };
}

/** The values of `clusteradm init`: three operator replicas, the bootstrap service account, CSR registration. */
export function clusterManagerValues(version: string, settings: { registrationConfiguration: ComponentSettings; workConfiguration: ComponentSettings; addOnManagerConfiguration: ComponentSettings }): object {
  return {
    replicaCount: 3,
    images: images(version),
    createBootstrapSA: true,
    createBootstrapToken: false,
    clusterManager: {
      create: true,
      mode: 'Default',
      registrationConfiguration: { ...settings.registrationConfiguration, registrationDrivers: [{ authType: 'csr' }] },
      workConfiguration: { workDriver: 'kube', ...settings.workConfiguration },
      addOnManagerConfiguration: settings.addOnManagerConfiguration,
    },
  };
}

/** The values of `clusteradm join` (Default mode): the klusterlet named klusterlet, its agents in open-cluster-management-agent. */
export function klusterletChartValues(
  version: string,
  options: { clusterName: string; bootstrapKubeconfig: string; registrationConfiguration: ComponentSettings; workConfiguration: ComponentSettings },
): object {
  return {
    replicaCount: 1,
    images: images(version),
    bootstrapHubKubeConfig: options.bootstrapKubeconfig,
    klusterlet: {
      create: true,
      mode: 'Default',
      name: 'klusterlet',
      clusterName: options.clusterName,
      namespace: 'open-cluster-management-agent',
      resourceRequirement: { type: 'Default' },
      registrationConfiguration: options.registrationConfiguration,
      workConfiguration: options.workConfiguration,
    },
  };
}

/** `helm template` of a chart folder, CRDs included; the values go in on stdin (they hold a bootstrap token). */
export async function renderChart(helm: string, chart: string, release: string, values: object, secrets: string[], signal?: AbortSignal): Promise<KubernetesObject[]> {
  const args = ['template', release, chart, '--namespace', OPERATOR_NAMESPACE, '--include-crds', '--values', '-'];
  const out = await run(helm, args, { input: JSON.stringify(values), timeoutMs: HELM_TIMEOUT_MS, secrets, signal });
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => !!object?.kind);
}

const isCrd = (object: KubernetesObject) => object.kind === 'CustomResourceDefinition';

/**
 * Applies a rendered chart as clusteradm does: the operator namespace, then the CRDs (until established and served),
 * then the rest in the chart's order.
 */
export async function applyChart(client: ClusterClient, objects: KubernetesObject[], signal?: AbortSignal): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } }, { fieldManager: FIELD_MANAGER, signal });
  const crds = objects.filter(isCrd) as Crd[];
  for (const crd of crds) await client.apply(crd, { fieldManager: FIELD_MANAGER, signal });
  for (const crd of crds) await waitEstablished(client, crd, signal);
  for (const object of objects.filter((o) => !isCrd(o))) await client.apply(object, { fieldManager: FIELD_MANAGER, signal });
}

/** Until the CRD is established and discovery lists its kind. */
async function waitEstablished(client: ClusterClient, crd: Crd, signal?: AbortSignal): Promise<void> {
  const name = crd.metadata!.name!;
  await client.waitFor<Crd & { status?: { conditions?: Condition[] } }, true>(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
    ([found]) => (found?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined),
    { timeoutMs: CRD_TIMEOUT_MS, description: `CRD ${name} on ${client.cluster} to be established`, signal },
  );
  await waitServed(client, [crd], signal);
}
