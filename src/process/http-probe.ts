import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { answersWithin, type ProbeAnswer } from './ask-again.js';

/**
 * GET <listen><path> answers 200, over TLS (self-signed certificates accepted: loopback only)
 * or, when the server speaks plain HTTP, over HTTP.
 */
export async function httpOk(listen: string, path: string, timeoutMs = 2000): Promise<boolean> {
  return (await ask(listen, path, timeoutMs)) === 'ok';
}

/** Whether the server serves, for a health check: GET <listen><path> answers 200 within `withinMs` (answersWithin). */
export function httpServes(listen: string, path: string, withinMs?: number): Promise<boolean> {
  return answersWithin((timeoutMs) => ask(listen, path, timeoutMs), { withinMs });
}

/** What one request heard; 'silent': no answer in time, or not in a protocol it speaks (then plain HTTP is tried). */
type Heard = 'ok' | 'not ok' | 'refused' | 'silent';

async function ask(listen: string, path: string, timeoutMs: number): Promise<ProbeAnswer> {
  let heard = await probe(true, listen, path, timeoutMs);
  if (heard === 'silent') heard = await probe(false, listen, path, timeoutMs);
  return heard === 'ok' || heard === 'refused' ? heard : 'other';
}

function probe(tls: boolean, listen: string, path: string, timeoutMs: number): Promise<Heard> {
  const [host, port] = listen.split(':');
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send({ host, port: Number(port), path, method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 'ok' : 'not ok');
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'silent'));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
