import forge from 'node-forge';
import type { CertificateSigningRequest } from './resources.js';

const COMMON_NAME_OID = forge.pki.oids.commonName!;

/**
 * The agent identity that asks in a CSR: the common name of its request (`system:open-cluster-management:<cluster>:
 * <agent>`), which clusteradm accept compares across a cluster's CSRs. Read from the DER, because the agents' keys
 * are ECDSA, which node-forge's CSR parser refuses. Undefined when the request cannot be read.
 */
export function csrRequester(csr: CertificateSigningRequest): string | undefined {
  const request = csr.spec?.request;
  if (!request) return undefined;
  try {
    const pem = Buffer.from(request, 'base64').toString('utf8');
    const der = forge.pem.decode(pem).find((block) => block.type === 'CERTIFICATE REQUEST')?.body;
    if (!der) return undefined;
    // CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE { version, subject Name, ... }, ... }
    const info = (forge.asn1.fromDer(der).value as forge.asn1.Asn1[])[0]!;
    const subject = (info.value as forge.asn1.Asn1[])[1]!;
    for (const rdn of subject.value as forge.asn1.Asn1[]) {
      for (const attribute of rdn.value as forge.asn1.Asn1[]) {
        const [oid, value] = attribute.value as forge.asn1.Asn1[];
        if (forge.asn1.derToOid(oid!.value as string) === COMMON_NAME_OID) return value!.value as string;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
