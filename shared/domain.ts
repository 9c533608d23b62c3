// Domain types shared by the core, the CLI, the IPC contract and the renderer. Plain data only:
// everything here must survive structured cloning and JSON.
import type { ErrorInfo } from './errors';

export type KeyType = 'ecdsa' | 'ecdsa-x509' | 'ed25519' | 'rsa' | 'rsa-x509';

/** A TUF role as it was verified (or refused) in one refresh of a repository. */
export interface RoleView {
  /** "root", "targets", "snapshot", "timestamp" or a delegation such as "targets/releases". */
  name: string;
  status: 'verified' | 'failed';
  /** Present when status is 'failed': the check that refused this role. */
  error?: ErrorInfo;
  version?: number;
  /** RFC 3339. */
  expires?: string;
  threshold?: number;
  keyIds?: string[];
  /** Delegations only: the path patterns the role may sign. */
  paths?: string[];
  /** Keys held by the notary server (timestamp, and snapshot when server-managed). */
  serverManaged?: boolean;
}

export interface KeyView {
  id: string;
  keytype: KeyType;
  /** For x509 keys, the ID of the bare public key (what `notary key list` and key files use). */
  canonicalId?: string;
  /** For x509 keys: the certificate's expiry (RFC 3339). */
  certificateExpires?: string;
  /** For x509 keys: the start of the certificate's validity (RFC 3339), i.e. when the key was made. */
  certificateNotBefore?: string;
}

export interface SignedTagView {
  tag: string;
  /** Hex SHA-256 of the manifest, without the "sha256:" prefix (as docker trust inspect prints it). */
  digest: string;
  size: number;
  /** Signer names as docker trust inspect derives them ("Repo Admin" when only targets/releases or targets). */
  signers: string[];
  /** Every verified role holding this tag with this digest. */
  roles: string[];
}

export interface SignerView {
  name: string;
  keyIds: string[];
}

export interface RepositoryView {
  gun: string;
  server: string;
  /** When this data was last verified against the server (RFC 3339). */
  verifiedAt: string;
  /** Set when the server could not be reached and this is the last verified data. */
  stale?: { since: string; reason: ErrorInfo };
  /** Where the data came from: the server, or a local cache (e.g. docker's ~/.docker/trust/tuf). */
  source: 'server' | 'cache';
  roles: RoleView[];
  keys: KeyView[];
  signedTags: SignedTagView[];
  signers: SignerView[];
  administrativeKeys: { root: string[]; repository: string[] };
  /** Non-fatal problems, e.g. a delegation that failed verification and was left out. */
  warnings: ErrorInfo[];
}
