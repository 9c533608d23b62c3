// The app's answers to what the core's write jobs ask (electron/core/jobs/environment.ts): a repository
// reference names a saved server by id; the registry for a GUN is the configured one for its host (its
// URL, CA and keychain password), else https://<host> with docker's certificates and credentials.
import type { RegistrySource, RepositoryRef } from '../../shared/schemas/flows';
import type { RegistryConfig, ServerConfig } from '../../shared/schemas/settings';
import type { JobEnvironment, RegistryAccess } from '../core/jobs/environment';
import type { KeyVault } from '../core/keys';
import type { NotaryClient } from '../core/notary/notary-client';
import { registryOrigin, type RegistryClient } from '../core/registry';
import { serverById } from './handlers/repositories';
import type { SettingsStore } from './settings-store';

export interface AppWriteEnvironmentOptions {
  homeDir: string;
  dockerConfigDir: string;
  settings: SettingsStore;
  notary(server: ServerConfig): NotaryClient;
  vault(passphrases?: readonly string[]): KeyVault;
  /** A registry's pooled client (core/connect): its CA beside docker's, docker's sign-in, then its own saved one. */
  registry(registry: { url: string; caPem?: string; id?: string; username?: string }, fallbackCa?: string): RegistryClient;
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
 * configured registry's, else the notary server's (one company CA often issues both), beside docker's
 * certificates for that host; signs in as docker would, then with the configured registry's password.
 */
function registryFor(options: AppWriteEnvironmentOptions, ref: RepositoryRef, source: RegistrySource): RegistryAccess {
  const slash = ref.gun.indexOf('/');
  const configured = source.url === undefined ? configuredRegistry(options.settings, ref.gun) : undefined;
  const origin = registryOrigin(source.url ?? configured?.url ?? `https://${ref.gun.slice(0, slash)}`);
  const caPem = source.caPem ?? configured?.caPem;
  // The keychain password is for the configured registry only, never for another URL the request names.
  const account = configured === undefined ? {} : { id: configured.id, ...(configured.username === undefined ? {} : { username: configured.username }) };
  const client = options.registry({ url: origin.origin, ...(caPem === undefined ? {} : { caPem }), ...account }, serverById(options.settings.read(), ref.serverId).caPem);
  return {
    client,
    repository: ref.gun.slice(slash + 1),
    ...(configured === undefined ? {} : { name: configured.name }),
    // The client is pooled for the app's lifetime (its tokens are reused); nothing to release per job.
    close: () => undefined,
  };
}
