// The move from Docker Content Trust to cosign signatures: the plan (what will be signed, with which
// key, and what will not and why), the outcome per tag, and the cosign column of the audit. Types
// only: plain data that survives JSON and structured cloning.
import type { ErrorInfo } from './errors';
import type { TagStatus } from './audit';

/** A tag whose DCT signature verified and whose registry digest is the signed one. */
export interface PlannedSignature {
  repository: string;
  gun: string;
  tag: string;
  /** "sha256:<hex>": the registry's digest, equal to the one DCT signed. */
  digest: string;
  /** `critical.identity.docker-reference`: the repository as image references name it. */
  identity: string;
  /** What DCT vouched for it with. */
  dct: { status: TagStatus; signers: string[]; roles: string[]; verifiedAt?: string };
}

/** A tag that will not be signed, with the audit's reason. */
export interface SkippedTag {
  repository: string;
  /** Empty when the whole repository could not be read. */
  tag: string;
  /** The audit status, or "unreadable" when the repository could not be read at all. */
  status: TagStatus | 'unreadable' | 'stale';
  reason: string;
}

export interface MigrationPlan {
  registry: string;
  server: string;
  createdAt: string;
  /** The vault key that will sign. */
  keyId: string;
  /** Its public half as cosign.pub (PKIX PEM): hand it to the policy engines. */
  publicKeyPem: string;
  sign: PlannedSignature[];
  skipped: SkippedTag[];
}

export type MigrationOutcome =
  /** A new signature was written, read back and verified. */
  | 'signed'
  /** A signature by this key of this digest and identity was already there: nothing written. */
  | 'already-signed'
  /** --dry-run: would be signed. */
  | 'planned'
  | 'failed'
  | 'cancelled';

export interface MigrationTagResult {
  repository: string;
  tag: string;
  digest: string;
  outcome: MigrationOutcome;
  /** "sha256-<hex>.sig" */
  signatureTag: string;
  /** The payload layer that carries the signature (new or found). */
  layerDigest?: string;
  /** The base64 DER signature (new or found). */
  signature?: string;
  error?: ErrorInfo;
}

export interface MigrationReport {
  plan: MigrationPlan;
  results: MigrationTagResult[];
  finishedAt: string;
  cancelled: boolean;
  counts: Record<MigrationOutcome, number>;
}

export interface MigrationProgress {
  phase: 'auditing' | 'signing';
  done: number;
  total: number;
  repository?: string;
}

/** The cosign column of the audit, for one tag and one public key. */
export type CosignState =
  /** A signature by the key, of the registry's digest, for this repository. */
  | 'verified'
  /** No signature manifest, or none of its layers is a simple-signing signature. */
  | 'none'
  /** Signatures exist, but none is the key's for this digest and repository. */
  | 'not-verified'
  /** The signatures could not be read: not "none" (fail closed). */
  | 'unreadable';

export interface CosignTagStatus {
  state: CosignState;
  /** How many simple-signing layers were found. */
  signatures: number;
  reason: string;
  /** The verified signature's payload layer. */
  layerDigest?: string;
}
