// `clusteradm accept` approves a cluster's CSR and sets hubAcceptsClient in one go. OCM's docs also give the two steps
// apart (`kubectl certificate approve`, then hubAcceptsClient), which lets something happen between them: the lab
// approves first only to let the klusterlet operator look at the agent's new credentials before the hub grants them
// anything (see ./clusteradm/hub-connection-recheck.ts). It approves exactly what clusteradm would.
import type { ClusterClient } from '../kube/cluster-client.js';
import { csrRequester } from './csr-requester.js';
import { isCsrPending, type CertificateSigningRequest } from './resources.js';

/** The identities clusteradm accept approves CSRs of: OCM's bootstrap token users and service accounts. */
const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
const BOOTSTRAP_USERS = ['system:serviceaccount:open-cluster-management:agent-registration-bootstrap', 'system:serviceaccount:open-cluster-management-hub:grpc-server-sa'];
const BOOTSTRAP_GROUPS = ['system:bootstrappers:managedcluster', 'system:serviceaccounts:open-cluster-management', 'system:serviceaccounts:open-cluster-management-hub'];

function fromAgentBootstrap(csr: CertificateSigningRequest): boolean {
  const user = csr.spec?.username ?? '';
  const groups = csr.spec?.groups ?? [];
  return (user.startsWith(BOOTSTRAP_USER_PREFIX) || BOOTSTRAP_USERS.includes(user)) && BOOTSTRAP_GROUPS.some((g) => groups.includes(g));
}

/** Whether the cluster's pending CSRs come from exactly one agent identity the lab can read. */
export function oneAgentAsking(csrs: CertificateSigningRequest[]): boolean {
  const asking = new Set(csrs.filter(isCsrPending).map(csrRequester));
  return asking.size === 1 && !asking.has(undefined);
}

/**
 * The CSRs the lab may approve for a joining cluster: its pending ones, when every one was sent by an agent
 * bootstrapping and one agent identity asks. Anything else (two agents asking for one name, say) is left to
 * clusteradm, which refuses it with its own message.
 */
export function approvableCsrs(csrs: CertificateSigningRequest[]): CertificateSigningRequest[] {
  const pending = csrs.filter(isCsrPending);
  return oneAgentAsking(csrs) && pending.every(fromAgentBootstrap) ? pending : [];
}

/** Approves a CSR through its approval subresource, as `kubectl certificate approve` does. */
export async function approveCsr(hub: ClusterClient, csr: CertificateSigningRequest, signal?: AbortSignal): Promise<void> {
  const approved = {
    type: 'Approved',
    status: 'True',
    reason: 'OcmLabApprove',
    message: 'This CSR was approved by ocm-lab, just before clusteradm accept.',
    lastUpdateTime: new Date().toISOString(),
  };
  await hub.replaceSubresource({ ...csr, status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), approved] } }, 'approval', signal);
}
