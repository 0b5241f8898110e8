import type { KubernetesObject } from '@kubernetes/client-node';

/** Which of the webhook servers serves a registration: the one OCM's cluster-manager operator would route it to. */
export type WebhookServerName = 'registration' | 'work' | 'addon';

interface AdmissionWebhook {
  server: WebhookServerName;
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  /** The configuration's name, which is also its one webhook's name (as the operator names them). */
  name: string;
  path: string;
  apiGroup: string;
  apiVersions: string[];
  resource: string;
}

/**
 * The admission webhooks the cluster-manager operator of OCM v1.2.0 registers
 * (manifests/cluster-manager/hub/{registration,work}/webhook-*configuration.yaml), with the same names,
 * paths, rules and settings; only the client config differs: a URL on 127.0.0.1 instead of a Service.
 */
export const ADMISSION_WEBHOOKS: readonly AdmissionWebhook[] = [
  {
    server: 'registration',
    kind: 'ValidatingWebhookConfiguration',
    name: 'managedclustervalidators.admission.cluster.open-cluster-management.io',
    path: '/validate-cluster-open-cluster-management-io-v1-managedcluster',
    apiGroup: 'cluster.open-cluster-management.io',
    apiVersions: ['*'],
    resource: 'managedclusters',
  },
  {
    server: 'registration',
    kind: 'MutatingWebhookConfiguration',
    name: 'managedclustermutators.admission.cluster.open-cluster-management.io',
    path: '/mutate-cluster-open-cluster-management-io-v1-managedcluster',
    apiGroup: 'cluster.open-cluster-management.io',
    apiVersions: ['*'],
    resource: 'managedclusters',
  },
  {
    server: 'registration',
    kind: 'ValidatingWebhookConfiguration',
    name: 'managedclustersetbindingvalidators.admission.cluster.open-cluster-management.io',
    path: '/validate-cluster-open-cluster-management-io-v1beta2-managedclustersetbinding',
    apiGroup: 'cluster.open-cluster-management.io',
    apiVersions: ['v1beta2'],
    resource: 'managedclustersetbindings',
  },
  {
    server: 'work',
    kind: 'ValidatingWebhookConfiguration',
    name: 'manifestworkvalidators.admission.work.open-cluster-management.io',
    path: '/validate-work-open-cluster-management-io-v1-manifestwork',
    apiGroup: 'work.open-cluster-management.io',
    apiVersions: ['*'],
    resource: 'manifestworks',
  },
];

/** The CRDs whose versions the add-on webhook server converts (v1alpha1 stored, v1beta1 served), at /convert. */
export const CONVERTED_CRDS = ['clustermanagementaddons.addon.open-cluster-management.io', 'managedclusteraddons.addon.open-cluster-management.io'] as const;

/** The webhook configurations, as `down` finds them to remove them. */
export const ADMISSION_WEBHOOK_REFS = ADMISSION_WEBHOOKS.map((webhook) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: webhook.kind, name: webhook.name }));

/** The webhook configuration objects for the servers listening at `listen` (127.0.0.1:port, by server). */
export function admissionWebhookObjects(listen: Partial<Record<WebhookServerName, string>>, caBundle: string): KubernetesObject[] {
  return ADMISSION_WEBHOOKS.filter((webhook) => listen[webhook.server]).map((webhook) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: webhook.kind,
    metadata: { name: webhook.name },
    webhooks: [
      {
        name: webhook.name,
        clientConfig: { url: `https://${listen[webhook.server]!}${webhook.path}`, caBundle },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [webhook.apiGroup], apiVersions: webhook.apiVersions, resources: [webhook.resource] }],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1beta1', 'v1'],
        timeoutSeconds: 10,
      },
    ],
  }) as KubernetesObject);
}

/** The `spec.conversion` of each converted CRD, as a partial CRD to apply over the installed one. */
export function conversionPatches(addonListen: string, caBundle: string): KubernetesObject[] {
  return CONVERTED_CRDS.map((name) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: { clientConfig: { url: `https://${addonListen}/convert`, caBundle }, conversionReviewVersions: ['v1', 'v1beta1'] },
      },
    },
  }) as KubernetesObject);
}
