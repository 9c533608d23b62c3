// The core's notary client and TUF engine behind the handlers' TrustService and ServerProbe.
import type { ServerInput } from '../../shared/schemas/settings';
import { Connections, type Account, type ConnectOptions, type Endpoint } from '../core/connect';
import { checkConnection, type CheckOptions, type ConnectionOutcome } from '../core/connect/connection-check';
import type { NotaryClient } from '../core/notary/notary-client';
import type { RegistryClient } from '../core/registry';
import { loadRepository } from '../core/trust/load-repository';
import { inspectDockerCache } from '../core/trust/docker-cache';
import { acknowledgeAnchor } from '../core/trust/root-anchor';
import { MetadataCache } from '../core/state/metadata-cache';
import type { ServerCredentials, ServerProbe, TrustService } from './services';

/**
 * The sign-in of a saved server (or registry) whose user has a password in the keychain. The password
 * is read when the server asks for it, never kept here.
 */
export function keychainAccount(account: { id?: string; username?: string }, store: ServerCredentials | undefined): Account | undefined {
  const { id, username } = account;
  if (id === undefined || username === undefined || store === undefined) return undefined;
  return { id, username, password: () => store.password(id) };
}

/** A saved server or registry as core/connect's endpoint: its URL, its CA, its own sign-in. */
export function endpointOf(saved: { url: string; caPem?: string; id?: string; username?: string }, store: ServerCredentials | undefined, fallbackCa?: string): Endpoint {
  const account = keychainAccount(saved, store);
  const caPem = saved.caPem ?? fallbackCa;
  return { url: saved.url, ...(caPem === undefined ? {} : { caPem }), ...(account === undefined ? {} : { account }) };
}

/**
 * The app's clients of notary servers and registries, reused across calls (connections, tokens):
 * core/connect's, with the saved servers' passwords as their own sign-in beside docker's and the
 * keychain's (the same the CLI uses).
 */
export class AppConnections {
  private readonly connections: Connections;

  constructor(
    options: ConnectOptions,
    private readonly serverCredentials?: ServerCredentials,
    private readonly registryCredentials?: ServerCredentials,
  ) {
    this.connections = new Connections(options);
  }

  get(server: ServerInput): NotaryClient {
    return this.connections.notary(endpointOf(server, this.serverCredentials));
  }

  registry(registry: { url: string; caPem?: string; id?: string; username?: string }, fallbackCa?: string): RegistryClient {
    return this.connections.registry(endpointOf(registry, this.registryCredentials, fallbackCa));
  }

  /** The connection check, on a client of its own with this server's CA and sign-in. */
  check(server: ServerInput, options: CheckOptions): Promise<ConnectionOutcome> {
    return checkConnection(this.connections, endpointOf(server, this.serverCredentials), options);
  }

  close(): void {
    this.connections.close();
  }
}

export function notaryTrustService(homeDir: string, clients: AppConnections): TrustService {
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

export function notaryProbe(clients: AppConnections): ServerProbe {
  return { check: (server, options) => clients.check(server, options) };
}
