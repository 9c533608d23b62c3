// The HTTP client shared by the notary and registry clients: pooled connections, a private CA on top of
// the system roots, byte caps, deadlines, cancel, redirects, and registry-style authentication.
import { CountersignError } from '../../../shared/errors';
import { createAgents, destroyAgents, type Agents } from './agents';
import { Authenticator, type Authorization } from './authenticator';
import type { TokenGrant } from './token-claims';
import type { SendRaw } from './token-endpoint';
import type { ExchangePurpose, NetTrace } from './trace';
import { exchange } from './transport';
import type { HttpClientOptions, HttpMethod, HttpResponse, RequestOptions } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = 'countersign';
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function parseTarget(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CountersignError('invalid-input', `not a URL: ${String(url)}`, { cause: error });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CountersignError('invalid-input', `only http and https URLs are supported, not ${parsed.protocol}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new CountersignError('invalid-input', `URLs with embedded credentials are not accepted: ${parsed.host}`);
  }
  return parsed;
}

function redirectTarget(response: HttpResponse, method: HttpMethod, from: URL): URL | undefined {
  const location = response.headers.location;
  if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string') return undefined;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const target = new URL(location, from);
  // Never downgrade: a redirect from https to http would expose the request to the network.
  if (from.protocol === 'https:' && target.protocol !== 'https:') {
    throw new CountersignError('tls-failed', `${from.host} redirected to a non-https URL: ${target.origin}`);
  }
  return parseTarget(target);
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

export class HttpClient {
  private readonly agents: Agents;
  private readonly authenticator: Authenticator;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly trace: NetTrace | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.agents = createAgents(options);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.trace = options.trace;
    const sendRaw: SendRaw = (url, init) => this.send(url, init, init.headers, 'token');
    this.authenticator = new Authenticator(options.credentials, sendRaw);
  }

  /** Non-2xx statuses are returned; failures to get any answer (and unanswerable 401s) are thrown. */
  async request(url: string | URL, options: RequestOptions): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    let target = parseTarget(url);
    let headers = options.headers ?? {};
    for (let hops = 0; ; hops++) {
      const response = await this.authenticated(target, { ...options, method, headers });
      const next = redirectTarget(response, method, target);
      if (next === undefined) return response;
      if (hops === MAX_REDIRECTS) {
        throw new CountersignError('http-status', `${url.toString()} redirected more than ${MAX_REDIRECTS} times`);
      }
      // Credentials the caller set belong to the first origin only.
      if (next.origin !== target.origin) headers = withoutAuthorization(headers);
      target = next;
    }
  }

  /** What a bearer token for `scope` grants at `url`'s origin (see Authenticator.grant). */
  grant(url: string | URL, scope: string, signal?: AbortSignal): Promise<TokenGrant | undefined> {
    return this.authenticator.grant(parseTarget(url), scope, signal);
  }

  /** Closes pooled connections; requests already under way fail. */
  close(): void {
    destroyAgents(this.agents);
  }

  private async authenticated(
    url: URL,
    options: RequestOptions & { method: HttpMethod; headers: Record<string, string> },
  ): Promise<HttpResponse> {
    const { signal } = options;
    const first = await this.authenticator.preemptive(url, options.authScope, signal);
    const response = await this.sendAuthorized(url, options, first);
    if (response.status !== 401) return response;
    const answer = await this.authenticator.answer(url, response.headers['www-authenticate'], first, signal, options.authScope);
    if (answer === undefined) return response;
    const retried = await this.sendAuthorized(url, options, answer);
    if (retried.status === 401) throw await this.authenticator.rejection(url, answer, options.authScope);
    return retried;
  }

  private sendAuthorized(
    url: URL,
    options: RequestOptions & { method: HttpMethod; headers: Record<string, string> },
    authorization: Authorization | undefined,
  ): Promise<HttpResponse> {
    const headers = authorization === undefined ? options.headers : { ...options.headers, authorization: authorization.header };
    return this.send(url, options, headers);
  }

  private send(
    url: URL,
    init: { method: HttpMethod; body?: Uint8Array; maxBytes: number; signal?: AbortSignal },
    headers: Record<string, string>,
    purpose: ExchangePurpose = 'request',
  ): Promise<HttpResponse> {
    return exchange(this.agents, {
      url,
      method: init.method,
      headers: { 'user-agent': this.userAgent, ...headers },
      body: init.body,
      maxBytes: init.maxBytes,
      timeoutMs: this.timeoutMs,
      signal: init.signal,
      ...(this.trace === undefined ? {} : { trace: this.trace, purpose }),
    });
  }
}
