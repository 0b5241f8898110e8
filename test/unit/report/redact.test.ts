import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/report/redact.js';

describe('redactSecrets', () => {
  it('removes PEM blocks, tokens and credential fields, and leaves the rest of the text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const text = [
      'kubelet started',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA',
      '-----END RSA PRIVATE KEY-----',
      `Authorization: Bearer ${jwt}`,
      'join --token abcdef.0123456789abcdef',
      '    client-key-data: TUlJRW93SUJBQUtDQVFFQXNlY3JldA==',
      '  request: TUlJQ3lqQ0NBYklDQVFBd2dZUXhFekFS',
      'pod web Running',
    ].join('\n');
    const redacted = redactSecrets(text);
    expect(redacted).not.toMatch(/PRIVATE KEY|MIIEow/);
    expect(redacted).not.toContain(jwt);
    expect(redacted).not.toContain('abcdef.0123456789abcdef');
    expect(redacted).not.toContain('TUlJRW93');
    expect(redacted).not.toMatch(/^\s+request: TUlJ/m);
    expect(redacted).toContain('kubelet started');
    expect(redacted).toContain('pod web Running');
    expect(redacted).toContain('client-key-data: <redacted>');
  });

  it('removes what OCM and Kubernetes component logs carry: token flags, opaque bearer tokens, base64 PEM, JSON credential fields', () => {
    const opaque = 'sha256~Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5';
    const keyBase64 = Buffer.from('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBbad\n-----END EC PRIVATE KEY-----\n').toString('base64');
    const text = [
      'I0101 FLAG: --hub-token="s3cr3t-hub-token-value"',
      'clusteradm join --hub-token s3cr3t-hub-token-value --hub-apiserver https://127.0.0.1:6443',
      'I0101 FLAG: --service-account-extend-token-expiration="true"',
      `GET /api Authorization: Bearer ${opaque}`,
      `  tls.key: ${keyBase64}`,
      '{"kind":"Config","users":[{"user":{"token":"abcdefghijklmnopqrstuvwxyz012345","password":"hunter2hunter2hunter2"}}]}',
    ].join('\n');
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain('s3cr3t');
    expect(redacted).not.toContain(opaque);
    expect(redacted).not.toContain(keyBase64.slice(0, 20));
    expect(redacted).not.toContain('abcdefghijklmnop');
    expect(redacted).not.toContain('hunter2');
    expect(redacted).toContain('--hub-apiserver https://127.0.0.1:6443');
    expect(redacted).toContain('--service-account-extend-token-expiration="true"');
    expect(redacted).toContain('Authorization: Bearer <redacted>');
  });

  it('leaves a token flag already redacted as a JWT readable', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(redactSecrets(`--hub-token=${jwt} --cluster-name c1`)).toBe('--hub-token=<redacted token> --cluster-name c1');
  });
});
