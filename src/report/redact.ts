/**
 * Removes credentials from text collected for a diagnostics bundle (process, pod and node logs, pod
 * descriptions): PEM blocks and base64-encoded ones (a Secret's `tls.key`), JSON web tokens (service account
 * and TokenRequest tokens), kubeadm bootstrap tokens, bearer tokens, the values of token and password flags
 * (`--hub-token=…`, `--token …`), and of kubeconfig credential and CSR request/certificate fields.
 */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
/** "-----BEGIN" in base64, at any of the three alignments a base64 text can start at. */
const BASE64_PEM = /(?:LS0tLS1CRUdJT|0tLS0tQkVHSU|tLS0tLUJFR0lO)[A-Za-z0-9+/=]*/g;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const BOOTSTRAP_TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g;
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
/** A command-line flag whose value is a credential, separated by `=` or a space, quoted or not. */
const CREDENTIAL_FLAG = /(--[A-Za-z0-9-]*(?:token|password|passwd)[A-Za-z0-9-]*(?:=|\s+)["']?)(?![-<]|(?:true|false)\b)[^\s"',]{4,}/gi;
const CREDENTIAL_FIELD = /((?:client-key-data|client-certificate-data|token|password|request|certificate)["']?\s*[:=]\s*["']?)[A-Za-z0-9+/=._-]{16,}/gi;

export function redactSecrets(text: string): string {
  return text
    .replace(PEM_BLOCK, '<redacted PEM block>')
    .replace(BASE64_PEM, '<redacted PEM block>')
    .replace(JWT, '<redacted token>')
    .replace(BOOTSTRAP_TOKEN, '<redacted bootstrap token>')
    .replace(BEARER, '$1<redacted>')
    .replace(CREDENTIAL_FLAG, '$1<redacted>')
    .replace(CREDENTIAL_FIELD, '$1<redacted>');
}
