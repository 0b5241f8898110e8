import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { writePrivateFile } from '../../fs/private-files.js';

const VALID_DAYS = 365;
/** A certificate this close to its end is made anew, so a lab left running keeps working. */
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;
const WEBHOOK_HOST = '127.0.0.1';

/** What the webhook servers and their registrations need: the folder with tls.crt/tls.key, and the CA that signed it. */
export interface WebhookCerts {
  certDir: string;
  /** PEM of the lab's webhook CA, base64-encoded as `caBundle` fields take it. */
  caBundle: string;
}

interface KeyPair {
  certificate: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function newKeyPair(subject: string, issuer: KeyPair | undefined, extensions: object[]): KeyPair {
  // Node generates the key natively; forge only writes the certificate.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `01${randomBytes(15).toString('hex')}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + VALID_DAYS * DAY_MS);
  const name = [{ name: 'commonName', value: subject }];
  certificate.setSubject(name);
  certificate.setIssuer(issuer ? issuer.certificate.subject.attributes : name);
  certificate.setExtensions(extensions);
  certificate.sign(issuer?.key ?? key, forge.md.sha256.create());
  return { certificate, key };
}

function stillValid(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return new Date(new X509Certificate(readFileSync(path)).validTo).getTime() - Date.now() > RENEW_BEFORE_DAYS * DAY_MS;
  } catch {
    return false;
  }
}

/** Where ensureWebhookCerts(dir) puts tls.crt and tls.key. */
export const servingCertDir = (dir: string) => join(dir, 'serving');

/**
 * The lab's webhook CA and one serving certificate for 127.0.0.1, under `dir` (0600 files in 0700 folders),
 * made on first use and made anew when missing, unreadable or close to expiry. The API server trusts the
 * CA through each registration's caBundle; nothing else does.
 */
export function ensureWebhookCerts(dir: string): WebhookCerts {
  const caPath = join(dir, 'ca.crt');
  const certDir = servingCertDir(dir);
  const certPath = join(certDir, 'tls.crt');
  if (!stillValid(caPath) || !stillValid(certPath)) {
    const ca = newKeyPair('ocm-lab webhook CA', undefined, [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ]);
    const serving = newKeyPair(WEBHOOK_HOST, ca, [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: WEBHOOK_HOST }] },
    ]);
    writePrivateFile(join(certDir, 'tls.key'), forge.pki.privateKeyToPem(serving.key));
    writePrivateFile(certPath, forge.pki.certificateToPem(serving.certificate));
    writePrivateFile(caPath, forge.pki.certificateToPem(ca.certificate));
  }
  return { certDir, caBundle: Buffer.from(readFileSync(caPath)).toString('base64') };
}
