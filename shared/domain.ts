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

/** One key of a root, as a person compares it out of band. */
export interface RootKeyFacts {
  /** The ID root.json lists (for x509 keys, the certificate's ID). */
  id: string;
  /** For x509 keys: the bare public key's ID, which the Keys screen and key files use. */
  canonicalId?: string;
  /** SHA-256 of the certificate (DER), as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint?: string;
  /** The certificate's subject, e.g. "CN=registry.example.com/team/app". */
  subject?: string;
  notBefore?: string;
  notAfter?: string;
}

export interface RootFacts {
  version: number;
  threshold: number;
  keys: RootKeyFacts[];
}

/** What this repository's trust rests on: the pinned root, how and when it was pinned, and its last change. */
export interface TrustAnchorView {
  /** 'first-use': pinned the first time it was read (as SSH does); 'configured': by trust-pinning.json. */
  pinnedBy: 'first-use' | 'configured';
  /** Missing for pins made before Countersign recorded the date. */
  pinnedAt?: string;
  /** True when this very read pinned it. */
  firstUse: boolean;
  /** The user said they compared the fingerprint (or the pin came from the configuration). */
  acknowledged: boolean;
  root: RootFacts;
  /** The last time the root changed after it was pinned, until the user acknowledges it. */
  change?: {
    at: string;
    from: RootFacts;
    /** The keys whose signatures on the new root verified: those of the old root vouch for the change. */
    signedBy: { keyId: string; of: 'old root' | 'new root' | 'both' }[];
    acknowledged: boolean;
  };
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
  /**
   * Tags that verified but only in delegations docker pull does not read (it reads targets and
   * targets/releases): e.g. one signed only into targets/team or a nested targets/team/sub.
   */
  unpulledTags?: SignedTagView[];
  signers: SignerView[];
  administrativeKeys: { root: string[]; repository: string[] };
  /** Non-fatal problems, e.g. a delegation that failed verification and was left out. */
  warnings: ErrorInfo[];
  /** The pinned root (not for docker's cache, which has no pin of ours). */
  trustAnchor?: TrustAnchorView;
}
