import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureWebhookCerts } from '../../../src/ocm/processes/webhook-certs.js';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-webhook-certs-'));
  dirs.push(dir);
  return join(dir, 'webhooks');
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the webhook certificates of a local lab', () => {
  it('serve 127.0.0.1 under a CA that only the caBundle carries: private files, and no CA key kept', () => {
    const dir = scratch();
    const certs = ensureWebhookCerts(dir);
    const ca = new X509Certificate(Buffer.from(certs.caBundle, 'base64'));
    const serving = new X509Certificate(readFileSync(join(certs.certDir, 'tls.crt')));
    expect(ca.ca).toBe(true);
    expect(serving.checkIssued(ca) && serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(serving.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(['ca.crt', 'serving', 'serving/tls.crt', 'serving/tls.key']);
    for (const file of ['ca.crt', 'serving/tls.crt', 'serving/tls.key']) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);
    for (const folder of [dir, certs.certDir]) expect(statSync(folder).mode & 0o777, folder).toBe(0o700);
  });

  it('are kept while valid, and made anew when unreadable', () => {
    const dir = scratch();
    const first = ensureWebhookCerts(dir);
    const certificate = readFileSync(join(first.certDir, 'tls.crt'), 'utf8');
    expect(ensureWebhookCerts(dir).caBundle).toBe(first.caBundle);
    expect(readFileSync(join(first.certDir, 'tls.crt'), 'utf8')).toBe(certificate);

    writeFileSync(join(first.certDir, 'tls.crt'), 'not a certificate');
    const renewed = ensureWebhookCerts(dir);
    expect(renewed.caBundle).not.toBe(first.caBundle);
    expect(existsSync(join(renewed.certDir, 'tls.key'))).toBe(true);
    expect(new X509Certificate(readFileSync(join(renewed.certDir, 'tls.crt'))).checkIssued(new X509Certificate(Buffer.from(renewed.caBundle, 'base64')))).toBe(true);
  });
});
