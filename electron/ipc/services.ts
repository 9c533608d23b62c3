// What the handlers need from the rest of the app, as interfaces. The real implementations live in
// electron/core and are wired in wire-services.ts; tests and the test host pass the same objects.
import type { RepositoryView } from '../../shared/domain';
import type { ServerConfig, ServerInput } from '../../shared/schemas/settings';
import type {
  AppInfo,
  ImportProgress,
  KeyImportReport,
  KeySummary,
  MachineDiscovery,
} from '../../shared/schemas/views';
import type { AuditService, EvidenceService, FileSaver } from './audit-services';
import type { Jobs } from '../core/jobs';
import type { SettingsStore } from './settings-store';

export interface Cancellable {
  signal: AbortSignal;
}

export interface AppFacts {
  /** Everything about the running app except the first-start flag, which settings decide. */
  info(): Omit<AppInfo, 'firstStart'>;
}

export interface TrustService {
  /** Fetches, verifies and caches one repository; throws CountersignError naming the failed check. */
  inspect(input: { gun: string; server: ServerConfig }, options: Cancellable): Promise<RepositoryView>;
  /** Verifies the metadata a docker/notary trust dir cached for `gun`, without network. */
  inspectCached(input: { gun: string; trustDir: string }, options: Cancellable): Promise<RepositoryView>;
}

export interface ServerProbe {
  /**
   * Talks to the server as a notary client would and throws CountersignError on the first problem:
   * server-unreachable, tls-failed, http-status, auth-required, auth-failed, timeout.
   */
  probe(server: ServerInput, options: Cancellable): Promise<void>;
}

export interface KeyService {
  list(): Promise<KeySummary[]>;
  generate(input: { role: string; gun?: string; algorithm: 'ecdsa' | 'ed25519'; label?: string }): Promise<KeySummary>;
  importTrustDir(
    input: { dir: string; passphrases: readonly string[] },
    options: Cancellable & { progress: (event: ImportProgress) => void },
  ): Promise<KeyImportReport>;
  remove(id: string): Promise<void>;
}

/** Sign-in passwords of notary servers, in the OS keychain, by server id. */
export interface ServerCredentials {
  setPassword(serverId: string, password: string): Promise<void>;
  /** True when a password was stored. */
  forget(serverId: string): Promise<boolean>;
  password(serverId: string): Promise<string | undefined>;
}

export interface Discovery {
  /** docker's config dir (DOCKER_CONFIG or ~/.docker); its trust dir is `<this>/trust`. */
  dockerConfigDir: string;
  scan(): Promise<MachineDiscovery>;
}

export interface Services {
  app: AppFacts;
  settings: SettingsStore;
  trust: TrustService;
  servers: ServerProbe;
  credentials: ServerCredentials;
  keys: KeyService;
  discovery: Discovery;
  /** Signing, revocation, delegation, key rotation and expiry (electron/ipc/flows). */
  flows: Jobs;
  /** The security review of registries, and evidence archives (audit-services.ts). */
  audit: AuditService;
  evidence: EvidenceService;
  /** Registry passwords, in the keychain by registry id, apart from the servers'. */
  registryCredentials: ServerCredentials;
  /** How exports reach the user: a save dialog in the app, a download in the test host. */
  files: FileSaver;
}
