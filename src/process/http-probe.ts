import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * GET <listen><path> answers 200, over TLS (self-signed certificates accepted: loopback only)
 * or, when the server speaks plain HTTP, over HTTP.
 */
export async function httpOk(listen: string, path: string, timeoutMs = 2000): Promise<boolean> {
  return (await probe(true, listen, path, timeoutMs)) ?? (await probe(false, listen, path, timeoutMs)) ?? false;
}

/** true/false for an answer, undefined when the protocol did not fit or nothing answered. */
function probe(tls: boolean, listen: string, path: string, timeoutMs: number): Promise<boolean | undefined> {
  const [host, port] = listen.split(':');
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send({ host, port: Number(port), path, method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
