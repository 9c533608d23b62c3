// What the handlers need from the rest of the app, as interfaces. The real implementations live in
// electron/core and are wired in wire-services.ts; tests and the test host pass the same objects.
import type { CheckOptions, ConnectionOutcome } from '../core/connect/connection-check';
import type { PickedPaths } from './picked-paths';
import type { RepositoryView } from '../../shared/domain';
import type { ServerConfig, ServerInput } from '../../shared/schemas/settings';
import type { VaultNote } from '../../shared/schemas/vault-notes';
import type {
  AppInfo,
  ImportProgress,
  KeySummary,
  MachineDiscovery,
  PerKeyImportReport,
  ScannedKey,
} from '../../shared/schemas/views';
import type { KeySource } from '../core/keys/key-import';
import type { AuditService, EvidenceService, FileSaver } from './audit-services';
import type { MigrateService } from './migrate-services';
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
  /** Marks the pinned root (and its last change) of a repository as seen by the user. */
  acknowledgeRoot(input: { gun: string; server: ServerConfig }): Promise<void>;
  /** Verifies the metadata a docker/notary trust dir cached for `gun`, without network. */
  inspectCached(input: { gun: string; trustDir: string }, options: Cancellable): Promise<RepositoryView>;
}

export interface ServerProbe {
  /**
   * Talks to the server as a notary client would, step by step (core/connect/connection-check.ts),
   * and says which step failed or timed out; rejects only when cancelled.
   */
  check(server: ServerInput, options: CheckOptions): Promise<ConnectionOutcome>;
}

export interface KeyService {
  list(): Promise<KeySummary[]>;
  generate(input: { role: string; gun?: string; algorithm: 'ecdsa' | 'ed25519'; label?: string }): Promise<KeySummary>;
  /** Step 1 of a key-by-key import: what the folder or files hold (no passphrase, no change). */
  scanImport(source: KeySource): Promise<ScannedKey[]>;
  /** Step 2: the chosen keys, each with its own passphrase; an outcome per key found. */
  importChosen(
    source: KeySource,
    choices: readonly { entry: string; passphrase?: string }[],
    options: Cancellable & { progress: (event: ImportProgress) => void },
  ): Promise<PerKeyImportReport>;
  /** Other homes that still hold or list the key keep their copies; they are named. */
  remove(id: string): Promise<{ otherHomes: { tag: string; path?: string }[] }>;
  label(id: string, label: string | undefined): Promise<KeySummary>;
  get(id: string): Promise<KeySummary>;
  /** Encrypted PEM (notary / docker trust key load); the text goes to a file the user chooses, never to the renderer. */
  exportKeys(ids: readonly string[], passphrase: string): Promise<string>;
  /** What the vault's recovery after a crash found and did, not yet dismissed (recovers first). */
  notes(): Promise<VaultNote[]>;
  dismissNotes(through: number): void;
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
  /** The exit ramp from DCT to cosign signatures (migrate-services.ts). */
  migrate: MigrateService;
  /** Registry passwords, in the keychain by registry id, apart from the servers'. */
  registryCredentials: ServerCredentials;
  /** How exports reach the user: a save dialog in the app, a download in the test host. */
  files: FileSaver;
  /** Paths the user picked in a main-process dialog, by opaque reference (picked-paths.ts). */
  paths: PickedPaths;
}
