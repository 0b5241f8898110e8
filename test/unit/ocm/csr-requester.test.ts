import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csrRequester } from '../../../src/ocm/csr-requester.js';

// An agent-style CSR (ECDSA P-256 key, as OCM's registration agent makes), generated once with openssl.
const request = Buffer.from(readFileSync('fixtures/csr/agent-ecdsa.csr')).toString('base64');

describe('csrRequester', () => {
  it("reads the agent identity from an ECDSA request's subject", () => {
    expect(csrRequester({ spec: { request } })).toBe('system:open-cluster-management:cluster1:x2bgl');
  });

  it('gives undefined for a missing or unreadable request', () => {
    expect(csrRequester({ spec: {} })).toBeUndefined();
    expect(csrRequester({ spec: { request: Buffer.from('not a csr').toString('base64') } })).toBeUndefined();
  });
});
