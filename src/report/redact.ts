/**
 * Removes credentials from text collected for a diagnostics bundle (node journals, pod logs, inspect output):
 * PEM blocks, JSON web tokens (service account and TokenRequest tokens), kubeadm bootstrap tokens, and the
 * values of kubeconfig credential fields and CSR request/certificate fields.
 */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const BOOTSTRAP_TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g;
const CREDENTIAL_FIELD = /((?:client-key-data|client-certificate-data|token|request|certificate)["']?\s*[:=]\s*["']?)[A-Za-z0-9+/=._-]{16,}/g;

export function redactSecrets(text: string): string {
  return text
    .replace(PEM_BLOCK, '<redacted PEM block>')
    .replace(JWT, '<redacted token>')
    .replace(BOOTSTRAP_TOKEN, '<redacted bootstrap token>')
    .replace(CREDENTIAL_FIELD, '$1<redacted>');
}
