// The review of a whole registry: its repositories (the catalog, or the ones asked for) audited in
// parallel, at most `concurrency` at a time, over the caller's pooled connections, with progress
// after each repository and a cancel that stops everything still running. Each repository's audit is
// handed on in catalog order as soon as it and those before it are done (`auditRegistryStreamed`), so
// a review of 10,000 repositories keeps only a window of them in memory; `auditRegistry` collects them
// into one report (the app's screen needs them all).
import { setMaxListeners } from 'node:events';
import type { AuditProgress, AuditReport, RepositoryAudit } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import { mapLimit } from '../net/http';
import type { NotaryClient } from '../notary/notary-client';
import type { RegistryClient } from '../registry';
import type { ViewCacheKey } from '../state/view-cache';
import type { TrustPinning } from '../trust/pinning';
import { readTrustPinning } from '../trust/pinning-config';
import { auditRepository, emptyCounts, type RepositoryAuditContext } from './audit-repository';
import { DEFAULT_AUDIT_CONCURRENCY, DEFAULT_EXPIRING_WITHIN_DAYS } from './defaults';
import { InOrder } from './in-order';

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
  /** The key of the authenticated view cache; without one, every repository is verified in full. */
  viewCacheKey?: ViewCacheKey;
  /** More work on each repository's audit before it is handed on (the cosign column). */
  extend?: (audit: RepositoryAudit, signal: AbortSignal) => Promise<void>;
}

/** What a report is of, known before its first repository. */
export type AuditReportHeader = Pick<AuditReport, 'registry' | 'server' | 'auditedAt' | 'expiringWithinDays'>;
/** What a report adds after its last repository. */
export type AuditReportSummary = Pick<AuditReport, 'finishedAt' | 'totals' | 'incomplete'>;

/** Where a streamed audit goes: the header first, then every repository in order, then the summary. */
export interface AuditSink {
  begin(header: AuditReportHeader): void;
  repository(audit: RepositoryAudit): void;
}

/**
 * Repositories finished ahead of one still running wait for it, at most this many times the
 * concurrency: beyond that no new repository starts, so memory stays bounded behind a slow one.
 */
const REORDER_WINDOW_PER_SLOT = 4;

export async function auditRegistry(options: AuditOptions): Promise<AuditReport> {
  let header: AuditReportHeader | undefined;
  const repositories: RepositoryAudit[] = [];
  const summary = await auditRegistryStreamed(options, {
    begin: (given) => (header = given),
    repository: (audit) => repositories.push(audit),
  });
  return { ...header!, repositories, ...summary };
}

export async function auditRegistryStreamed(options: AuditOptions, sink: AuditSink): Promise<AuditReportSummary> {
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
    // Read once for the whole audit, not at each repository met for the first time (500 reads of a
    // file that is usually not there); a broken one stops the audit before it starts.
    pinning: options.pinning ?? (await readTrustPinning(options.home)) ?? {},
    ...(options.viewCacheKey ? { viewCacheKey: options.viewCacheKey } : {}),
  };
  sink.begin({ registry: options.registry.origin.origin, server: options.notary.serverUrl, auditedAt: now.toISOString(), expiringWithinDays });
  const totals = emptyCounts();
  let incomplete = 0;
  const concurrency = options.concurrency ?? DEFAULT_AUDIT_CONCURRENCY;
  const order = new InOrder<RepositoryAudit>(concurrency * REORDER_WINDOW_PER_SLOT, (audit) => {
    for (const [status, count] of Object.entries(audit.counts) as [keyof typeof totals, number][]) totals[status] += count;
    if (audit.registryError !== undefined || audit.trust === 'unreachable') incomplete += 1;
    sink.repository(audit);
  });
  let done = 0;
  onProgress?.({ phase: 'auditing', done, total: repositories.length });
  await mapLimit(
    repositories,
    concurrency,
    async (repository, index, itemSignal) => {
      // Every request in flight listens to this one signal: dozens at once is by design, not a leak.
      setMaxListeners(0, itemSignal);
      await order.turn(index, itemSignal);
      const audit = await auditRepository(repository, context, itemSignal);
      await options.extend?.(audit, itemSignal);
      done += 1;
      onProgress?.({ phase: 'auditing', done, total: repositories.length, repository });
      order.finished(index, audit);
    },
    signal ? { signal } : {},
  );
  return { finishedAt: new Date().toISOString(), totals, incomplete };
}
