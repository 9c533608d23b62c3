// The review of a whole registry: its repositories (the catalog, or the ones asked for) audited in
// parallel, at most `concurrency` at a time, over the caller's pooled connections, with progress
// after each repository and a cancel that stops everything still running.
import { setMaxListeners } from 'node:events';
import type { AuditProgress, AuditReport, RepositoryAudit } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import { mapLimit } from '../net/http';
import type { NotaryClient } from '../notary/notary-client';
import type { RegistryClient } from '../registry';
import type { TrustPinning } from '../trust/pinning';
import { auditRepository, emptyCounts, type RepositoryAuditContext } from './audit-repository';
import { DEFAULT_AUDIT_CONCURRENCY, DEFAULT_EXPIRING_WITHIN_DAYS } from './defaults';

export { DEFAULT_AUDIT_CONCURRENCY, DEFAULT_EXPIRING_WITHIN_DAYS };

/** Manifest lookups per repository: with 16 repositories at once, 64 requests in flight. */
const TAG_CONCURRENCY = 4;

export interface AuditOptions {
  registry: RegistryClient;
  /** The notary server holding the trust data of every repository of this registry. */
  notary: NotaryClient;
  /**
   * The registry's name in GUNs, when it differs from the address it is reached at (a mirror or a
   * proxy, or Docker Hub: registry-1.docker.io holds docker.io/...). Default: registry.host.
   */
  gunHost?: string;
  home: string;
  pinning?: TrustPinning;
  /** Registry repository names ("team/app"); default: every repository in the catalog. */
  repositories?: readonly string[];
  concurrency?: number;
  expiringWithinDays?: number;
  now?: Date;
  signal?: AbortSignal;
  onProgress?: (progress: AuditProgress) => void;
}

export async function auditRegistry(options: AuditOptions): Promise<AuditReport> {
  const now = options.now ?? new Date();
  const expiringWithinDays = options.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS;
  if (!Number.isFinite(expiringWithinDays) || expiringWithinDays < 0) {
    throw new CountersignError('invalid-input', `the expiry window must be a number of days, not ${expiringWithinDays}`);
  }
  const { signal, onProgress } = options;
  onProgress?.({ phase: 'listing', done: 0, total: 0 });
  const repositories = [...new Set(options.repositories ?? (await options.registry.catalog(signal ? { signal } : {})))];

  const context: RepositoryAuditContext = {
    registry: options.registry,
    notary: options.notary,
    gunHost: options.gunHost ?? options.registry.host,
    home: options.home,
    now,
    expiringWithinDays,
    tagConcurrency: TAG_CONCURRENCY,
    ...(options.pinning ? { pinning: options.pinning } : {}),
  };
  let done = 0;
  onProgress?.({ phase: 'auditing', done, total: repositories.length });
  const audits = await mapLimit(
    repositories,
    options.concurrency ?? DEFAULT_AUDIT_CONCURRENCY,
    async (repository, _index, itemSignal) => {
      // Every request in flight listens to this one signal: dozens at once is by design, not a leak.
      setMaxListeners(0, itemSignal);
      const audit = await auditRepository(repository, context, itemSignal);
      done += 1;
      onProgress?.({ phase: 'auditing', done, total: repositories.length, repository });
      return audit;
    },
    signal ? { signal } : {},
  );
  return summarise(options, audits, now, expiringWithinDays);
}

function summarise(options: AuditOptions, repositories: RepositoryAudit[], now: Date, expiringWithinDays: number): AuditReport {
  const totals = emptyCounts();
  for (const repository of repositories) {
    for (const [status, count] of Object.entries(repository.counts) as [keyof typeof totals, number][]) totals[status] += count;
  }
  return {
    registry: options.registry.origin.origin,
    server: options.notary.serverUrl,
    auditedAt: now.toISOString(),
    finishedAt: new Date().toISOString(),
    expiringWithinDays,
    repositories,
    totals,
    incomplete: repositories.filter((repository) => repository.registryError !== undefined || repository.trust === 'unreachable').length,
  };
}
