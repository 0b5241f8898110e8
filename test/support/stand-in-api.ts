// A stand-in API server for unit tests of our own client logic only (never of Kubernetes or OCM behaviour):
// an HTTP server on 127.0.0.1 and a kubeconfig that points at it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StandInApi {
  kubeconfig: string;
  close(): void;
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startStandInApi(handle: (req: IncomingMessage, res: ServerResponse, url: URL) => void): Promise<StandInApi> {
  const server = createServer((req, res) => handle(req, res, new URL(req.url!, 'http://x')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-stand-in-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: fake, user: {token: t}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\ncurrent-context: fake\n`,
  );
  return {
    kubeconfig,
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
