// Shapes the main process sends back to the renderer (besides RepositoryView in ../domain).
// Plain data only; nothing here ever carries private key material.
import type { ErrorInfo } from '../errors';
import type { KeyType } from '../domain';

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  /** 'electron' in the app, 'test-host' when the renderer runs against the loopback test host. */
  runtime: 'electron' | 'test-host';
  /** Where Countersign keeps its settings, pinned roots and verified-metadata cache. */
  homeDir: string;
  /** True while no notary server is configured: the renderer then opens the first-start view. */
  firstStart: boolean;
}

/**
 * The steps of a connection check, in order: DNS (address), TCP (connect), TLS, an HTTP answer to
 * GET /_notary_server/health, that answer being a notary server's, the sign-in token (only when the
 * server asks for one), reading a repository's root.json (auth).
 */
export const CONNECTION_STEPS = ['address', 'connect', 'tls', 'http', 'notary', 'token', 'auth'] as const;
export type ConnectionStep = (typeof CONNECTION_STEPS)[number];

export interface ConnectionCheck {
  step: ConnectionStep;
  /** `skipped`: not reached because an earlier step failed; `not-applicable`: plain http's TLS, an unasked token. */
  status: 'passed' | 'failed' | 'skipped' | 'not-applicable';
  detail: string;
}

/** The step a running check is at, streamed while it waits. */
export interface ConnectionCheckProgress {
  step: ConnectionStep;
}

/** A connection check gives up after this long, and the form says so while it waits. */
export const CONNECTION_CHECK_TIMEOUT_SECONDS = 15;

/**
 * Who the server's token service signed in (no account: anonymous) and what it grants for each
 * repository asked about (the server's watched ones), as a connection check reports it.
 */
export interface SignInReport {
  account?: string;
  access: { gun: string; pull: boolean; push: boolean }[];
}

export interface ConnectionReport {
  url: string;
  ok: boolean;
  checks: ConnectionCheck[];
  /** One or two sentences a person can act on ("The certificate is not trusted: add the CA that issued it"). */
  explanation: string;
  error?: ErrorInfo;
  /** With a token service (Harbor, notary-server with token auth): who is signed in, and their rights. */
  signIn?: SignInReport;
  /** Set when the check gave up waiting: at which step, after how long. */
  timedOut?: { step: ConnectionStep; seconds: number };
  /** Things worth knowing even when the check passed (e.g. Docker Hub's notary shutting down). */
  notices: string[];
}

export type TrustState = 'verified' | 'warnings' | 'failed' | 'stale' | 'not-checked';

export interface WatchStatus {
  gun: string;
  serverId: string;
  state: TrustState;
  checkedAt?: string;
  /** The role that expires first, so a list can say "targets expires in 12 days". */
  nearestExpiry?: { role: string; expires: string };
  signedTagCount?: number;
  /** Why the state is not 'verified'. */
  error?: ErrorInfo;
  /** For a stale or failed state: since when the same problem has lasted (RFC 3339). */
  since?: string;
}

export interface RefreshProgress {
  done: number;
  total: number;
  /** The repository that just finished. */
  status?: WatchStatus;
}

export interface KeyUsage {
  gun: string;
  role: string;
  expires?: string;
}

export interface KeySummary {
  id: string;
  role: string;
  gun?: string;
  keytype: KeyType;
  label?: string;
  createdAt?: string;
  /** How the key reached the vault. */
  origin: 'generated' | 'imported';
  /** 'offline': exported to an encrypted file and removed from the keychain (an offline root key). */
  location: 'keychain' | 'offline';
  /** Where an offline key's encrypted file was written. */
  offlineFile?: string;
  usage: KeyUsage[];
  /** The public half as a .pub file (PEM PUBLIC KEY with a role header) that docker trust signer add accepts. */
  publicKeyPem: string;
  publicKeyFileName: string;
}

/**
 * One key (or unreadable file) found by a scan before a key-by-key import: what its file's name and
 * headers say, never its content. `entry` names it in the import's choices: its key ID when known
 * before unlocking (named by its file, or not encrypted), else `block-<hash of the encrypted bytes>`.
 */
export interface ScannedKey {
  entry: string;
  /** The canonical key ID (as `notary key list` and the Keys screen show it), when known. */
  keyId?: string;
  role?: string;
  gun?: string;
  file: string;
  encrypted: boolean;
  /** The vault already lists this ID: the import leaves it as it is. */
  present: boolean;
  /** The file could not be read as a key (its code and plain words): nothing to choose. */
  problem?: ErrorInfo;
}

/** What a file or folder holds, and the reference that names it again in the import (main keeps the path). */
export interface KeyImportScan {
  keys: ScannedKey[];
  /** Sent back verbatim with keys.importChosen (a new single-use reference; absent for docker's own dir). */
  source: { dir?: string; file?: string };
  /** Where the keys were found, for the user to read. */
  location: string;
}

export type KeyImportStatus = 'imported' | 'skipped' | 'already-present' | 'passphrase-wrong' | 'unreadable';

/** What happened to one key of a key-by-key import. */
export interface KeyImportOutcome {
  entry: string;
  keyId?: string;
  role?: string;
  gun?: string;
  file: string;
  status: KeyImportStatus;
  /** Why, for every status but 'imported'. */
  reason?: ErrorInfo;
}

export interface PerKeyImportReport {
  outcomes: KeyImportOutcome[];
}

export interface ImportProgress {
  done: number;
  total: number;
  file: string;
}

/** A private key file found in docker's trust dir. Only what its headers and name say: never its content. */
export interface DiscoveredKey {
  id: string;
  role?: string;
  gun?: string;
  file: string;
  encrypted: boolean;
}

/** Trust data docker cached for one repository (~/.docker/trust/tuf/<gun>/metadata; no server in the path). */
export interface CachedTrustData {
  gun: string;
  roles: string[];
  modifiedAt: string;
}

export interface MachineDiscovery {
  dockerConfigDir: string;
  trustDir: string;
  keys: DiscoveredKey[];
  cached: CachedTrustData[];
  /** Things that could not be read, in plain words (unreadable dir, odd file). */
  problems: string[];
}

/** What a main-process file dialog is opened for: the only way a path reaches a key operation. */
export const PICK_PURPOSES = ['save-key-file', 'open-key-file', 'open-trust-dir'] as const;
export type PickPurpose = (typeof PICK_PURPOSES)[number];

/** The user's choice in that dialog: `ref` stands for the path in one later request. */
export type PickedPath = { chosen: false } | { chosen: true; ref: string; name: string; path: string };
