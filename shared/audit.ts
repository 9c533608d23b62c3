// The security review's report model, shared by the core (which builds it), the CLI (which prints and
// exports it) and the app's dashboard (which draws it). Types only: plain data that survives JSON and
// structured cloning.
import type { ErrorInfo } from './errors';
import type { KeyType } from './domain';
import type { CosignTagStatus } from './migrate';

/**
 * One status per registry tag; the first rule that applies decides (electron/core/audit/README.md
 * says it in full):
 * 1. no trust data (notary-server said so): unsigned; trust data that could not be read (sign-in
 *    refused, no notary server at that address, unreachable): trust-unreadable, which fails closed
 *    and is never "unsigned" nor "signature-invalid"; trust data that failed verification:
 *    signature-invalid.
 * 2. no verified targets/releases or targets holds the tag: revoked-signer when a failed releasing role
 *    claims it and is signed only by keys its parent no longer lists, signature-invalid when it failed
 *    otherwise, else unsigned.
 * 3. the registry serves another digest than the signed one: digest-mismatch.
 * 4. every signer delegation holding it had its keys removed or no longer verifies: revoked-signer.
 * 5. a role (or the root certificates) it depends on expires within the window: expiring-soon. The
 *    timestamp is not counted: the notary server renews it by itself.
 * 6. signed.
 */
export type TagStatus = 'signed' | 'unsigned' | 'digest-mismatch' | 'signature-invalid' | 'revoked-signer' | 'expiring-soon' | 'trust-unreadable';

export const TAG_STATUSES: readonly TagStatus[] = ['signed', 'expiring-soon', 'unsigned', 'digest-mismatch', 'revoked-signer', 'signature-invalid', 'trust-unreadable'];

/** Why trust data could not be read: each needs another fix, and none says anything about signatures. */
export type UnreadableReason = 'sign-in refused' | 'no notary server' | 'unreachable';

/** The earliest expiry among what a signed tag depends on. */
export interface ExpiryDependency {
  /** A role name, or "root certificates". */
  what: string;
  /** RFC 3339. */
  expires: string;
  /** Whole days from the audit's clock, rounded down (negative once past). */
  daysLeft: number;
}

export interface TagAudit {
  tag: string;
  status: TagStatus;
  /** "sha256:<hex>" the registry serves for the tag now. */
  registryDigest: string;
  /** "sha256:<hex>" the verified trust data signs for the tag (docker pull's choice: targets/releases, else targets). */
  signedDigest?: string;
  /** Signer names as docker trust inspect derives them ("Repo Admin" when only targets or targets/releases hold it). */
  signers: string[];
  /** Verified roles that hold the tag with the signed digest. */
  roles: string[];
  /** The role whose failure or revocation explains a failing status. */
  failedRole?: string;
  /** For signed and expiring tags: the first of its dependencies to expire. */
  firstExpiry?: ExpiryDependency;
  /** One sentence: why this status. */
  reason: string;
  /** The cosign signature status beside the DCT one, when the audit was given a cosign public key. */
  cosign?: CosignTagStatus;
}

export type SignerState = 'active' | 'revoked' | 'invalid' | 'unpublished';

export interface SignerAudit {
  /** As docker names signers: the delegation without "targets/". */
  name: string;
  role: string;
  state: SignerState;
  /** Canonical key IDs (docker trust inspect's). */
  keyIds: string[];
  /** Registry tags this signer signed with the digest they are released with. */
  tags: string[];
  error?: ErrorInfo;
}

export interface KeyAudit {
  /** The ID the metadata lists it under. */
  id: string;
  /** For certificates, the ID of the bare public key (what key files and docker show). */
  canonicalId?: string;
  keytype: KeyType;
  /** Roles that list this key. */
  roles: string[];
  /** Certificate keys only: validity, and the age in whole days at the audit's clock. */
  notBefore?: string;
  notAfter?: string;
  ageDays?: number;
}

export interface RoleAudit {
  name: string;
  status: 'verified' | 'failed' | 'unpublished';
  version?: number;
  expires?: string;
  daysLeft?: number;
  threshold?: number;
  keyIds: string[];
  /** A delegation that failed because it is signed only by keys its parent no longer lists for it. */
  revoked?: boolean;
  error?: ErrorInfo;
}

/**
 * How far the audit got with a repository's trust data: verified now; verified earlier and served
 * from the cache because the server could not be reached (stale); none on the server (absent);
 * refused by verification (failed); or not readable at all (unreachable: the tags fail closed).
 */
export type TrustState = 'verified' | 'stale' | 'absent' | 'failed' | 'unreachable';

export interface RepositoryAudit {
  /** The registry's name for it ("team/app"). */
  repository: string;
  /** The trust data's name: "<registry host>/<repository>". */
  gun: string;
  trust: TrustState;
  /** Why the trust data could not be used (trust 'failed' or 'unreachable'), or why it is stale. */
  trustError?: ErrorInfo;
  /** Trust 'unreachable': what kept the trust data from being read. */
  unreadable?: UnreadableReason;
  /** When the trust data was verified (RFC 3339); absent when there is none. */
  verifiedAt?: string;
  /** The registry could not be read for this repository: no tags were audited. */
  registryError?: ErrorInfo;
  tags: TagAudit[];
  /** Tags the trust data signs that the registry does not (or no longer) serve. */
  signedTagsNotInRegistry: string[];
  signers: SignerAudit[];
  keys: KeyAudit[];
  roles: RoleAudit[];
  counts: Record<TagStatus, number>;
}

export interface AuditReport {
  /** The registry's origin, "https://host:port". */
  registry: string;
  /** The notary server the trust data came from. */
  server: string;
  /** The clock every rule used (RFC 3339). */
  auditedAt: string;
  finishedAt: string;
  expiringWithinDays: number;
  repositories: RepositoryAudit[];
  totals: Record<TagStatus, number>;
  /** Repositories whose registry side or trust data could not be read. */
  incomplete: number;
}

export interface AuditProgress {
  phase: 'listing' | 'auditing';
  done: number;
  total: number;
  /** The repository that just finished. */
  repository?: string;
}

/**
 * What a pipeline may refuse (`--fail-on`): 'invalid' also covers revoked signers; 'cosign' refuses
 * every tag without a verified cosign signature (the audit needs a cosign public key for it). Unreadable
 * trust data fails an audit whatever the policy (the review is incomplete); 'unreadable' names it too.
 */
export type AuditPolicyCategory = 'unsigned' | 'mismatch' | 'invalid' | 'revoked' | 'expiring' | 'cosign' | 'unreadable';

// ---------------------------------------------------------------------------------------------
// Evidence archive

/** The named checks of an archive's offline verification, in the order they run. */
export type ArchiveCheckName =
  | 'archive-format'
  | 'file-hashes'
  | 'root-chain'
  | 'metadata'
  | 'roles'
  | 'tag-map'
  /** Only in archives that hold cosign signatures: each covers a digest the verified DCT data signs for that tag. */
  | 'cosign';

export interface ArchiveCheck {
  name: ArchiveCheckName;
  ok: boolean;
  /** What was checked, or what failed. */
  detail: string;
  error?: ErrorInfo;
}

export interface ArchivedRepositoryVerification {
  gun: string;
  server: string;
  /** The time the data was verified at archive time; the offline verification runs as of it. */
  verifiedAt: string;
  rootVersions: number;
  roles: string[];
  signedTags: number;
  checks: ArchiveCheck[];
  ok: boolean;
}

export interface ArchiveVerification {
  ok: boolean;
  /** sha256 of the whole archive file (compare with the one printed when it was made). */
  archiveSha256: string;
  createdAt?: string;
  /** Checks about the archive as a whole (format, its manifest's own hash). */
  checks: ArchiveCheck[];
  repositories: ArchivedRepositoryVerification[];
}
