import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { approveEveryRequester } from '../../../src/ocm/accept.js';
import type { CertificateSigningRequest } from '../../../src/ocm/resources.js';

// Our own decision only. The request is an agent-style CSR (fixtures/csr), so each stands for an agent identity.
const agentRequest = Buffer.from(readFileSync('fixtures/csr/agent-ecdsa.csr')).toString('base64');
const otherRequest = 'bm90IGEgY3Ny'; // unreadable: an identity we cannot tell
const csr = (state: 'Approved' | 'pending', request = agentRequest): CertificateSigningRequest => ({
  spec: { request },
  status: state === 'pending' ? {} : { conditions: [{ type: state, status: 'True' }] },
});

describe('approveEveryRequester', () => {
  it("approves one agent's CSR beside the approved CSRs of the agents before it (a cluster deleted and joined again)", () => {
    expect(approveEveryRequester([csr('Approved', otherRequest), csr('pending')], false)).toBe(true);
  });

  it('leaves clusteradm its check when no agent, or more than one, is asking', () => {
    expect(approveEveryRequester([csr('Approved')], false)).toBe(false);
    expect(approveEveryRequester([csr('pending'), csr('pending', otherRequest)], false)).toBe(false);
    expect(approveEveryRequester([csr('pending', otherRequest)], false)).toBe(false);
  });

  it('approves whoever asks for an accepted cluster asking again', () => {
    expect(approveEveryRequester([csr('pending'), csr('pending', otherRequest)], true)).toBe(true);
  });
});
