// Reads one repository from a notary server: cache, refresh, verify, remember, view. When the
// server cannot be reached, the last verified data is shown, marked stale, and re-verified as of
// the time it was verified (so a cache edited on disk is still refused).
//
// With a view-cache key (from the OS keychain), a refresh whose signed timestamp is byte for byte
// the one verified last time, inside the window where everything it vouches for is unexpired, is
// served from the authenticated view of that verification (state/view-cache.ts): one request, no
// parsing, nothing written.
import { Buffer } from 'node:buffer';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { RepositoryView, TrustAnchorView } from '../../../shared/domain';
import { certificateInfo } from '../crypto/certificate';
import { MetadataCache, type StoredRepository } from '../state/metadata-cache';
import { ViewCache, type ViewCacheKey } from '../state/view-cache';
import { renderSignedTags } from './docker-inspect';
import { LIMITS } from '../tuf/limits';
import { parseEnvelope } from '../tuf/metadata';
import type { TrustedSet } from '../tuf/trusted-set';
import { refreshRepository, type MetadataFetcher, type RefreshResult } from '../tuf/updater';
import type { TrustPinning } from './pinning';
import { refreshVerified, type VerifiedRefresh } from './verified-refresh';
import { buildRepositoryView } from './repository-view';
import { updateAnchor } from './root-anchor';

export interface LoadOptions {
  home: string;
  server: string;
  gun: string;
  fetcher: MetadataFetcher;
  /** Default: what <home>/trust-pinning.json configures (trust on first use when there is none). */
  pinning?: TrustPinning;
  signal?: AbortSignal;
  now?: Date;
  /** The key of the authenticated view cache; without one, every refresh verifies in full. */
  viewCacheKey?: ViewCacheKey;
  /**
   * Also give docker trust inspect's SignedTags as printed (`countersign inspect`), kept in the view
   * cache beside the view, so that an unchanged repository is printed without rendering it again.
   */
  withSignedTagsJson?: boolean;
  /**
   * Default true: the view says what its trust rests on (view.trustAnchor). A view served from the
   * view cache reads it from disk for that; an audit of thousands of repositories, which never shows
   * it, passes false (a full verification records and gives it all the same).
   */
  withTrustAnchor?: boolean;
}

export interface LoadedRepository {
  view: RepositoryView;
  /** Files downloaded by this load (0 when served stale from the cache). */
  downloads: number;
  /** True when the unchanged timestamp let the authenticated view of the last verification serve. */
  fromViewCache?: boolean;
  /** docker trust inspect's SignedTags of `view`, as printed: when asked for and the view is the server's. */
  signedTagsJson?: string;
}

/** Failures that mean "we could not ask", not "the server said something wrong". */
const UNREACHABLE = new Set(['server-unreachable', 'timeout']);

export async function loadRepository(options: LoadOptions): Promise<LoadedRepository> {
  const cache = new MetadataCache(options.home, options.server, options.gun);
  // The timestamp depends on nothing local: it is asked for first, so that the connection's set-up
  // and the server's answer overlap reading the cache (and the keychain). It is only compared or
  // handed to the refresh, which verifies it like any other download.
  const timestamp = earlyDownload(options, 'timestamp.json', LIMITS.timestampMaxBytes);
  const early = new Map([['timestamp.json', timestamp]]);
  // A repository never verified here starts from the server's root: asked for beside the timestamp,
  // not after the keychain and the cache have been read.
  const firstUse = cache.neverVerified();
  if (firstUse) early.set('root.json', earlyDownload(options, 'root.json', LIMITS.rootMaxBytes));
  const viewCache = options.viewCacheKey ? new ViewCache(cache.dir, options.server, options.gun, options.viewCacheKey) : undefined;
  const now = options.now ?? new Date();
  // Nothing verified, nothing cached: only the key is asked for now, for the view written at the end.
  if (firstUse) options.viewCacheKey?.().catch(() => undefined);
  else if (viewCache) {
    const served = await servedFromViewCache(cache, viewCache, timestamp, now, { signedTagsJson: options.withSignedTagsJson === true, trustAnchor: options.withTrustAnchor !== false });
    if (served) return served;
  }
  const stored = await cache.load();
  // The refresh starts from this very download (on first use, beside the root's).
  const fetcher = primed(options.fetcher, early);
  let result: RefreshResult;
  const firstRoot: { pinnedBy: 'configured' | 'first-use' } = { pinnedBy: 'first-use' };
  let saved: Record<string, string>;
  try {
    let pinnedBy: VerifiedRefresh['pinnedBy'];
    ({ result, saved, pinnedBy } = await refreshVerified({ ...options, cache, fetcher, now }, stored));
    if (pinnedBy !== undefined) firstRoot.pinnedBy = pinnedBy;
  } catch (error) {
    const info = toErrorInfo(error);
    const failedAt = now.toISOString();
    if (stored && UNREACHABLE.has(info.code)) {
      const previous = await cache.lastFailure();
      const since = previous && UNREACHABLE.has(previous.error.code) ? previous.at : failedAt;
      await cache.recordFailure({ at: since, error: info });
      return { view: await staleView(options, cache.dir, stored, { since, reason: info }), downloads: 0 };
    }
    // A repository the server has no trust data for, never verified here (an unsigned one): there is
    // nothing a note could be beside, and an audit of thousands of them would write one each, every run.
    if (stored || info.code !== 'repository-not-found') await cache.recordFailure({ at: failedAt, error: info }).catch(() => undefined);
    throw error;
  }
  // The anchor's durable write (an fsync) goes on while the view is built and cached: the cached
  // view holds no anchor (a served one gets the anchor as it is then), so neither waits for the other.
  const anchoring = updateAnchor({
    dir: cache.dir,
    root: result.trusted.root,
    previousRootBytes: stored?.files.get('root'),
    configured: firstRoot.pinnedBy === 'configured',
    now: new Date(result.toStore.verifiedAt),
    record: true,
  });
  // Awaited below; should building the view throw first, its failure is not left unhandled.
  anchoring.catch(() => undefined);
  const view = buildRepositoryView(result.trusted, result.failedDelegations, {
    server: options.server,
    source: 'server',
    verifiedAt: result.toStore.verifiedAt,
  });
  const text = options.withSignedTagsJson ? renderSignedTags(view) : undefined;
  const binding = { files: saved, from: now.toISOString(), until: validUntil(result.trusted, options.gun).toISOString() };
  // A view with a delegation left out is not kept: the files it rests on do not include the one that
  // failed, so an unchanged timestamp would go on serving that failure after the server mended it.
  const keep = viewCache !== undefined && result.failedDelegations.length === 0;
  [view.trustAnchor] = await Promise.all([anchoring, keep ? viewCache.write(view, binding, text) : undefined]);
  return { view, downloads: result.downloads, ...(text === undefined ? {} : { signedTagsJson: text }) };
}

/** A download started now; its failure is reported by whoever uses it. */
function earlyDownload(options: LoadOptions, name: string, maxBytes: number): Promise<Uint8Array | null> {
  const download = options.fetcher.fetch(name, maxBytes, options.signal);
  download.catch(() => undefined);
  return download;
}

/**
 * The load, when the timestamp just downloaded is byte for byte the verified one and the
 * authenticated view of that verification is still inside its window. Only state.json and the
 * stored timestamp are read for it: the other files matter only when something changed.
 */
async function servedFromViewCache(
  cache: MetadataCache,
  viewCache: ViewCache,
  timestamp: Promise<Uint8Array | null>,
  now: Date,
  wanted: { signedTagsJson: boolean; trustAnchor: boolean },
): Promise<LoadedRepository | undefined> {
  viewCache.prefetch();
  const verified = await cache.storedTimestamp();
  if (verified === undefined) return undefined;
  // A failed download is the refresh's to report: it knows what an unreachable server means.
  const downloaded = await timestamp.catch(() => null);
  if (!downloaded || !Buffer.from(downloaded).equals(Buffer.from(verified.timestamp))) return undefined;
  const cached = await viewCache.read(verified.listing, now);
  if (!cached) return undefined;
  const [trustAnchor] = await Promise.all([wanted.trustAnchor ? anchorOfPinned(cache.dir, verified.root, now) : undefined, cache.clearFailure()]);
  // Set, not spread: a spread would read (and so parse) the tag rows the view holds on demand.
  cached.view.verifiedAt = now.toISOString();
  if (trustAnchor) cached.view.trustAnchor = trustAnchor;
  const text = wanted.signedTagsJson ? (cached.signedTagsJson ?? renderSignedTags(cached.view)) : undefined;
  return { view: cached.view, downloads: 1, fromViewCache: true, ...(text === undefined ? {} : { signedTagsJson: text }) };
}

/** Serves each early download for the first request of its name, then asks `fetcher` as usual. */
function primed(fetcher: MetadataFetcher, early: Map<string, Promise<Uint8Array | null>>): MetadataFetcher {
  return {
    fetch(requested, maxBytes, signal) {
      const download = early.get(requested);
      if (download === undefined) return fetcher.fetch(requested, maxBytes, signal);
      early.delete(requested);
      return download;
    },
  };
}

/**
 * Until when a view stays what a full verification would give: the earliest expiry among the
 * verified roles (a delegation that failed is already left out, and stays so) and the validity of
 * the root certificates.
 */
export function validUntil(set: TrustedSet, gun: string): Date {
  const times: number[] = [set.root.signed.expires, set.timestamp?.signed.expires, set.snapshot?.signed.expires, set.targets?.signed.expires]
    .filter((expires): expires is string => expires !== undefined)
    .map((expires) => Date.parse(expires));
  for (const envelope of set.delegations.values()) times.push(Date.parse(envelope.signed.expires));
  const root = set.root.signed;
  for (const id of root.roles.root.keyids) {
    const key = root.keys[id];
    if (!key || (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509')) continue;
    try {
      const certificate = certificateInfo(Buffer.from(key.keyval.public, 'base64').toString('utf8'));
      if (certificate.commonName === gun) times.push(certificate.notAfter.getTime());
    } catch {
      // an unusable certificate did not count towards the threshold, and never will
    }
  }
  return new Date(Math.min(...times));
}

async function staleView(options: LoadOptions, dir: string, stored: StoredRepository, stale: { since: string; reason: ErrorInfo }): Promise<RepositoryView> {
  const result = await refreshRepository({
    gun: options.gun,
    fetcher: storedFilesFetcher(stored),
    stored,
    now: new Date(stored.verifiedAt),
  });
  const view = buildRepositoryView(result.trusted, result.failedDelegations, {
    server: options.server,
    source: 'cache',
    verifiedAt: stored.verifiedAt,
    stale,
  });
  view.trustAnchor = await updateAnchor({ dir, root: result.trusted.root, previousRootBytes: stored.files.get('root'), configured: false, now: new Date(stored.verifiedAt), record: false });
  return view;
}

/**
 * The anchor of a repository whose pinned root is `rootBytes` and stays so (nothing new learnt):
 * read from anchor.json as it is now, e.g. acknowledged since the view was cached, and never a
 * first use.
 */
function anchorOfPinned(dir: string, rootBytes: Uint8Array, now: Date): Promise<TrustAnchorView> {
  return updateAnchor({ dir, root: parseEnvelope('root', 'root', rootBytes), previousRootBytes: rootBytes, configured: false, now, record: false });
}

/** Serves only what an earlier refresh verified: "<role>.json" by role name, nothing else. */
export function storedFilesFetcher(stored: StoredRepository): MetadataFetcher {
  return {
    async fetch(name) {
      const role = name.replace(/\.json$/, '');
      return stored.files.get(role) ?? null;
    },
  };
}
