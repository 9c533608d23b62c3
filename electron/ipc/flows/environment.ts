// What every write flow works with: the home dir, the saved servers, one notary client per server, the
// key vault, and a registry client for reading digests. A flow asks for a repository's context and
// gets exactly what electron/core/publish expects (a StageContext with the vault's signing keys).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { RegistrySource, RepositoryRef } from '../../../shared/schemas/flows';
import type { RegistryConfig, ServerConfig } from '../../../shared/schemas/settings';
import type { KeyVault } from '../../core/keys';
import { HttpClient } from '../../core/net/http';
import type { NotaryClient } from '../../core/notary/notary-client';
import { vaultSigningKeys, type SigningKeys } from '../../core/publish/signing';
import type { StageContext } from '../../core/publish/stage';
import { dockerCredentialLookup, firstCredentials, RegistryClient, registryOrigin } from '../../core/registry';
import { keychainCredentials } from '../core-services';
import { serverById } from '../handlers/repositories';
import type { ServerCredentials } from '../services';
import type { SettingsStore } from '../settings-store';

export interface WriteEnvironment {
  homeDir: string;
  dockerConfigDir: string;
  settings: SettingsStore;
  notary(server: ServerConfig): NotaryClient;
  /** The key vault; `passphrases` are offered, in turn, for an encrypted file being read. */
  vault(passphrases?: readonly string[]): KeyVault;
  /** Passwords of the configured registries (the security review's), by registry id. */
  registryCredentials?: ServerCredentials;
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
 * configured registry's, else docker's certificates for that host ($DOCKER_CONFIG/tls/<host>/*.crt),
 * else the notary server's CA (one company CA often issues both). docker's credentials are the fallback.
 */
export function registryFor(env: WriteEnvironment, ref: RepositoryRef, source: RegistrySource): { client: RegistryClient; repository: string; configured?: RegistryConfig; close: () => void } {
  const slash = ref.gun.indexOf('/');
  const configured = source.url === undefined ? configuredRegistry(env, ref.gun) : undefined;
  const origin = registryOrigin(source.url ?? configured?.url ?? `https://${ref.gun.slice(0, slash)}`);
  const ca = source.caPem ?? configured?.caPem ?? dockerTlsCertificates(env.dockerConfigDir, origin.host) ?? serverById(env.settings.read(), ref.serverId).caPem;
  const docker = dockerCredentialLookup({ configDir: env.dockerConfigDir });
  const keychain = configured === undefined ? undefined : keychainCredentials(configured, env.registryCredentials);
  // The keychain password is for the configured registry's host only.
  const credentials = keychain === undefined ? docker : firstCredentials((host) => (host === origin.host ? keychain(host) : Promise.resolve(undefined)), docker);
  const http = new HttpClient(ca === undefined ? { credentials } : { ca, credentials });
  return {
    client: new RegistryClient({ url: origin.origin, http }),
    repository: ref.gun.slice(slash + 1),
    ...(configured === undefined ? {} : { configured }),
    close: () => http.close(),
  };
}

function dockerTlsCertificates(dockerConfigDir: string, host: string): string | undefined {
  const dir = join(dockerConfigDir, 'tls', host);
  if (!existsSync(dir)) return undefined;
  const pems = readdirSync(dir)
    .filter((name) => name.endsWith('.crt'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
  return pems.length > 0 ? pems.join('\n') : undefined;
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
