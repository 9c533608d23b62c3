// The core's notary client and TUF engine behind the handlers' TrustService and ServerProbe.
import type { ServerInput } from '../../shared/schemas/settings';
import { HttpClient, type CredentialLookup } from '../core/net/http';
import { NotaryClient } from '../core/notary/notary-client';
import { loadRepository } from '../core/trust/load-repository';
import { inspectDockerCache } from '../core/trust/docker-cache';
import { acknowledgeAnchor } from '../core/trust/root-anchor';
import { MetadataCache } from '../core/state/metadata-cache';
import type { ServerCredentials, ServerProbe, TrustService } from './services';

/**
 * The sign-in of a saved server (or registry) whose user has a password in the keychain. The password
 * is read when the server asks for it, never kept here.
 */
export function keychainCredentials(account: { id?: string; username?: string }, store: ServerCredentials | undefined): CredentialLookup | undefined {
  const { id, username } = account;
  if (id === undefined || username === undefined || store === undefined) return undefined;
  return async () => {
    const password = await store.password(id);
    return password === undefined ? undefined : { username, password };
  };
}

/** One HTTP client per server, CA and user, reused across calls (connections, tokens). */
export class NotaryClients {
  private readonly clients = new Map<string, { http: HttpClient; notary: NotaryClient }>();

  constructor(private readonly credentials?: ServerCredentials) {}

  get(server: ServerInput): NotaryClient {
    const key = JSON.stringify([server.url, server.caPem ?? '', server.id ?? '', server.username ?? '']);
    let entry = this.clients.get(key);
    if (entry === undefined) {
      const lookup = keychainCredentials(server, this.credentials);
      const http = new HttpClient({ ...(server.caPem === undefined ? {} : { ca: server.caPem }), ...(lookup === undefined ? {} : { credentials: lookup }) });
      entry = { http, notary: new NotaryClient(server.url, http) };
      this.clients.set(key, entry);
    }
    return entry.notary;
  }

  close(): void {
    for (const { http } of this.clients.values()) http.close();
    this.clients.clear();
  }
}

export function notaryTrustService(homeDir: string, clients: NotaryClients): TrustService {
  return {
    async inspect({ gun, server }, { signal }) {
      const notary = clients.get(server);
      const { view } = await loadRepository({ home: homeDir, server: notary.serverUrl, gun, fetcher: notary.fetcher(gun), signal });
      return view;
    },
    async acknowledgeRoot({ gun, server }) {
      await acknowledgeAnchor(new MetadataCache(homeDir, clients.get(server).serverUrl, gun).dir);
    },
    inspectCached({ gun, trustDir }, { signal }) {
      return inspectDockerCache({ gun, trustDir, signal });
    },
  };
}

/** A repository name nobody uses: asking for it shows whether the server lets us read at all. */
const PROBE_GUN = 'countersign.invalid/connection-check';

export function notaryProbe(clients: NotaryClients): ServerProbe {
  return {
    async probe(server, { signal }) {
      const notary = clients.get(server);
      await notary.health(signal);
      // 404 (no such repository) means reading is allowed; 401/403 surface as auth errors.
      await notary.fetcher(PROBE_GUN).fetch('root.json', 64 * 1024, signal);
    },
  };
}
