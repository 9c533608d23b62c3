// The client side of the Docker registry token protocol: ask the realm a challenge named for a bearer
// token, anonymously, with Basic credentials, or with an identity (OAuth2 refresh) token.
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { basicAuthorization, mayCarryCredentials } from './credential-policy';
import { IDENTITY_TOKEN_USERNAME, type Credentials, type HttpResponse } from './types';

export interface TokenRequest {
  realm: string;
  service: string | undefined;
  /** One or more scopes; a challenge may name several, separated by spaces. */
  scope: string | undefined;
  /** The registry host the credentials belong to; named in errors. */
  host: string;
  credentials: Credentials | undefined;
  signal: AbortSignal | undefined;
}

export interface BearerToken {
  value: string;
  /** Epoch milliseconds after which the token is not reused. */
  reuseUntil: number;
}

export type SendRaw = (
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Buffer; maxBytes: number; signal?: AbortSignal },
) => Promise<HttpResponse>;

const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
// The token specification: absent expires_in means 60 s. A shorter lifetime is believed (servers
// should not issue one, but reusing a token its issuer called expired would rest on the verifier's leeway).
const DEFAULT_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'countersign';

const TokenResponseSchema = z.object({
  token: z.string().min(1).optional(),
  access_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});

function realmUrl(request: TokenRequest): URL {
  let url: URL;
  try {
    url = new URL(request.realm);
  } catch (error) {
    throw new CountersignError('auth-failed', `${request.host} named an invalid token realm "${request.realm}"`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CountersignError('auth-failed', `${request.host} named a token realm that is not http(s): ${request.realm}`);
  }
  if (request.credentials !== undefined && !mayCarryCredentials(url)) {
    throw new CountersignError(
      'auth-failed',
      `refusing to send the credentials for ${request.host} over plain http to ${url.host}`,
    );
  }
  return url;
}

function scopesOf(request: TokenRequest): string[] {
  return (request.scope ?? '').split(' ').filter((scope) => scope.length > 0);
}

function withIdentityToken(url: URL, request: TokenRequest, refreshToken: string): Parameters<SendRaw> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: refreshToken });
  if (request.service !== undefined) form.set('service', request.service);
  const scopes = scopesOf(request);
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  return [url, { method: 'POST', headers, body: Buffer.from(form.toString()), maxBytes: MAX_TOKEN_RESPONSE_BYTES }];
}

function withQuery(url: URL, request: TokenRequest): Parameters<SendRaw> {
  const target = new URL(url);
  if (request.service !== undefined) target.searchParams.append('service', request.service);
  for (const scope of scopesOf(request)) target.searchParams.append('scope', scope);
  const headers: Record<string, string> = { accept: 'application/json' };
  const { credentials } = request;
  if (credentials !== undefined) {
    target.searchParams.append('account', credentials.username);
    headers.authorization = basicAuthorization(credentials.username, credentials.password);
  }
  return [target, { method: 'GET', headers, maxBytes: MAX_TOKEN_RESPONSE_BYTES }];
}

function refusal(request: TokenRequest, realm: URL, response: HttpResponse): CountersignError {
  const from = `the token service of ${request.host}`;
  // A token service that is down, missing or overloaded has refused nobody: it is not a sign-in failure.
  if (response.status >= 500 || response.status === 404 || response.status === 429) {
    return new CountersignError('http-status', `${from} at ${realm.host} did not answer with a token (HTTP ${response.status}): the service is not available, which says nothing about the sign-in`);
  }
  if (request.credentials === undefined && (response.status === 401 || response.status === 403)) {
    return new CountersignError('auth-required', `${from} wants a login (HTTP ${response.status}); no credentials are stored for ${request.host}`);
  }
  const { credentials } = request;
  if (credentials !== undefined && response.status === 401) {
    // Named after the sign-in and the service that refused it (Harbor's core, not the registry), so
    // nobody reads a wrong password as an unreachable server or missing trust data.
    const who = credentials.username === IDENTITY_TOKEN_USERNAME ? 'the identity token' : credentials.username;
    return new CountersignError('auth-failed', `sign-in refused for ${who} at ${realm.host}, the token service of ${request.host} (HTTP 401): wrong user name or password, or an expired token`);
  }
  return new CountersignError('auth-failed', `${from} refused a token (HTTP ${response.status})`);
}

function parseToken(request: TokenRequest, body: Buffer, now: number): BearerToken {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new CountersignError('auth-failed', `the token service of ${request.host} answered with invalid JSON`, { cause: error });
  }
  const parsed = TokenResponseSchema.safeParse(json);
  const value = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  if (!parsed.success || value === undefined) {
    throw new CountersignError('auth-failed', `the token service of ${request.host} answered without a token`);
  }
  const lifetime = parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S;
  // Stop reusing a token a little before it expires, so a slow request does not arrive with a dead one.
  return { value, reuseUntil: now + lifetime * 900 };
}

export async function requestToken(send: SendRaw, request: TokenRequest): Promise<BearerToken> {
  const realm = realmUrl(request);
  const { credentials } = request;
  const [url, init] =
    credentials !== undefined && credentials.username === IDENTITY_TOKEN_USERNAME
      ? withIdentityToken(realm, request, credentials.password)
      : withQuery(realm, request);
  const started = Date.now();
  const response = await send(url, { ...init, signal: request.signal });
  if (response.status !== 200) throw refusal(request, realm, response);
  return parseToken(request, response.body, started);
}
