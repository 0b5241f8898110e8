import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeKubeconfigs, renderKubeconfig } from '../../../src/kube/kubeconfig.js';

const cert = renderKubeconfig({ name: 'lab-hub', server: 'https://127.0.0.1:6443', certificateAuthorityData: 'Q0E=', credentials: { clientCertificateData: 'Q0VSVA==', clientKeyData: 'S0VZ' } });
const token = renderKubeconfig({ name: 'lab-c1', server: 'https://127.0.0.1:7443', certificateAuthorityData: 'Q0E=', credentials: { token: 'abc.def' } });

describe('renderKubeconfig', () => {
  it('is a self-contained kubeconfig client-node (like kubectl) loads, with one named context', () => {
    const kc = new KubeConfig();
    kc.loadFromString(cert);
    expect(kc.getCurrentContext()).toBe('lab-hub');
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://127.0.0.1:6443', caData: 'Q0E=' });
    expect(kc.getCurrentUser()).toMatchObject({ certData: 'Q0VSVA==', keyData: 'S0VZ' });
  });

  it('carries a token for token credentials', () => {
    const kc = new KubeConfig();
    kc.loadFromString(token);
    expect(kc.getCurrentUser()?.token).toBe('abc.def');
  });

  it('merges contexts and keeps the chosen current context', () => {
    const merged = parse(mergeKubeconfigs([cert, token], 'lab-hub')) as { contexts: { name: string }[]; 'current-context': string };
    expect(merged.contexts.map((c) => c.name)).toEqual(['lab-hub', 'lab-c1']);
    expect(merged['current-context']).toBe('lab-hub');
  });
});
