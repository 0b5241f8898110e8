import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  body: string;
  /** The Retry-After header (seconds), where the server sent one. */
  retryAfter?: string;
}

/**
 * One HTTP request to the kubeconfig's current cluster, with its credentials, bytes in and out
 * untouched, a deadline on the whole request and a signal that cancels it (client-node's own requests cannot be cancelled).
 */
export async function rawRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  options: { body?: string; contentType?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<RawResponse> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no current cluster');
  const url = new URL(path, server);
  const request: RequestOptions = {
    method,
    signal: options.signal,
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers: {
      accept: 'application/json',
      ...(options.body !== undefined && { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(options.body) }),
    },
  };
  await kc.applyToHTTPSOptions(request);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const req = send(request, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(retryAfter && { retryAfter }) });
      });
      res.on('error', reject);
    });
    if (options.timeoutMs) {
      // ETIMEDOUT, as Node's own socket errors name it, so a caller can tell "no answer" from other failures.
      const noAnswer = () => Object.assign(new Error(`${method} ${url.origin}${url.pathname}: no answer within ${options.timeoutMs! / 1000}s`), { code: 'ETIMEDOUT' });
      timer = setTimeout(() => req.destroy(noAnswer()), options.timeoutMs);
    }
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(options.body);
  });
}
