// What every write flow works with: the home dir, the saved servers, one notary client per server, the
// key vault, and a registry client for reading digests. A flow asks for a repository's context and
// gets exactly what electron/core/publish expects (a StageContext with the vault's signing keys).
import { CountersignError } from '../../../shared/errors';
import type { RegistrySource, RepositoryRef } from '../../../shared/schemas/flows';
import type { RegistryConfig, ServerConfig } from '../../../shared/schemas/settings';
import type { KeyVault } from '../../core/keys';
import type { NotaryClient } from '../../core/notary/notary-client';
import { vaultSigningKeys, type SigningKeys } from '../../core/publish/signing';
import type { StageContext } from '../../core/publish/stage';
import { registryOrigin, type RegistryClient } from '../../core/registry';
import { serverById } from '../handlers/repositories';
import type { SettingsStore } from '../settings-store';

export interface WriteEnvironment {
  homeDir: string;
  dockerConfigDir: string;
  settings: SettingsStore;
  notary(server: ServerConfig): NotaryClient;
  /** A registry's pooled client (core/connect): its CA beside docker's, its own sign-in, docker's. */
  registry(registry: { url: string; caPem?: string; id?: string; username?: string }, fallbackCa?: string): RegistryClient;
  /** The key vault; `passphrases` are offered, in turn, for an encrypted file being read. */
  vault(passphrases?: readonly string[]): KeyVault;
}

export type RepositoryContext = StageContext & { vault: KeyVault; server: ServerConfig };

/**
 * The context core/publish needs for one repository. `live` keys re-read what the keychain holds at
 * every signature: a rotation makes a key halfway through and must sign with it.
 */
export function repositoryContext(env: WriteEnvironment, ref: RepositoryRef, signal: AbortSignal, options: { live?: boolean } = {}): RepositoryContext {
  const server = serverById(env.settings.read(), ref.serverId);
  const vault = env.vault();
  const keys: SigningKeys = options.live ? liveSigningKeys(vault) : vaultSigningKeys(vault);
  return { home: env.homeDir, notary: env.notary(server), gun: ref.gun, signal, keys, vault, server };
}

function liveSigningKeys(vault: KeyVault): SigningKeys {
  return {
    heldKeyIds: () => vaultSigningKeys(vault).heldKeyIds(),
    signer: (id) => vault.getSigner(id),
  };
}

/** The registry the settings configure for the GUN's registry host (its gunHost, else its URL's host). */
export function configuredRegistry(env: WriteEnvironment, gun: string): RegistryConfig | undefined {
  const host = gun.slice(0, gun.indexOf('/'));
  return env.settings.read().registries.find((registry) => (registry.gunHost ?? registryOrigin(registry.url).host) === host);
}

/**
 * A registry client for the GUN's registry. Without an explicit URL: the registry configured for the
 * GUN's host (its URL, CA and keychain password), else https://<host>. Trusts the CA given, else the
 * configured registry's, else the notary server's (one company CA often issues both), beside docker's
 * certificates for that host; signs in as docker would, then with the configured registry's password.
 */
export function registryFor(env: WriteEnvironment, ref: RepositoryRef, source: RegistrySource): { client: RegistryClient; repository: string; configured?: RegistryConfig; close: () => void } {
  const slash = ref.gun.indexOf('/');
  const configured = source.url === undefined ? configuredRegistry(env, ref.gun) : undefined;
  const origin = registryOrigin(source.url ?? configured?.url ?? `https://${ref.gun.slice(0, slash)}`);
  const caPem = source.caPem ?? configured?.caPem;
  // The keychain password is for the configured registry only, never for another URL the request names.
  const account = configured === undefined ? {} : { id: configured.id, ...(configured.username === undefined ? {} : { username: configured.username }) };
  const client = env.registry({ url: origin.origin, ...(caPem === undefined ? {} : { caPem }), ...account }, serverById(env.settings.read(), ref.serverId).caPem);
  return {
    client,
    repository: ref.gun.slice(slash + 1),
    ...(configured === undefined ? {} : { configured }),
    // The client is pooled for the app's lifetime (its tokens are reused); nothing to release per call.
    close: () => undefined,
  };
}

/** Refuses a request that names the same repository twice (it would be published twice). */
export function distinctRepositories<T extends RepositoryRef>(repositories: readonly T[]): T[] {
  const seen = new Set<string>();
  for (const ref of repositories) {
    const key = `${ref.serverId} ${ref.gun}`;
    if (seen.has(key)) throw new CountersignError('invalid-input', `${ref.gun} is listed twice`);
    seen.add(key);
  }
  return [...repositories];
}
