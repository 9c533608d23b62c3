// The one place that turns an address into a client: a notary server or a registry, with the CAs
// and the sign-in docker would use for it (tls-roots.ts, credential-sources.ts). The CLI and the
// app's handlers both build their clients here. One HTTP client per endpoint, CA and account, kept
// for the whole run, so connections and bearer tokens (one per repository and scope, renewed when
// they expire) are reused.
import { RetryingHttpClient, type RetryPolicy } from '../audit/retrying-http';
import { HttpClient, type CredentialLookup } from '../net/http';
import type { NetTrace } from '../net/trace';
import { NotaryClient } from '../notary/notary-client';
// Not through registry/index.ts: that would evaluate docker's credential lookup (its config and
// helper schemas) for every run, and it is needed only once a server asks for a sign-in.
import { RegistryClient, registryOrigin } from '../registry/registry-client';
import { notaryCredentials, registryCredentials, type Account } from './credential-sources';
import type { LoginStore } from './login-store';
import { trustedCertificates, type EndpointKind } from './tls-roots';

export interface ConnectOptions {
  /** docker's config dir: config.json's credentials and tls/<host:port>/ CAs. */
  dockerConfigDir: string;
  /** NOTARY_AUTH, and the PATH that decides which docker-credential-* helper runs. */
  env: NodeJS.ProcessEnv;
  /** The keychain's sign-ins; absent: none are used. */
  logins?: LoginStore;
  /** Default /etc/docker/certs.d. */
  certsDir?: string;
  /** Repeat reads on "try later" answers (the audit's thousands of requests). */
  retry?: Partial<RetryPolicy>;
  maxSockets?: number;
}

export interface Endpoint {
  url: string;
  /** A CA the user configured for it (PEM), trusted beside docker's. */
  caPem?: string;
  /** The sign-in configured for exactly this endpoint. */
  account?: Account;
}

export class Connections {
  private readonly https = new Map<string, HttpClient>();
  private readonly notaries = new Map<string, NotaryClient>();
  private readonly registries = new Map<string, RegistryClient>();
  private readonly docker;

  constructor(private readonly options: ConnectOptions) {
    this.docker = dockerOnFirstUse({ configDir: options.dockerConfigDir, env: options.env });
  }

  notary(server: Endpoint): NotaryClient {
    const key = endpointKey('notary', server);
    let client = this.notaries.get(key);
    if (client === undefined) {
      client = new NotaryClient(server.url, this.http('notary', server, key));
      this.notaries.set(key, client);
    }
    return client;
  }

  registry(registry: Endpoint): RegistryClient {
    const origin = registryOrigin(registry.url).origin;
    const endpoint = { ...registry, url: origin };
    const key = endpointKey('registry', endpoint);
    let client = this.registries.get(key);
    if (client === undefined) {
      client = new RegistryClient({ url: origin, http: this.http('registry', endpoint, key) });
      this.registries.set(key, client);
    }
    return client;
  }

  /**
   * A notary client of its own, outside the pool, with the same CAs and sign-in: a connection check
   * must make its own DNS lookup, TCP connection and TLS handshake (a pooled socket would hide a
   * broken one), and is told each step it gets through. The caller closes it.
   */
  checkedNotary(server: Endpoint, trace: NetTrace): { notary: NotaryClient; close(): void } {
    const http = this.build('notary', server, { trace });
    return { notary: new NotaryClient(server.url, http), close: () => http.close() };
  }

  /** Closes every pooled connection; clients handed out fail afterwards. */
  close(): void {
    for (const http of this.https.values()) http.close();
    this.https.clear();
    this.notaries.clear();
    this.registries.clear();
  }

  private http(kind: EndpointKind, endpoint: Endpoint, key: string): HttpClient {
    let http = this.https.get(key);
    if (http !== undefined) return http;
    http = this.build(kind, endpoint);
    this.https.set(key, http);
    return http;
  }

  private build(kind: EndpointKind, endpoint: Endpoint, extra: { trace?: NetTrace } = {}): HttpClient {
    const host = new URL(endpoint.url).host;
    const ca = trustedCertificates(kind, host, endpoint.caPem, this.options);
    const sources = { host, docker: this.docker, env: this.options.env, ...(endpoint.account ? { account: endpoint.account } : {}), ...(this.options.logins ? { logins: this.options.logins } : {}) };
    const credentials = kind === 'notary' ? notaryCredentials(sources) : registryCredentials(sources);
    const common = { credentials, ...extra, ...(ca === undefined ? {} : { ca }), ...(this.options.maxSockets === undefined ? {} : { maxSockets: this.options.maxSockets }) };
    return this.options.retry === undefined ? new HttpClient(common) : new RetryingHttpClient({ ...common, retry: this.options.retry });
  }
}

/** docker's credential lookup (config.json, credential helpers), loaded on its first question. */
function dockerOnFirstUse(options: { configDir: string; env: NodeJS.ProcessEnv }): CredentialLookup {
  let lookup: Promise<CredentialLookup> | undefined;
  return async (host, request) => {
    lookup ??= import('../registry/docker-credentials').then(({ dockerCredentialLookup }) => dockerCredentialLookup(options));
    return (await lookup)(host, request);
  };
}

function endpointKey(kind: EndpointKind, endpoint: Endpoint): string {
  return JSON.stringify([kind, endpoint.url, endpoint.caPem ?? '', endpoint.account?.id ?? '', endpoint.account?.username ?? '']);
}
