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
});
