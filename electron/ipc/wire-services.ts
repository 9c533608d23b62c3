// The one place where the app's core is plugged into the handlers. The Electron main process and the
// loopback test host both build their Services here, so they answer the contract identically.
import { keychainSecretStore, openKeyVault, type RecoveryEvent, type SecretStore } from '../core/keys';
import type { ServerConfig } from '../../shared/schemas/settings';
import type { AppInfo } from '../../shared/schemas/views';
import { coreAuditService, coreEvidenceService, noFileSaver, type FileSaver } from './audit-services';
import { keychainLoginStore, LOGIN_KEYCHAIN_SERVICE } from '../core/connect';
import { AppConnections, notaryProbe, notaryTrustService } from './core-services';
import { createJobs } from '../core/jobs';
import { appWriteEnvironment } from './write-environment';
import { discoverMachine } from './machine-discovery';
import { passphraseList, vaultKeyService } from './key-service';
import { coreMigrateService } from './migrate-services';
import { noPathChooser, PickedPaths, type PathChooser } from './picked-paths';
import type { ServerCredentials, Services } from './services';
import { SettingsStore, type KeyValueBackend } from './settings-store';
import { VaultNotes } from './vault-notes';

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
  /** Sign-ins by host shared with the CLI (`countersign login`). Default: the OS keychain, "countersign-logins". */
  loginSecrets?: SecretStore;
  /** NOTARY_AUTH and the PATH of docker's credential helpers. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** How exports reach the user (the app: a save dialog). Default: none, and saving fails. */
  files?: FileSaver;
  /** The file dialog key operations take their paths from (the app: Electron's open/save dialog). */
  chooser?: PathChooser;
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

/** What the vault found and finished after a crash: the app's log says it and the Keys screen shows it (the CLI prints it). */
function recoveryReporter(notes: VaultNotes): (events: readonly RecoveryEvent[]) => void {
  return (events) => {
    for (const event of events) console.warn(`[key vault] ${event.message}`);
    notes.record(events);
  };
}

/** Services plus what must be released when the app or the test host stops. */
export interface RunningServices extends Services {
  close(): void;
}

export function createServices(options: ServiceOptions): RunningServices {
  const { runtime, version, homeDir, dockerConfigDir } = options;
  const credentials = secretCredentials(options.serverSecrets ?? keychainSecretStore(SERVER_KEYCHAIN_SERVICE));
  const registryCredentials = secretCredentials(options.registrySecrets ?? keychainSecretStore(REGISTRY_KEYCHAIN_SERVICE));
  const connect = {
    dockerConfigDir,
    env: options.env ?? process.env,
    logins: keychainLoginStore(options.loginSecrets ?? keychainSecretStore(LOGIN_KEYCHAIN_SERVICE)),
  };
  const clients = new AppConnections(connect, credentials, registryCredentials);
  const review = { homeDir, connect, serverCredentials: credentials, registryCredentials, notary: (server: ServerConfig) => clients.get(server) };
  const audit = options.overrides?.audit ?? coreAuditService(review);
  const notes = new VaultNotes();
  const logRecovery = recoveryReporter(notes);
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
      vaultKeyService((passphrases) => openKeyVault({ homeDir, passphrases, backend: options.settingsBackend, onRecovery: logRecovery }), homeDir, notes),
    discovery: { dockerConfigDir, scan: () => discoverMachine(dockerConfigDir) },
    flows: createJobs(appWriteEnvironment({
      homeDir,
      dockerConfigDir,
      settings: new SettingsStore(options.settingsBackend),
      notary: (server) => clients.get(server),
      registry: (registry, fallbackCa) => clients.registry(registry, fallbackCa),
      vault: (passphrases = []) => openKeyVault({ homeDir, passphrases: passphraseList(passphrases), backend: options.settingsBackend, onRecovery: logRecovery }),
    })),
    audit,
    evidence: options.overrides?.evidence ?? coreEvidenceService(review),
    migrate: coreMigrateService({
      audit,
      connect,
      registryCredentials,
      vault: () => openKeyVault({ homeDir, passphrases: passphraseList([]), backend: options.settingsBackend, onRecovery: logRecovery }),
    }),
    registryCredentials,
    files: options.files ?? noFileSaver,
    paths: new PickedPaths(options.chooser ?? noPathChooser),
  };
}
