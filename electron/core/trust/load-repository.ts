// Reads one repository from a notary server: cache, refresh, verify, remember, view. When the
// server cannot be reached, the last verified data is shown, marked stale, and re-verified as of
// the time it was verified (so a cache edited on disk is still refused).
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import { MetadataCache, type StoredRepository } from '../state/metadata-cache';
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
}

export interface LoadedRepository {
  view: RepositoryView;
  /** Files downloaded by this load (0 when served stale from the cache). */
  downloads: number;
}

/** Failures that mean "we could not ask", not "the server said something wrong". */
const UNREACHABLE = new Set(['server-unreachable', 'timeout']);

export async function loadRepository(options: LoadOptions): Promise<LoadedRepository> {
  const cache = new MetadataCache(options.home, options.server, options.gun);
  const stored = await cache.load();
  let result: RefreshResult;
  const firstRoot: { pinnedBy: 'configured' | 'first-use' } = { pinnedBy: 'first-use' };
  try {
    let pinnedBy: VerifiedRefresh['pinnedBy'];
    ({ result, pinnedBy } = await refreshVerified({ ...options, cache }, stored));
    if (pinnedBy !== undefined) firstRoot.pinnedBy = pinnedBy;
  } catch (error) {
    const info = toErrorInfo(error);
    const now = (options.now ?? new Date()).toISOString();
    if (stored && UNREACHABLE.has(info.code)) {
      const previous = await cache.lastFailure();
      const since = previous && UNREACHABLE.has(previous.error.code) ? previous.at : now;
      await cache.recordFailure({ at: since, error: info });
      return { view: await staleView(options, cache.dir, stored, { since, reason: info }), downloads: 0 };
    }
    await cache.recordFailure({ at: now, error: info }).catch(() => undefined);
    throw error;
  }
  const view = buildRepositoryView(result.trusted, result.failedDelegations, {
    server: options.server,
    source: 'server',
    verifiedAt: result.toStore.verifiedAt,
  });
  view.trustAnchor = await updateAnchor({
    dir: cache.dir,
    root: result.trusted.root,
    previousRootBytes: stored?.files.get('root'),
    configured: firstRoot.pinnedBy === 'configured',
    now: new Date(result.toStore.verifiedAt),
    record: true,
  });
  return { view, downloads: result.downloads };
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

/** Serves only what an earlier refresh verified: "<role>.json" by role name, nothing else. */
export function storedFilesFetcher(stored: StoredRepository): MetadataFetcher {
  return {
    async fetch(name) {
      const role = name.replace(/\.json$/, '');
      return stored.files.get(role) ?? null;
    },
  };
}
