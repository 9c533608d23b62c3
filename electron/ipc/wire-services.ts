// The one place where the app's core is plugged into the handlers. The Electron main process and the
// loopback test host both build their Services here, so they answer the contract identically.
import { keychainSecretStore, openKeyVault, type SecretStore } from '../core/keys';
import type { ServerConfig } from '../../shared/schemas/settings';
import type { AppInfo } from '../../shared/schemas/views';
import { coreAuditService, coreEvidenceService, noFileSaver, type FileSaver } from './audit-services';
import { NotaryClients, notaryProbe, notaryTrustService } from './core-services';
import { createJobs } from '../core/jobs';
import { appWriteEnvironment } from './write-environment';
import { discoverMachine } from './machine-discovery';
import { passphraseList, vaultKeyService } from './key-service';
import type { ServerCredentials, Services } from './services';
import { SettingsStore, type KeyValueBackend } from './settings-store';

export interface ServiceOptions {
  runtime: AppInfo['runtime'];
  version: string;
  homeDir: string;
  dockerConfigDir: string;
  settingsBackend: KeyValueBackend;
  /** Replaces core parts, e.g. while a core module is still being written. */
  overrides?: Partial<Pick<Services, 'trust' | 'servers' | 'keys' | 'audit' | 'evidence'>>;
  /** Where server passwords are kept. Default: the OS keychain, service "countersign-servers". */
  serverSecrets?: SecretStore;
  /** Where registry passwords are kept. Default: the OS keychain, service "countersign-registries". */
  registrySecrets?: SecretStore;
  /** How exports reach the user (the app: a save dialog). Default: none, and saving fails. */
  files?: FileSaver;
}

/** Server passwords live apart from private keys: another keychain service, one entry per server id. */
export const SERVER_KEYCHAIN_SERVICE = 'countersign-servers';
export const REGISTRY_KEYCHAIN_SERVICE = 'countersign-registries';

export function secretCredentials(store: SecretStore): ServerCredentials {
  return {
    setPassword: (serverId, password) => store.set(serverId, password),
    forget: (serverId) => store.delete(serverId),
    password: async (serverId) => (await store.get(serverId)) ?? undefined,
  };
}

/** Services plus what must be released when the app or the test host stops. */
export interface RunningServices extends Services {
  close(): void;
}

export function createServices(options: ServiceOptions): RunningServices {
  const { runtime, version, homeDir, dockerConfigDir } = options;
  const credentials = secretCredentials(options.serverSecrets ?? keychainSecretStore(SERVER_KEYCHAIN_SERVICE));
  const clients = new NotaryClients(credentials);
  const registryCredentials = secretCredentials(options.registrySecrets ?? keychainSecretStore(REGISTRY_KEYCHAIN_SERVICE));
  const review = { homeDir, dockerConfigDir, serverCredentials: credentials, registryCredentials, notary: (server: ServerConfig) => clients.get(server) };
  return {
    close: () => clients.close(),
    app: { info: () => ({ name: 'Countersign', version, platform: process.platform, runtime, homeDir }) },
    settings: new SettingsStore(options.settingsBackend),
    trust: options.overrides?.trust ?? notaryTrustService(homeDir, clients),
    servers: options.overrides?.servers ?? notaryProbe(clients),
    credentials,
    // The key index shares the settings file; passphrases come with each request (no prompts here).
    keys:
      options.overrides?.keys ??
      vaultKeyService((passphrases) => openKeyVault({ homeDir, passphrases, backend: options.settingsBackend }), homeDir),
    discovery: { dockerConfigDir, scan: () => discoverMachine(dockerConfigDir) },
    flows: createJobs(appWriteEnvironment({
      homeDir,
      dockerConfigDir,
      settings: new SettingsStore(options.settingsBackend),
      notary: (server) => clients.get(server),
      vault: (passphrases = []) => openKeyVault({ homeDir, passphrases: passphraseList(passphrases), backend: options.settingsBackend }),
      registryCredentials,
    })),
    audit: options.overrides?.audit ?? coreAuditService(review),
    evidence: options.overrides?.evidence ?? coreEvidenceService(review),
    registryCredentials,
    files: options.files ?? noFileSaver,
  };
}
