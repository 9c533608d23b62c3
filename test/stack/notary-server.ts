// A real notary-server (Debian package `notary`) on loopback with memory storage and its built-in
// signing service, which makes the server-managed timestamp (and optionally snapshot) keys.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCa } from './ca';
import { expectStatus, httpsRequest, type HttpResponse } from './https';
import { startTlsServer, type TlsServer } from './tls-server';

export type NotaryLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface NotaryServerOptions {
  /** Share one CA between servers (e.g. with the tampering proxy). Default: a fresh CA of its own. */
  ca?: TestCa;
  /** notary-server logs every request at info; the default keeps test output quiet. */
  logLevel?: NotaryLogLevel;
  readyTimeoutMs?: number;
  /** notary-server's `auth` section: `{type: 'token', options: tokenAuthOf(issuer, service)}`. Default: none. */
  auth?: { type: 'token'; options: { realm: string; service: string; issuer: string; rootcertbundle: string } };
}

export interface NotaryServer {
  /** "https://localhost:PORT": the certificate is valid for localhost and 127.0.0.1. */
  url: string;
  port: number;
  /** "localhost:PORT", the form docker uses for $DOCKER_CONFIG/tls/<host>/ca.crt. */
  host: string;
  caFile: string;
  caPem: string;
  ca: TestCa;
  /** Holds the server's config (and its CA, unless one was given). Removed by stop(). */
  dir: string;
  /** The server's log so far, for failure messages. */
  log(): string;
  /**
   * GETs a file of a repository's trust data as served, without any verification:
   * name is "root", "targets/releases", "2.root", "timestamp.key", ... (".json" is added unless
   * the name already ends in ".json" or ".key").
   */
  fetchTrustFile(gun: string, name: string): Promise<HttpResponse>;
  /** The parsed JSON of a role's current metadata; throws unless the server has it. */
  roleJson(gun: string, role: string): Promise<unknown>;
  stop(): Promise<void>;
}

export function trustFileUrl(serverUrl: string, gun: string, name: string): string {
  const file = /\.(json|key)$/.test(name) ? name : `${name}.json`;
  return `${serverUrl}/v2/${gun}/_trust/tuf/${file}`;
}

export async function startNotaryServer(options: NotaryServerOptions = {}): Promise<NotaryServer> {
  const server = await startTlsServer({
    name: 'notary-server',
    command: 'notary-server',
    ca: options.ca,
    healthPath: '/_notary_server/health',
    readyTimeoutMs: options.readyTimeoutMs,
    async configure(port, ca, dir) {
      const configFile = join(dir, 'server.json');
      const config = { ...(serverConfig(port, ca, options.logLevel ?? 'warn') as object), ...(options.auth === undefined ? {} : { auth: options.auth }) };
      await writeFile(configFile, JSON.stringify(config, null, 2));
      return ['-config', configFile];
    },
  });
  return handle(server);
}

function serverConfig(port: number, ca: TestCa, logLevel: NotaryLogLevel): unknown {
  return {
    server: { http_addr: `127.0.0.1:${port}`, tls_key_file: ca.serverKeyFile, tls_cert_file: ca.serverCertFile },
    // The local trust service always makes ed25519 keys, whatever key_algorithm says.
    trust_service: { type: 'local', hostname: '', port: '', key_algorithm: 'ecdsa' },
    logging: { level: logLevel },
    storage: { backend: 'memory' },
  };
}

function handle(server: TlsServer): NotaryServer {
  const { url, port, ca, dir } = server;
  const fetchTrustFile = (gun: string, name: string): Promise<HttpResponse> =>
    httpsRequest(trustFileUrl(url, gun, name), { ca: ca.caPem });
  return {
    url,
    port,
    host: `localhost:${port}`,
    caFile: ca.caCertFile,
    caPem: ca.caPem,
    ca,
    dir,
    log: () => server.process.log(),
    fetchTrustFile,
    async roleJson(gun, role) {
      const response = expectStatus(await fetchTrustFile(gun, role), [200], `GET ${role} of ${gun}`);
      return JSON.parse(response.body.toString()) as unknown;
    },
    stop: () => server.stop(),
  };
}
