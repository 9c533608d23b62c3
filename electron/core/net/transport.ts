// One HTTP exchange, no auth and no redirects: the body is read under a hard byte cap, and the whole
// exchange under a deadline and the caller's AbortSignal, so no server can hang us or fill our memory.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { CountersignError } from '../../../shared/errors';
import { agentFor, type Agents } from './agents';
import { describeNetworkError, tooLarge } from './network-errors';
import type { ExchangePurpose, NetPhase, NetTrace } from './trace';
import type { HttpMethod, HttpResponse } from './types';

export interface Exchange {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: Uint8Array;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told each phase the exchange gets through (the connection check's step attribution). */
  trace?: NetTrace;
  purpose?: ExchangePurpose;
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
// Failures of a request whose whole body had gone out, with no answer yet: the server may act on it.
const failedAfterSendingAll = new WeakSet<CountersignError>();

/**
 * True when `error` ended a request with a body after all of the body had been handed to the
 * network and before any answer came (a timeout, a cancel, a dropped connection): the server may
 * have received it and may still act on it. False means it cannot have received all of it.
 */
export function failedAfterSending(error: unknown): boolean {
  return error instanceof CountersignError && failedAfterSendingAll.has(error);
}

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
    let sentAll = false;
    let answered = false;
    const settle = (error: CountersignError | undefined, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined && sentAll && !answered && request.body !== undefined) failedAfterSendingAll.add(error);
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
    const report = traceReporter(request);
    report('started');
    if (request.trace !== undefined) outgoing.on('socket', (socket) => traceSocket(socket, url, outgoing.reusedSocket, report));
    outgoing.once('finish', () => (sentAll = true));
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
      const status = incoming.statusCode ?? 0;
      const answer = (body: Buffer): HttpResponse => ({ status, headers: incoming.headers, body, url: url.href });
      incoming.on('error', (error) => settle(describeNetworkError(error, url)));
      incoming.on('close', () => {
        if (!incoming.complete) settle(new CountersignError('server-unreachable', `${url.host} closed the connection mid-response`));
      });
      // An answer that is not the file is judged by its status, not its size: a proxy's 502 page is
      // often larger than the small file it stands in for. Its first ERROR_BODY_MAX_BYTES are kept
      // (room for any error JSON), the rest is never read.
      if (!isSuccess(status)) {
        readErrorBody(incoming, (body) => {
          report('answered', status);
          settle(undefined, answer(body));
          if (!incoming.complete) outgoing.destroy();
        });
        return;
      }
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
      incoming.on('end', () => {
        report('answered', status);
        settle(undefined, answer(Buffer.concat(chunks, received)));
      });
    });
    outgoing.end(request.body);
  });
}

/** How much of an error answer's body is kept. */
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Reads up to ERROR_BODY_MAX_BYTES of a body, then hands them over (at its end, or once that much came). */
function readErrorBody(incoming: http.IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks, received));
  };
  incoming.on('data', (chunk: Buffer) => {
    if (finished) return;
    const room = ERROR_BODY_MAX_BYTES - received;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    received += Math.min(chunk.length, room);
    if (received >= ERROR_BODY_MAX_BYTES) finish();
  });
  incoming.on('end', finish);
}

type Report = (phase: NetPhase, status?: number) => void;

function traceReporter(request: Exchange): Report {
  const { trace, url } = request;
  const purpose = request.purpose ?? 'request';
  if (trace === undefined) return () => undefined;
  return (phase, status) => trace({ phase, purpose, url, ...(status === undefined ? {} : { status }) });
}

/**
 * Reports the socket's own steps. A pooled socket (or one already connected when handed over) has
 * been through them all before, so they are reported at once.
 */
function traceSocket(socket: Socket, url: URL, reused: boolean, report: Report): void {
  const secure = url.protocol === 'https:';
  const connected = reused || (!socket.connecting && socket.remoteAddress !== undefined);
  if (connected) {
    report('connected');
    if (secure) report('secured');
    return;
  }
  socket.once('lookup', (error: Error | null) => {
    if (error === null) report('resolved');
  });
  socket.once('connect', () => report('connected'));
  if (secure) socket.once('secureConnect', () => report('secured'));
}
