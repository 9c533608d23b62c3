// One HTTP exchange, no auth and no redirects: the body is read under a hard byte cap, and the whole
// exchange under a deadline and the caller's AbortSignal, so no server can hang us or fill our memory.
import http from 'node:http';
import https from 'node:https';
import { CountersignError } from '../../../shared/errors';
import { agentFor, type Agents } from './agents';
import { describeNetworkError, tooLarge } from './network-errors';
import type { HttpMethod, HttpResponse } from './types';

export interface Exchange {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: Uint8Array;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

function declaredLength(response: http.IncomingMessage): number | undefined {
  const value = response.headers['content-length'];
  if (value === undefined) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : undefined;
}

// Failures that happened because a pooled connection had been closed by the server while idle.
const staleConnectionFailures = new WeakSet<CountersignError>();
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * One exchange. A read that fails because the server had just closed the pooled connection it went
 * out on is sent once more on a fresh one: the server never saw it, and reads are safe to repeat.
 */
export async function exchange(agents: Agents, request: Exchange): Promise<HttpResponse> {
  try {
    return await attempt(agents, request);
  } catch (error) {
    const repeatable = request.method === 'GET' || request.method === 'HEAD';
    if (repeatable && error instanceof CountersignError && staleConnectionFailures.has(error)) return attempt(agents, request);
    throw error;
  }
}

function attempt(agents: Agents, request: Exchange): Promise<HttpResponse> {
  const { url, method, maxBytes, signal } = request;
  if (signal?.aborted) {
    return Promise.reject(new CountersignError('cancelled', `request to ${url.host} was cancelled`));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: CountersignError | undefined, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else if (response !== undefined) resolve(response);
    };
    // Destroying the socket (not just ignoring the rest) keeps a bad connection out of the pool.
    const abandon = (error: CountersignError): void => {
      settle(error);
      outgoing.destroy();
    };
    const onAbort = (): void => abandon(new CountersignError('cancelled', `request to ${url.host} was cancelled`));
    const timer = setTimeout(
      () => abandon(new CountersignError('timeout', `${url.host} did not answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(url, { method, headers: request.headers, agent: agentFor(agents, url) });
    let answered = false;
    outgoing.on('error', (error) => {
      const failure = describeNetworkError(error, url);
      const code = 'code' in error ? error.code : undefined;
      if (!answered && outgoing.reusedSocket && typeof code === 'string' && STALE_CONNECTION_CODES.has(code)) {
        staleConnectionFailures.add(failure);
      }
      settle(failure);
    });
    outgoing.on('response', (incoming) => {
      answered = true;
      const length = declaredLength(incoming);
      // A HEAD response's Content-Length describes the resource, not bytes that will arrive.
      if (method !== 'HEAD' && length !== undefined && length > maxBytes) {
        abandon(tooLarge(url, maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      incoming.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) abandon(tooLarge(url, maxBytes));
        else chunks.push(chunk);
      });
      incoming.on('error', (error) => settle(describeNetworkError(error, url)));
      incoming.on('end', () =>
        settle(undefined, {
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks, received),
          url: url.href,
        }),
      );
      incoming.on('close', () => {
        if (!incoming.complete) {
          settle(new CountersignError('server-unreachable', `${url.host} closed the connection mid-response`));
        }
      });
    });
    outgoing.end(request.body);
  });
}
