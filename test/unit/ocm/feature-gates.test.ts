import { describe, expect, it } from 'vitest';
import { clusteradmFeatureGates, featureGatesFlag, HUB_FEATURE_GATES, operatorFeatureGates, sameOperatorFeatureGates } from '../../../src/ocm/feature-gates.js';
import { hubProcesses, klusterletProcess, startedAsDefined } from '../../../src/ocm/processes/processes-installer.js';

const hub = (featureGates = {}) => hubProcesses({ hubName: 'hub', hubKubeconfig: '/k/hub.yaml', featureGates, webhookCertDir: '/s/webhooks/serving' });

describe('feature gates', () => {
  it('hands each hub component only the gates it knows', () => {
    const chosen = { ManifestWorkReplicaSet: true, DefaultClusterSet: false };
    expect(featureGatesFlag(HUB_FEATURE_GATES, 'registration', chosen)).toEqual(['--feature-gates=DefaultClusterSet=false']);
    expect(featureGatesFlag(HUB_FEATURE_GATES, 'work', chosen)).toEqual(['--feature-gates=ManifestWorkReplicaSet=true']);
    expect(featureGatesFlag(HUB_FEATURE_GATES, 'addon', chosen)).toEqual([]);
  });

  it('writes the operator lists as clusteradm does: Enable for every gate on, Disable only for a default-on gate turned off', () => {
    expect(operatorFeatureGates(HUB_FEATURE_GATES, 'registration', { ClusterImporter: true, ResourceCleanup: false })).toEqual([
      { feature: 'DefaultClusterSet', mode: 'Enable' },
      { feature: 'ResourceCleanup', mode: 'Disable' },
      { feature: 'ClusterImporter', mode: 'Enable' },
    ]);
    expect(operatorFeatureGates(HUB_FEATURE_GATES, 'work', {})).toEqual([]);
    expect(sameOperatorFeatureGates([{ feature: 'B', mode: 'Enable' }, { feature: 'A', mode: 'Disable' }], [{ feature: 'A', mode: 'Disable' }, { feature: 'B', mode: 'Enable' }])).toBe(true);
    expect(sameOperatorFeatureGates(undefined, [{ feature: 'A', mode: 'Enable' }])).toBe(false);
    expect(clusteradmFeatureGates({})).toEqual([]);
  });
});

describe('hub processes of a local lab', () => {
  it('runs what the cluster-manager operator deploys: webhooks first, add-on manager by default, work manager only with its gates', () => {
    expect(hub().map((p) => p.id)).toEqual(['hub/registration-webhook', 'hub/work-webhook', 'hub/addon-webhook', 'hub/registration', 'hub/placement', 'hub/addon-manager']);
    expect(hub({ ManifestWorkReplicaSet: true }).map((p) => p.id)).toContain('hub/work-manager');
    expect(hub({ AddonManagement: false }).map((p) => p.id)).not.toContain('hub/addon-manager');
  });

  it('serves every webhook on loopback with the lab CA\'s certificate, and passes gates to the components that read them', () => {
    const [registration, work, addon] = hub({ ManifestWorkReplicaSet: true });
    expect(registration!.args('127.0.0.1:4000')).toEqual(['registration', '--kubeconfig=/k/hub.yaml', '--listen=127.0.0.1:4000', '--cert-dir=/s/webhooks/serving']);
    expect(work!.args('127.0.0.1:4001')).toContain('--feature-gates=ManifestWorkReplicaSet=true');
    expect(addon!.args('127.0.0.1:4002')).not.toContainEqual(expect.stringMatching(/feature-gates/));
  });

  it('knows a process started with other gates than the config now asks for', () => {
    const bin = (definition: { binary: string }) => `/tc/bin/${definition.binary}`;
    const definition = hub().find((p) => p.id === 'hub/registration')!;
    const record = { id: definition.id, cluster: 'hub', command: bin(definition), args: definition.args('127.0.0.1:5000'), log: '/l', listen: '127.0.0.1:5000', pid: 1, startedAt: '', identity: 'boot/1' };
    expect(startedAsDefined(record, definition, bin)).toBe(true);
    const changed = hub({ ResourceCleanup: false }).find((p) => p.id === 'hub/registration')!;
    expect(startedAsDefined(record, changed, bin)).toBe(false);
  });

  it('gives the klusterlet agent the registration and work gates of the agent side', () => {
    const agent = klusterletProcess({ cluster: 'c1', kubeconfig: '/k/c1', bootstrapKubeconfig: '/b', hubKubeconfigDir: '/h', featureGates: { RawFeedbackJsonString: true, ClusterClaim: false } });
    expect(agent.args('127.0.0.1:1')).toContain('--feature-gates=ClusterClaim=false,RawFeedbackJsonString=true');
  });
});
