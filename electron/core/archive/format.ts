// The evidence archive's layout and manifest (README.md in this folder describes the format for
// people). Everything here is about names and shapes; verification lives in verify-evidence.ts.
import { z } from 'zod';
import { ERROR_CODES } from '../../../shared/errors';

export const ARCHIVE_FORMAT = 'countersign-evidence-archive';
export const ARCHIVE_VERSION = 1;
export const MANIFEST_PATH = 'countersign-archive.json';
/** The manifest's own sha256 (hex, then a newline): the manifest is covered by a hash like every file. */
export const MANIFEST_HASH_PATH = 'countersign-archive.json.sha256';

export const ARCHIVE_LIMITS = {
  /** The whole archive file. */
  maxArchiveBytes: 1024 * 1024 * 1024,
  maxEntries: 200_000,
  maxManifestBytes: 64 * 1024 * 1024,
  maxTagMapBytes: 256 * 1024 * 1024,
} as const;

/** Where a repository's files live: repositories/<n>/, n counting from 1 in manifest order. */
export function repositoryDirectory(index: number): string {
  return `repositories/${index + 1}`;
}

export function rootVersionPath(directory: string, version: number): string {
  return `${directory}/root-history/${version}.root.json`;
}

export function metadataPath(directory: string, role: string): string {
  return `${directory}/metadata/${role}.json`;
}

/** The role a metadata path holds, or undefined when the path is not under metadata/. */
export function roleOfMetadataPath(directory: string, path: string): string | undefined {
  const prefix = `${directory}/metadata/`;
  return path.startsWith(prefix) && path.endsWith('.json') ? path.slice(prefix.length, -'.json'.length) : undefined;
}

export function tagMapPath(directory: string): string {
  return `${directory}/tags.json`;
}

/** The cosign signatures that replaced the repository's DCT signatures (optional). */
export function cosignPath(directory: string): string {
  return `${directory}/cosign.json`;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const fileEntrySchema = z.strictObject({
  path: z.string().min(1),
  sha256: sha256Hex,
  length: z.number().int().min(0),
});

const failedRoleSchema = z.strictObject({ role: z.string().regex(/^targets\/[^/]+(\/[^/]+)*$/), code: z.enum(ERROR_CODES) });

const repositoryEntrySchema = z.strictObject({
  gun: z.string().min(1),
  /** Provenance only: no signature covers it. */
  server: z.string(),
  /** When the data was verified; the offline verification runs as of this time. */
  verifiedAt: z.iso.datetime(),
  directory: z.string(),
  rootVersions: z.number().int().min(1).max(100_000),
  /** Roles that verified. */
  roles: z.array(z.string()),
  /** Delegations that failed verification at archive time (their files are kept, as evidence). */
  failedRoles: z.array(failedRoleSchema),
  files: z.array(fileEntrySchema),
});

export const manifestSchema = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  repositories: z.array(repositoryEntrySchema),
});

export type ArchiveManifest = z.infer<typeof manifestSchema>;
export type ArchivedRepositoryEntry = z.infer<typeof repositoryEntrySchema>;
export type FailedRoleRecord = z.infer<typeof failedRoleSchema>;

// ---------------------------------------------------------------------------------------------
// The tag map: tag -> digest -> signers, as docker trust inspect derives signers

const tagRowSchema = z.strictObject({ size: z.number().int().min(0), signers: z.array(z.string()), roles: z.array(z.string()) });

export const tagMapSchema = z.strictObject({
  gun: z.string(),
  /** Tag -> hex sha256 of the manifest -> who signed it. */
  signedTags: z.record(z.string(), z.record(z.string(), tagRowSchema)),
  /** Signer name -> canonical key IDs. */
  signers: z.record(z.string(), z.array(z.string())),
});

export type TagMap = z.infer<typeof tagMapSchema>;

// ---------------------------------------------------------------------------------------------
// The cosign signatures that carried a tag's DCT trust over: exactly the registry's layer and its
// annotation, so they verify offline with the public key and nothing else.

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const cosignSignatureSchema = z.strictObject({
  tag: z.string(),
  /** "sha256:<hex>" the signature covers. */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Where cosign keeps it: "sha256-<hex>.sig" in the same repository. */
  signatureTag: z.string(),
  /** The payload layer's digest. */
  layerDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** The simple-signing payload, base64. */
  payload: base64,
  /** The dev.cosignproject.cosign/signature annotation (base64 DER ECDSA). */
  signature: base64,
});

export const cosignEvidenceSchema = z.strictObject({
  /** The key the signatures verify with (cosign.pub, PKIX PEM). */
  publicKeyPem: z.string(),
  signatures: z.array(cosignSignatureSchema),
});

export type CosignEvidence = z.infer<typeof cosignEvidenceSchema>;
