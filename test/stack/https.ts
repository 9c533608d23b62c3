// A minimal HTTPS client for the stack's own needs (readiness polls, the registry API, reading raw
// metadata off the notary server). It trusts exactly the test CA and never pools connections, so a
// stopped server is never kept alive by an idle socket.
import { request } from 'node:https';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpsRequestOptions {
  /** PEM of the CA that signed the server's certificate. */
  ca: string;
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  timeoutMs?: number;
}

export function httpsRequest(url: string | URL, options: HttpsRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) }),
          ...options.headers,
        },
        ca: options.ca,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${String(url)} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Throws unless the response has one of the expected statuses; the message carries the body. */
export function expectStatus(response: HttpResponse, expected: readonly number[], what: string): HttpResponse {
  if (!expected.includes(response.status)) {
    throw new Error(`${what}: HTTP ${response.status} (expected ${expected.join(' or ')}): ${response.body.toString().slice(0, 2000)}`);
  }
  return response;
}

export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
