// One repository of the review: its tags and their digests from the registry, its trust data from
// the notary server (verified, pinned and cached like every other read), and the verdict per tag.
// Registry and notary are asked at the same time; a failure of either is reported, not thrown, so
// one broken repository never stops an audit of hundreds. Only a cancel stops it.
import type { RepositoryAudit, TagStatus, TrustState, UnreadableReason } from '../../../shared/audit';
import type { RepositoryView } from '../../../shared/domain';
import { couldNotRead, CountersignError, toErrorInfo, type CouldNotReadCode, type ErrorInfo } from '../../../shared/errors';
import { sortNatural } from '../../../shared/reference';
import type { NotaryClient } from '../notary/notary-client';
import type { RegistryClient } from '../registry';
import { isCosignAttachmentTag } from '../migrate/cosign-layout';
import { loadRepository } from '../trust/load-repository';
import type { TrustPinning } from '../trust/pinning';
import type { ViewCacheKey } from '../state/view-cache';
import { diagnoseFailures, RecordingFetcher, type FailedRole } from './failed-roles';
import { servedDigests } from './served-digests';
import { keyAudits, roleAudits, signerAudits } from './repository-facts';
import { RELEASES, TARGETS, tagAudits, type RegistryTag } from './tag-rules';

export interface RepositoryAuditContext {
  registry: RegistryClient;
  notary: NotaryClient;
  /** The registry's name in GUNs ("<gunHost>/<repository>"); usually registry.host. */
  gunHost: string;
  /** Countersign's state dir: pinned roots and verified metadata, shared with inspect and the app. */
  home: string;
  /** The home's trust pinning, read once for the audit (empty: trust on first use). */
  pinning: TrustPinning;
  /** The one clock of the whole audit. */
  now: Date;
  expiringWithinDays: number;
  /** Manifest lookups in flight for one repository. */
  tagConcurrency: number;
  /**
   * The key of the authenticated view cache (state/view-cache.ts): an unchanged repository is then
   * served from the view its last full verification left, after one timestamp request.
   */
  viewCacheKey?: ViewCacheKey;
}

/** What each failure that means "could not read the trust data" (not "it is bad") comes to. */
const UNREADABLE_BECAUSE: Record<CouldNotReadCode, UnreadableReason> = {
  'auth-required': 'sign-in refused',
  'auth-failed': 'sign-in refused',
  'access-denied': 'sign-in refused',
  'not-notary-server': 'no notary server',
  'server-unreachable': 'unreachable',
  timeout: 'unreachable',
  'tls-failed': 'unreachable',
  'http-status': 'unreachable',
};

export function emptyCounts(): Record<TagStatus, number> {
  return { signed: 0, 'expiring-soon': 0, unsigned: 0, 'digest-mismatch': 0, 'revoked-signer': 0, 'signature-invalid': 0, 'trust-unreadable': 0 };
}

export async function auditRepository(repository: string, context: RepositoryAuditContext, signal?: AbortSignal): Promise<RepositoryAudit> {
  const gun = `${context.gunHost}/${repository}`;
  const [registry, trust] = await Promise.all([registryTags(repository, context, signal), trustOf(gun, context, signal)]);
  const audit: RepositoryAudit = {
    repository,
    gun,
    trust: trust.state,
    tags: [],
    signedTagsNotInRegistry: [],
    signers: [],
    keys: [],
    roles: [],
    counts: emptyCounts(),
  };
  if (trust.error) audit.trustError = trust.error;
  if (trust.unreadable) audit.unreadable = trust.unreadable;
  if (trust.view) {
    audit.verifiedAt = trust.view.verifiedAt;
    audit.signers = signerAudits(trust.view, trust.failed);
    audit.keys = keyAudits(trust.view, context.now);
    audit.roles = roleAudits(trust.view, trust.failed, context.now);
  }
  if ('error' in registry) {
    audit.registryError = registry.error;
    return audit;
  }
  audit.tags = trust.view
    ? tagAudits(registry.tags, { view: trust.view, failed: trust.failed, now: context.now, expiringWithinDays: context.expiringWithinDays })
    : registry.tags.map((tag) => untrustedTag(tag, trust));
  for (const tag of audit.tags) audit.counts[tag.status] += 1;
  if (trust.view) audit.signedTagsNotInRegistry = signedButAbsent(trust.view, registry.tags);
  return audit;
}

// ---------------------------------------------------------------------------------------------
// The registry side

async function registryTags(repository: string, context: RepositoryAuditContext, signal?: AbortSignal): Promise<{ tags: RegistryTag[] } | { error: ErrorInfo }> {
  try {
    // cosign's "sha256-<hex>.sig" tags are signatures of other tags, not images to judge.
    const names = (await context.registry.tags(repository, signal ? { signal } : {})).filter((tag) => !isCosignAttachmentTag(tag));
    const digests = await servedDigests(context.registry, repository, names, { concurrency: context.tagConcurrency, ...(signal ? { signal } : {}) });
    // Listed but gone by the time we asked (deleted meanwhile): nothing to audit.
    const found = names.map((tag, index) => (digests[index] === undefined ? undefined : { tag, digest: digests[index] }));
    const tags = found.filter((tag): tag is RegistryTag => tag !== undefined);
    return { tags: sortNatural(tags, (tag) => tag.tag) };
  } catch (error) {
    rethrowCancel(error);
    return { error: toErrorInfo(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// The trust side

interface TrustSide {
  state: TrustState;
  view?: RepositoryView;
  failed: ReadonlyMap<string, FailedRole>;
  error?: ErrorInfo;
  unreadable?: UnreadableReason;
}

async function trustOf(gun: string, context: RepositoryAuditContext, signal?: AbortSignal): Promise<TrustSide> {
  try {
    let loaded = await verifiedView(gun, context, context.viewCacheKey, signal);
    // A failed role is explained from the very bytes the refresh refused (failed-roles.ts), and a
    // view served from the cache fetched none: such a repository is verified in full again.
    if (loaded.fromCache && loaded.view.roles.some((role) => role.status === 'failed')) loaded = await verifiedView(gun, context, undefined, signal);
    const { view } = loaded;
    const failed = diagnoseFailures(view, loaded.fetcher);
    return view.stale ? { state: 'stale', view, failed, error: view.stale.reason } : { state: 'verified', view, failed };
  } catch (error) {
    rethrowCancel(error);
    const info = toErrorInfo(error);
    // Only notary-server's own "no such repository" is absence (notary-answers.ts); anything else is not.
    if (info.code === 'repository-not-found') return { state: 'absent', failed: new Map() };
    return couldNotRead(info.code) ? { state: 'unreachable', failed: new Map(), error: info, unreadable: UNREADABLE_BECAUSE[info.code] } : { state: 'failed', failed: new Map(), error: info };
  }
}

/** One load of the repository's trust data, through a fetcher that records what it downloads. */
async function verifiedView(gun: string, context: RepositoryAuditContext, viewCacheKey: ViewCacheKey | undefined, signal: AbortSignal | undefined) {
  const fetcher = new RecordingFetcher(context.notary.fetcher(gun));
  const loaded = await loadRepository({
    home: context.home,
    server: context.notary.serverUrl,
    gun,
    fetcher,
    now: context.now,
    withTrustAnchor: false,
    pinning: context.pinning,
    ...(signal ? { signal } : {}),
    ...(viewCacheKey ? { viewCacheKey } : {}),
  });
  return { view: loaded.view, fromCache: loaded.fromViewCache === true, fetcher };
}

/** Tags of a repository without usable trust data: unsigned when there is none, else fail closed. */
function untrustedTag(tag: RegistryTag, trust: TrustSide): RepositoryAudit['tags'][number] {
  const base = { tag: tag.tag, registryDigest: tag.digest, signers: [], roles: [] };
  if (trust.state === 'absent') return { ...base, status: 'unsigned', reason: 'the repository has no trust data' };
  const { error } = trust;
  const why = error ? `${error.code}${error.role ? ` [${error.role}]` : ''}: ${error.message}` : 'unknown';
  if (trust.unreadable !== undefined) return { ...base, status: 'trust-unreadable', reason: `trust data unreadable: ${trust.unreadable} (${why})` };
  return { ...base, status: 'signature-invalid', ...(error?.role ? { failedRole: error.role } : {}), reason: `its trust data failed verification (${why})` };
}

/** Tags a releasing role signs that the registry does not serve. */
function signedButAbsent(view: RepositoryView, tags: readonly RegistryTag[]): string[] {
  const served = new Set(tags.map((tag) => tag.tag));
  const released = view.signedTags.filter((row) => row.roles.includes(RELEASES) || row.roles.includes(TARGETS)).map((row) => row.tag);
  return [...new Set(released)].filter((tag) => !served.has(tag));
}

function rethrowCancel(error: unknown): void {
  if (error instanceof CountersignError && error.code === 'cancelled') throw error;
}
