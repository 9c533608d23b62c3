// A token issuer of the registry token specification, playing the part of Harbor's core (which we
// cannot install): Basic credentials (or an identity token) in, an ES256 JWT out, whose `x5c` header
// carries a certificate the real notary-server and docker-registry trust as their `rootcertbundle`.
// The `access` claim holds only what the user may do, so the real servers make the real decisions.
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestCa } from './ca';
import { runCommandOk } from './process';

export const TOKEN_ISSUER = 'countersign-test-token-issuer';

/** Actions per repository prefix ("team/", "team/app", or "" for all); "*" is every action (delete, server key rotation). */
export type Rights = Record<string, readonly string[]>;

export interface TokenUser {
  password: string;
  rights: Rights;
  /** May list the registry's catalog (Harbor: admins only). */
  catalog?: boolean;
}

export interface TokenIssuerOptions {
  ca: TestCa;
  /** Holds the signing key and certificate. */
  dir: string;
  users: Record<string, TokenUser>;
  /** What anyone may do without signing in (Harbor's public projects); anonymous tokens grant only this. */
  anonymous?: Rights;
  /**
   * Refuse every token request without a login (401), as a token service that demands a sign-in does
   * (Harbor's anonymous access turned off, ACR without anonymous pull). By default anonymous requests
   * get a token, as from Harbor, holding only the `anonymous` rights.
   */
  refuseAnonymous?: boolean;
  /** Identity (refresh) token -> the user it stands for. */
  refreshTokens?: Record<string, string>;
  /** Seconds a token lives (the spec's minimum is 60). */
  lifetimeSeconds?: number;
}

export interface TokenRequestRecord {
  account: string | undefined;
  scopes: string[];
  status: number;
}

export interface TokenIssuer {
  /** "https://127.0.0.1:PORT/token": the `realm` of the servers' auth config. */
  realm: string;
  issuer: string;
  /** The PEM file of the signing certificate: the servers' `rootcertbundle`. */
  rootCertBundle: string;
  /** Every token request so far, oldest first. */
  requests(): TokenRequestRecord[];
  stop(): Promise<void>;
}

interface Grant {
  type: string;
  name: string;
  actions: string[];
}

function parseScope(scope: string): Grant | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

/** notary's scopes name the GUN with its registry host ("localhost:5000/team/app"); a registry's do not. */
function repositoryPath(name: string): string {
  const [head = '', ...rest] = name.split('/');
  return rest.length > 0 && (head.includes('.') || head.includes(':') || head === 'localhost') ? rest.join('/') : name;
}

function allowed(rights: Rights | undefined, name: string): Set<string> {
  const path = repositoryPath(name);
  const actions = Object.entries(rights ?? {})
    .filter(([prefix]) => prefix === '' || path === prefix || (prefix.endsWith('/') && path.startsWith(prefix)))
    .flatMap(([, granted]) => granted);
  return new Set(actions);
}

function grantFor(scope: Grant, user: TokenUser | undefined, anonymous: Rights | undefined): Grant {
  if (scope.type === 'registry' && scope.name === 'catalog') return { ...scope, actions: user?.catalog === true ? scope.actions : [] };
  const may = allowed(user?.rights ?? anonymous, scope.name);
  return { ...scope, actions: may.has('*') ? scope.actions : scope.actions.filter((action) => may.has(action)) };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The user a request signs in as: undefined for anonymous, false for a failed login. */
function loginOf(request: http.IncomingMessage, body: string, options: TokenIssuerOptions): string | undefined | false {
  if (request.method === 'POST') return options.refreshTokens?.[new URLSearchParams(body).get('refresh_token') ?? ''] ?? false;
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const decoded = Buffer.from(header.replace(/^Basic /i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && options.users[user]?.password === decoded.slice(colon + 1) ? user : false;
}

function scopesOf(request: http.IncomingMessage, body: string): string[] {
  if (request.method === 'POST') return (new URLSearchParams(body).get('scope') ?? '').split(' ').filter(Boolean);
  return new URL(request.url ?? '/', 'https://issuer.invalid').searchParams.getAll('scope').flatMap((scope) => scope.split(' ')).filter(Boolean);
}

function serviceOf(request: http.IncomingMessage, body: string): string {
  if (request.method === 'POST') return new URLSearchParams(body).get('service') ?? '';
  return new URL(request.url ?? '/', 'https://issuer.invalid').searchParams.get('service') ?? '';
}

function jwt(claims: object, key: KeyObject, certificate: X509Certificate): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'JWT', alg: 'ES256', x5c: [certificate.raw.toString('base64')] })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

async function signingKey(dir: string): Promise<{ key: KeyObject; certificate: X509Certificate; certFile: string }> {
  const keyFile = join(dir, 'token-signer.key');
  const certFile = join(dir, 'token-signer.crt');
  await runCommandOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=countersign test token signer']);
  return { key: createPrivateKey(await readFile(keyFile)), certificate: new X509Certificate(await readFile(certFile)), certFile };
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const signer = await signingKey(options.dir);
  const lifetime = options.lifetimeSeconds ?? 60;
  const records: TokenRequestRecord[] = [];
  const server = https.createServer({ key: options.ca.serverKeyPem, cert: options.ca.serverCertPem }, (request, response) => {
    void readBody(request).then((body) => {
      const login = loginOf(request, body, options);
      const scopes = scopesOf(request, body);
      if (login === false || (login === undefined && options.refuseAnonymous === true)) {
        records.push({ account: undefined, scopes, status: 401 });
        const message = login === false ? 'bad login' : 'authentication required';
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] }));
        return;
      }
      const user = login === undefined ? undefined : options.users[login];
      const access = scopes.map(parseScope).filter((scope): scope is Grant => scope !== undefined).map((scope) => grantFor(scope, user, options.anonymous));
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: TOKEN_ISSUER, sub: login ?? '', aud: serviceOf(request, body), exp: now + lifetime, nbf: now - 10, iat: now, jti: randomUUID(), access };
      const token = jwt(claims, signer.key, signer.certificate);
      records.push({ account: login, scopes, status: 200 });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token, access_token: token, expires_in: lifetime, issued_at: new Date(now * 1000).toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `https://127.0.0.1:${port}/token`,
    issuer: TOKEN_ISSUER,
    rootCertBundle: signer.certFile,
    requests: () => [...records],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `auth` a verifying server needs to trust this issuer's tokens for `service`. */
export function tokenAuthOf(issuer: TokenIssuer, service: string): { realm: string; service: string; issuer: string; rootcertbundle: string } {
  return { realm: issuer.realm, service, issuer: issuer.issuer, rootcertbundle: issuer.rootCertBundle };
}
