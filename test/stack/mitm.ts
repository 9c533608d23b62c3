// A tampering man-in-the-middle for tamper tests: an HTTPS server on loopback, presenting the test
// CA's localhost certificate (so a client pinned to that CA cannot tell it from the real server),
// that forwards to an upstream (normally notary-server) and lets a test:
//   - rewrite response bodies per request path (swap a signature, bump a version, grow a file),
//   - answer with a fixed response, e.g. an older one it recorded earlier (replay / rollback),
//   - stream an endless body until the client hangs up (size caps, endless-data attacks),
//   - delay answers (timeouts), and count requests per path.
// It runs inside the test process, so hooks are plain functions.
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestCa } from './ca';
import { httpsRequest } from './https';

/** Which requests a hook applies to: an exact path, a pattern, or a predicate. Paths exclude the query. */
export type PathMatch = string | RegExp | ((path: string) => boolean);

export interface ResponseContext {
  method: string;
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
}

/** Returns the body to send instead, or undefined to leave it as it is. */
export type RewriteHook = (path: string, body: Buffer, context: ResponseContext) => Buffer | undefined;

export interface CannedResponse {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body: Buffer | string;
}

/** An upstream response as the proxy received it, before any rewrite. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface EndlessOptions {
  status?: number;
  headers?: OutgoingHttpHeaders;
  /** Sent first, e.g. '{"signed":{"_type":"Timestamp","x":"' so that a parser starts happily. */
  prefix?: Buffer | string;
  /** Repeated forever after the prefix. Default: 64 KiB of spaces. */
  chunk?: Buffer | string;
}

export interface MitmOptions {
  /** "https://localhost:PORT" of the real server. */
  upstream: string;
  /** The CA that signed the upstream's certificate; its server certificate is presented to clients. */
  ca: TestCa;
}

export interface MitmProxy {
  /** "https://localhost:PORT": point the client here instead of at the upstream. */
  url: string;
  port: number;
  host: string;
  caFile: string;
  caPem: string;
  upstream: string;
  /** Each hook returns a function that removes it. */
  rewrite(match: PathMatch, hook: RewriteHook): () => void;
  respondWith(match: PathMatch, response: CannedResponse): () => void;
  /** Serves a previously recorded response again (a replay of older metadata). */
  replay(match: PathMatch, recorded: RecordedResponse): () => void;
  serveEndless(match: PathMatch, options?: EndlessOptions): () => void;
  /** Holds matching requests this long before handling them. */
  delay(match: PathMatch, ms: number): () => void;
  /** Upstream responses seen for a path, oldest first (the last 100 per path). */
  history(path: string): RecordedResponse[];
  /** The newest recorded response for a path; throws when there is none. */
  lastResponse(path: string): RecordedResponse;
  /** Requests received (all methods) whose path matches; all requests without a match. */
  requestCount(match?: PathMatch): number;
  /** Bytes written by serveEndless to matching requests so far. */
  endlessBytesSent(match?: PathMatch): number;
  /** Removes every hook and forgets counts and history. */
  reset(): void;
  stop(): Promise<void>;
}

const HISTORY_LIMIT = 100;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade']);

type Rule =
  | { kind: 'rewrite'; match: PathMatch; hook: RewriteHook }
  | { kind: 'respond'; match: PathMatch; response: CannedResponse }
  | { kind: 'endless'; match: PathMatch; options: EndlessOptions }
  | { kind: 'delay'; match: PathMatch; ms: number };

function matches(match: PathMatch, path: string): boolean {
  if (typeof match === 'string') return match === path;
  if (match instanceof RegExp) return match.test(path);
  return match(path);
}

export async function startMitm(options: MitmOptions): Promise<MitmProxy> {
  let rules: Rule[] = [];
  let received: { method: string; path: string }[] = [];
  let history = new Map<string, RecordedResponse[]>();
  let endlessSent: { path: string; bytes: number }[] = [];

  const addRule = (rule: Rule): (() => void) => {
    rules.push(rule);
    return () => {
      rules = rules.filter((r) => r !== rule);
    };
  };
  // The newest matching rule of a kind wins, so a test can override an earlier hook.
  const lastRule = <K extends Rule['kind']>(kind: K, path: string): Extract<Rule, { kind: K }> | undefined =>
    rules.filter((r): r is Extract<Rule, { kind: K }> => r.kind === kind && matches(r.match, path)).at(-1);

  const record = (response: RecordedResponse): void => {
    const list = history.get(response.path) ?? [];
    list.push(response);
    if (list.length > HISTORY_LIMIT) list.shift();
    history.set(response.path, list);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://mitm.invalid');
    const path = url.pathname;
    received.push({ method, path });
    const requestBody = await readAll(req);

    const delayRule = lastRule('delay', path);
    if (delayRule !== undefined) await new Promise((resolve) => setTimeout(resolve, delayRule.ms));

    const endless = lastRule('endless', path);
    if (endless !== undefined) {
      const sent = { path, bytes: 0 };
      endlessSent.push(sent);
      streamForever(res, endless.options, sent);
      return;
    }

    const canned = lastRule('respond', path);
    if (canned !== undefined) {
      send(res, canned.response.status ?? 200, canned.response.headers ?? {}, Buffer.from(canned.response.body));
      return;
    }

    const upstream = await httpsRequest(new URL(`${url.pathname}${url.search}`, options.upstream), {
      ca: options.ca.caPem,
      method,
      headers: forwardableHeaders(req.headers),
      body: requestBody.length > 0 ? requestBody : undefined,
      timeoutMs: 30_000,
    });
    record({ method, path, status: upstream.status, headers: upstream.headers, body: upstream.body, at: Date.now() });

    let body = upstream.body;
    const context: ResponseContext = { method, path, status: upstream.status, headers: upstream.headers };
    for (const rule of rules) {
      if (rule.kind === 'rewrite' && matches(rule.match, path)) body = rule.hook(path, body, context) ?? body;
    }
    send(res, upstream.status, forwardableHeaders(upstream.headers), body);
  };

  const server: Server = createServer({ key: options.ca.serverKeyPem, cert: options.ca.serverCertPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(res, 502, { 'content-type': 'text/plain' }, Buffer.from(`mitm: ${String(error)}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('mitm: the proxy has no TCP address');
  const port = address.port;
  let stopped = false;

  return {
    url: `https://localhost:${port}`,
    port,
    host: `localhost:${port}`,
    caFile: options.ca.caCertFile,
    caPem: options.ca.caPem,
    upstream: options.upstream,
    rewrite: (match, hook) => addRule({ kind: 'rewrite', match, hook }),
    respondWith: (match, response) => addRule({ kind: 'respond', match, response }),
    replay: (match, recorded) =>
      addRule({ kind: 'respond', match, response: { status: recorded.status, headers: forwardableHeaders(recorded.headers), body: recorded.body } }),
    serveEndless: (match, endlessOptions = {}) => addRule({ kind: 'endless', match, options: endlessOptions }),
    delay: (match, ms) => addRule({ kind: 'delay', match, ms }),
    history: (path) => [...(history.get(path) ?? [])],
    lastResponse(path) {
      const last = history.get(path)?.at(-1);
      if (last === undefined) throw new Error(`mitm: no response recorded for ${path}`);
      return last;
    },
    requestCount: (match) => received.filter((r) => match === undefined || matches(match, r.path)).length,
    endlessBytesSent: (match) =>
      endlessSent.filter((s) => match === undefined || matches(match, s.path)).reduce((sum, s) => sum + s.bytes, 0),
    reset() {
      rules = [];
      received = [];
      history = new Map();
      endlessSent = [];
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Endless responses never finish on their own.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    // accept-encoding is dropped so that rewrite hooks always see plain bodies.
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'accept-encoding') continue;
    out[name] = value;
  }
  return out;
}

function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes prefix, then chunk after chunk, honouring backpressure, until the client goes away. */
function streamForever(res: ServerResponse, options: EndlessOptions, sent: { bytes: number }): void {
  const chunk = Buffer.from(options.chunk ?? ' '.repeat(64 * 1024));
  res.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...options.headers });
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const pump = (): void => {
    while (!closed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  if (options.prefix !== undefined) {
    const prefix = Buffer.from(options.prefix);
    sent.bytes += prefix.length;
    res.write(prefix);
  }
  pump();
}

/**
 * Answers every request under /v2/<gun>/_trust/tuf/ from `files` ("root.json", "targets/x.json", …;
 * 404 for anything else there), as a man in the middle serving a repository of its own making on
 * first use. Requests outside that path still reach the upstream, where requestCount sees them.
 */
export function serveForgedRepository(proxy: MitmProxy, gun: string, files: ReadonlyMap<string, Uint8Array>): () => void {
  const prefix = `/v2/${gun}/_trust/tuf/`;
  const removers = [proxy.respondWith((path) => path.startsWith(prefix), { status: 404, body: '{"errors":[{"code":"METADATA_NOT_FOUND"}]}' })];
  for (const [name, bytes] of files) removers.push(proxy.respondWith(prefix + name, { headers: { 'content-type': 'application/json' }, body: Buffer.from(bytes) }));
  return () => removers.forEach((remove) => remove());
}
