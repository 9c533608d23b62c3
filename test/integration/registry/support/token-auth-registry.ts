// A second docker-registry process serving the same storage as a stack registry, but with token
// authentication turned on (auth.token), and the token service it trusts: a small HTTPS server that
// checks logins and issues ES256 JWTs signed by a throwaway key whose certificate the registry trusts.
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { join } from 'node:path';
import { httpsRequest } from '../../../stack/https';
import { runCommandOk, startOnFreePort, startServerProcess, type ServerProcess } from '../../../stack/process';
import type { Registry } from '../../../stack/registry';
import { readBody, startServer, type RunningServer } from '../../../unit/net/support/servers';

export const TOKEN_SERVICE = 'countersign-test-registry';
const ISSUER = 'countersign-test-token-service';

export interface TokenAuthOptions {
  /** username -> password the token service accepts. */
  users: Record<string, string>;
  /** Refresh (identity) token -> the user it stands for. */
  refreshTokens?: Record<string, string>;
  /** Anonymous requests get pull access to repositories under this prefix only. */
  publicPrefix: string;
}

export interface TokenAuthRegistry {
  url: string;
  host: string;
  /** Token requests the service answered, in order (any status). */
  tokenRequests(): number;
  stop(): Promise<void>;
}

interface Grant {
  type: string;
  name: string;
  actions: string[];
}

function parseScope(scope: string): Grant | undefined {
  const parts = scope.split(':');
  if (parts.length < 3) return undefined;
  return { type: parts[0] ?? '', name: parts.slice(1, -1).join(':'), actions: (parts.at(-1) ?? '').split(',') };
}

function loginOf(request: http.IncomingMessage, body: string, options: TokenAuthOptions): string | undefined | false {
  if (request.method === 'POST') {
    const form = new URLSearchParams(body);
    return options.refreshTokens?.[form.get('refresh_token') ?? ''] ?? false;
  }
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const [user = '', password] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString().split(/:(.*)/s);
  return options.users[user] === password ? user : false;
}

function scopesOf(request: http.IncomingMessage, body: string): string[] {
  if (request.method === 'POST') return (new URLSearchParams(body).get('scope') ?? '').split(' ').filter(Boolean);
  return new URL(request.url ?? '/', 'https://x').searchParams.getAll('scope');
}

function jwt(claims: object, key: KeyObject, certificate: X509Certificate): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'JWT', alg: 'ES256', x5c: [certificate.raw.toString('base64')] })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

async function makeSigningKey(dir: string): Promise<{ key: KeyObject; certificate: X509Certificate; certFile: string }> {
  const keyFile = join(dir, 'token-signer.key');
  const certFile = join(dir, 'token-signer.crt');
  await runCommandOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=countersign test token signer']);
  return {
    key: createPrivateKey(await readFile(keyFile)),
    certificate: new X509Certificate(await readFile(certFile)),
    certFile,
  };
}

async function startTokenService(registry: Registry, options: TokenAuthOptions, signer: Awaited<ReturnType<typeof makeSigningKey>>): Promise<{ server: RunningServer; count: () => number }> {
  let count = 0;
  const server = await startServer((request, response) => {
    void readBody(request).then((body) => {
      count += 1;
      const login = loginOf(request, body, options);
      if (login === false) return void response.writeHead(401).end('{"details":"bad login"}');
      const access = scopesOf(request, body)
        .map(parseScope)
        .filter((grant): grant is Grant => grant !== undefined)
        .filter((grant) => login !== undefined || (grant.type === 'repository' && grant.name.startsWith(options.publicPrefix)))
        .map((grant) => ({ ...grant, actions: grant.actions.filter((action) => action === 'pull' || action === '*') }));
      const now = Math.floor(Date.now() / 1000);
      const token = jwt(
        { iss: ISSUER, sub: login ?? '', aud: TOKEN_SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access },
        signer.key,
        signer.certificate,
      );
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
  }, { key: registry.ca.serverKeyPem, cert: registry.ca.serverCertPem }, '127.0.0.1');
  return { server, count: () => count };
}

export async function startTokenAuthRegistry(registry: Registry, options: TokenAuthOptions): Promise<TokenAuthRegistry> {
  const signer = await makeSigningKey(registry.dir);
  const tokens = await startTokenService(registry, options, signer);
  let process: { port: number; server: ServerProcess };
  try {
    process = await startOnFreePort(async (port) => {
      const configFile = join(registry.dir, `token-auth-${port}.yml`);
      const config = {
        version: 0.1,
        log: { level: 'warn', accesslog: { disabled: true } },
        // The stack registry keeps its storage root here; both processes only read it.
        storage: { filesystem: { rootdirectory: join(registry.dir, 'storage') } },
        http: { addr: `127.0.0.1:${port}`, secret: randomUUID(), tls: { certificate: registry.ca.serverCertFile, key: registry.ca.serverKeyFile } },
        auth: { token: { realm: `${tokens.server.origin}/token`, service: TOKEN_SERVICE, issuer: ISSUER, rootcertbundle: signer.certFile } },
      };
      await writeFile(configFile, JSON.stringify(config, null, 2));
      const server = await startServerProcess({
        name: 'docker-registry (token auth)',
        command: 'docker-registry',
        args: ['serve', configFile],
        cwd: registry.dir,
        isReady: async () => (await httpsRequest(`https://localhost:${port}/v2/`, { ca: registry.caPem, timeoutMs: 1_000 })).status === 401,
      });
      return { port, server };
    });
  } catch (error) {
    await tokens.server.close();
    throw error;
  }
  return {
    url: `https://localhost:${process.port}`,
    host: `localhost:${process.port}`,
    tokenRequests: tokens.count,
    stop: async () => {
      await process.server.stop();
      await tokens.server.close();
    },
  };
}
