import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pollUntil } from './poll.js';

/** 'refused': nothing listens there; 'silent': no answer in time, or not in a protocol we speak. */
type Answer = 'ok' | 'not ok' | 'refused' | 'silent';

/**
 * How long a health check gives a server that is slow or briefly failing (a loaded machine: a local lab's
 * kube-controller-manager missed the 2 s of one request in CI, 2026-12-06, and `up` called it stopped).
 */
const SERVES_WITHIN_MS = 15_000;
const ATTEMPT_TIMEOUT_MS = 5_000;
const ATTEMPT_INTERVAL_MS = 500;

/**
 * GET <listen><path> answers 200, over TLS (self-signed certificates accepted: loopback only)
 * or, when the server speaks plain HTTP, over HTTP.
 */
export async function httpOk(listen: string, path: string, timeoutMs = 2000): Promise<boolean> {
  return (await ask(listen, path, timeoutMs)) === 'ok';
}

/**
 * Whether the server serves, for a health check: GET <listen><path> answers 200 within `withinMs`, asked again while it
 * is slow or answers otherwise; a refused connection is an answer at once.
 */
export async function httpServes(listen: string, path: string, withinMs = SERVES_WITHIN_MS): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  const answer = await pollUntil(
    () => ask(listen, path, Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()))),
    (a) => a === 'ok' || a === 'refused',
    { timeoutMs: withinMs, intervalMs: ATTEMPT_INTERVAL_MS },
  );
  return answer.value === 'ok';
}

async function ask(listen: string, path: string, timeoutMs: number): Promise<Answer> {
  const tls = await probe(true, listen, path, timeoutMs);
  return tls === 'silent' ? probe(false, listen, path, timeoutMs) : tls;
}

function probe(tls: boolean, listen: string, path: string, timeoutMs: number): Promise<Answer> {
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
