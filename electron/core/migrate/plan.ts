// Which tags may carry their Docker Content Trust over to cosign: exactly those the audit found
// signed (or signed and expiring soon) by verified, current trust data, with the registry serving
// the very digest DCT signed. Everything else is skipped with the audit's reason: a digest DCT does
// not vouch for must never be signed.
import type { AuditReport, RepositoryAudit, TagAudit, TagStatus } from '../../../shared/audit';
import type { MigrationPlan, PlannedSignature, SkippedTag } from '../../../shared/migrate';

/** The audit statuses that mean "DCT vouches for the digest the registry serves". */
const VOUCHED: ReadonlySet<TagStatus> = new Set<TagStatus>(['signed', 'expiring-soon']);

export interface PlanKey {
  keyId: string;
  publicKeyPem: string;
}

export function planMigration(report: AuditReport, key: PlanKey, now = new Date()): MigrationPlan {
  const sign: PlannedSignature[] = [];
  const skipped: SkippedTag[] = [];
  for (const repository of report.repositories) {
    const unusable = repositorySkip(repository);
    if (unusable) {
      if (repository.tags.length === 0) skipped.push({ repository: repository.repository, tag: '', ...unusable });
      for (const tag of repository.tags) skipped.push({ repository: repository.repository, tag: tag.tag, ...unusable });
      continue;
    }
    for (const tag of repository.tags) {
      const planned = plannedSignature(repository, tag);
      if (planned) sign.push(planned);
      else skipped.push({ repository: repository.repository, tag: tag.tag, status: tag.status, reason: tag.reason });
    }
  }
  return { registry: report.registry, server: report.server, createdAt: now.toISOString(), keyId: key.keyId, publicKeyPem: key.publicKeyPem, sign, skipped };
}

/** A repository none of whose tags may be signed, whatever their status says. */
function repositorySkip(repository: RepositoryAudit): Pick<SkippedTag, 'status' | 'reason'> | undefined {
  if (repository.registryError) {
    return { status: 'unreadable', reason: `the registry could not be read: ${repository.registryError.code}: ${repository.registryError.message}` };
  }
  // Stale trust data was verified once, but the server could not confirm it is still current (a
  // revocation since then would not be seen): not enough to sign anew.
  if (repository.trust === 'stale') return { status: 'stale', reason: `the notary server could not be reached; its trust data was last verified at ${repository.verifiedAt ?? '?'}` };
  return undefined;
}

function plannedSignature(repository: RepositoryAudit, tag: TagAudit): PlannedSignature | undefined {
  if (repository.trust !== 'verified' || !VOUCHED.has(tag.status)) return undefined;
  // The audit's rule already says so; checked again here because this is the line that must hold.
  if (tag.signedDigest === undefined || tag.signedDigest !== tag.registryDigest) return undefined;
  return {
    repository: repository.repository,
    gun: repository.gun,
    tag: tag.tag,
    digest: tag.registryDigest,
    identity: repository.gun,
    dct: { status: tag.status, signers: [...tag.signers], roles: [...tag.roles], ...(repository.verifiedAt ? { verifiedAt: repository.verifiedAt } : {}) },
  };
}
