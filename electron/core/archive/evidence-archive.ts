// The evidence archive as the CLI and the app use it: make one from live repositories, verify one
// offline. Verification reports every check by name rather than stopping at the first failure, so a
// reviewer sees everything that is wrong with a tampered archive.
import type { ArchiveCheck, ArchiveVerification, ArchivedRepositoryVerification } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import type { NotaryClient } from '../notary/notary-client';
import type { TrustPinning } from '../trust/pinning';
import { decodeArchive, encodeArchive, sha256Of, type DecodedRepository } from './archive-file';
import { collectEvidence } from './collect-evidence';
import { checkCosignEvidence, collectCosignEvidence, type CosignSource } from './cosign-evidence';
import { failedWith, passed, verifyRepositoryEvidence, type RepositoryEvidence } from './verify-evidence';

export interface CreateArchiveOptions {
  home: string;
  /**
   * Repositories to archive, each with the notary client of its server, and where to find the cosign
   * signatures that replaced its DCT signatures, when those should be kept too.
   */
  repositories: readonly { gun: string; notary: NotaryClient; cosign?: CosignSource }[];
  pinning?: TrustPinning;
  signal?: AbortSignal;
  now?: Date;
  /** Called after each repository's evidence was taken and verified. */
  onRepository?: (gun: string, done: number, total: number) => void;
}

export interface CreatedArchive {
  bytes: Buffer;
  /** sha256 of the archive file: record it elsewhere to vouch for the fields no signature covers. */
  sha256: string;
  repositories: { gun: string; server: string; verifiedAt: string; rootVersions: number; roles: string[]; failedRoles: string[]; signedTags: number; cosignSignatures?: number }[];
}

/** Adds the cosign signatures, checked offline as verify-archive will before anything is written. */
async function withCosign(evidence: RepositoryEvidence, source: CosignSource): Promise<RepositoryEvidence> {
  const cosign = await collectCosignEvidence(evidence.gun, evidence.tagMap, source);
  const check = checkCosignEvidence(evidence.gun, cosign, evidence.tagMap);
  if (!check.ok) throw new CountersignError(check.error?.code ?? 'internal', `${evidence.gun}: the cosign signatures do not verify offline: ${check.detail}`);
  return { ...evidence, cosign };
}

/** All or nothing: one repository that cannot be archived fails the whole archive. */
export async function createEvidenceArchive(options: CreateArchiveOptions): Promise<CreatedArchive> {
  const evidence: RepositoryEvidence[] = [];
  for (const { gun, notary, cosign } of options.repositories) {
    const collected = await collectEvidence({
      home: options.home,
      notary,
      gun,
      ...(options.pinning ? { pinning: options.pinning } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    evidence.push(cosign ? await withCosign(collected, cosign) : collected);
    options.onRepository?.(gun, evidence.length, options.repositories.length);
  }
  const bytes = encodeArchive(evidence, options.now ?? new Date());
  return {
    bytes,
    sha256: sha256Of(bytes),
    repositories: evidence.map((repository) => ({
      gun: repository.gun,
      server: repository.server,
      verifiedAt: repository.verifiedAt,
      rootVersions: repository.rootVersions.length,
      roles: repository.verifiedRoles,
      failedRoles: repository.failedRoles.map((failure) => failure.role),
      signedTags: Object.keys(repository.tagMap.signedTags).length,
      ...(repository.cosign ? { cosignSignatures: repository.cosign.signatures.length } : {}),
    })),
  };
}

export interface VerifyArchiveOptions {
  /** The archive's sha256 as recorded when it was made; checked first when given. */
  expectedSha256?: string;
}

export async function verifyEvidenceArchive(bytes: Uint8Array, options: VerifyArchiveOptions = {}): Promise<ArchiveVerification> {
  const archiveSha256 = sha256Of(bytes);
  const decoded = decodeArchive(bytes);
  const checks: ArchiveCheck[] = [...decoded.checks];
  if (options.expectedSha256 !== undefined) checks.push(expectedHashCheck(archiveSha256, options.expectedSha256));
  const repositories = await Promise.all(decoded.repositories.map(verifyDecoded));
  const ok = checks.every((check) => check.ok) && repositories.every((repository) => repository.ok) && decoded.manifest !== undefined;
  return { ok, archiveSha256, ...(decoded.manifest ? { createdAt: decoded.manifest.createdAt } : {}), checks, repositories };
}

async function verifyDecoded(decoded: DecodedRepository): Promise<ArchivedRepositoryVerification> {
  const { entry } = decoded;
  const verified = decoded.evidence ? await verifyRepositoryEvidence(decoded.evidence) : undefined;
  const checks = [...decoded.checks, ...(verified?.checks ?? [])];
  return {
    gun: entry.gun,
    server: entry.server,
    verifiedAt: entry.verifiedAt,
    rootVersions: entry.rootVersions,
    roles: verified?.roles ?? [],
    signedTags: verified?.signedTags ?? 0,
    checks,
    ok: verified !== undefined && checks.every((check) => check.ok),
  };
}

function expectedHashCheck(actual: string, expected: string): ArchiveCheck {
  if (actual === expected.trim().toLowerCase()) return passed('file-hashes', `the archive's sha256 is the expected ${actual}`);
  return failedWith('file-hashes', 'hash-mismatch', `the archive's sha256 is ${actual}, not the expected ${expected}`);
}
