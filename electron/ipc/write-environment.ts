// The app's answers to what the core's write jobs ask (electron/core/jobs/environment.ts): a repository
// reference names a saved server by id; the registry for a GUN is the configured one for its host (its
// URL, CA and keychain password), else https://<host> with docker's certificates and credentials.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegistrySource, RepositoryRef } from '../../shared/schemas/flows';
import type { RegistryConfig, ServerConfig } from '../../shared/schemas/settings';
import type { JobEnvironment, RegistryAccess } from '../core/jobs/environment';
import type { KeyVault } from '../core/keys';
import { HttpClient } from '../core/net/http';
import type { NotaryClient } from '../core/notary/notary-client';
import { dockerCredentialLookup, firstCredentials, RegistryClient, registryOrigin } from '../core/registry';
import { keychainCredentials } from './core-services';
import { serverById } from './handlers/repositories';
import type { ServerCredentials } from './services';
import type { SettingsStore } from './settings-store';

export interface AppWriteEnvironmentOptions {
  homeDir: string;
  dockerConfigDir: string;
  settings: SettingsStore;
  notary(server: ServerConfig): NotaryClient;
  vault(passphrases?: readonly string[]): KeyVault;
  /** Passwords of the configured registries (the security review's), by registry id. */
  registryCredentials?: ServerCredentials;
}

export interface AppWriteEnvironment extends JobEnvironment {
  settings: SettingsStore;
}

export function appWriteEnvironment(options: AppWriteEnvironmentOptions): AppWriteEnvironment {
  return {
    homeDir: options.homeDir,
    settings: options.settings,
    notary: (ref) => options.notary(serverById(options.settings.read(), ref.serverId)),
    vault: options.vault,
    registry: (ref, source) => registryFor(options, ref, source),
  };
}

/** The registry the settings configure for the GUN's registry host (its gunHost, else its URL's host). */
export function configuredRegistry(settings: SettingsStore, gun: string): RegistryConfig | undefined {
  const host = gun.slice(0, gun.indexOf('/'));
  return settings.read().registries.find((registry) => (registry.gunHost ?? registryOrigin(registry.url).host) === host);
}

/**
 * A registry client for the GUN's registry. Without an explicit URL: the registry configured for the
 * GUN's host (its URL, CA and keychain password), else https://<host>. Trusts the CA given, else the
 * configured registry's, else docker's certificates for that host ($DOCKER_CONFIG/tls/<host>/*.crt),
 * else the notary server's CA (one company CA often issues both). docker's credentials are the fallback.
 */
function registryFor(options: AppWriteEnvironmentOptions, ref: RepositoryRef, source: RegistrySource): RegistryAccess {
  const slash = ref.gun.indexOf('/');
  const configured = source.url === undefined ? configuredRegistry(options.settings, ref.gun) : undefined;
  const origin = registryOrigin(source.url ?? configured?.url ?? `https://${ref.gun.slice(0, slash)}`);
  const ca = source.caPem ?? configured?.caPem ?? dockerTlsCertificates(options.dockerConfigDir, origin.host) ?? serverById(options.settings.read(), ref.serverId).caPem;
  const docker = dockerCredentialLookup({ configDir: options.dockerConfigDir });
  const keychain = configured === undefined ? undefined : keychainCredentials(configured, options.registryCredentials);
  // The keychain password is for the configured registry's host only.
  const credentials = keychain === undefined ? docker : firstCredentials((host) => (host === origin.host ? keychain(host) : Promise.resolve(undefined)), docker);
  const http = new HttpClient(ca === undefined ? { credentials } : { ca, credentials });
  return {
    client: new RegistryClient({ url: origin.origin, http }),
    repository: ref.gun.slice(slash + 1),
    ...(configured === undefined ? {} : { name: configured.name }),
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
