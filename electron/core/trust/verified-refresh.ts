// The one refresh every path takes — inspect, the audit, archives and every write job: the cached
// trusted set (the pin), the repository's trust pinning when a root is met for the first time, the
// TUF update, then the cache. Reads and writes share it so that no path can forget the pins: a write
// job that accepted an unpinned root would cache it, and every later read would then trust it.
// A root a write job is about to create meets the same pins (checkRootToCreate) before it is sent.
import type { MetadataCache, StoredRepository } from '../state/metadata-cache';
import { TrustedSet } from '../tuf/trusted-set';
import { refreshRepository, type MetadataFetcher, type RefreshResult } from '../tuf/updater';
import { checkFirstRoot, type TrustPinning } from './pinning';
import { readTrustPinning } from './pinning-config';

export interface VerifiedRefreshOptions {
  home: string;
  gun: string;
  cache: MetadataCache;
  fetcher: MetadataFetcher;
  /** Default: what <home>/trust-pinning.json configures (trust on first use when there is none). */
  pinning?: TrustPinning;
  /** An extra check of a root met for the first time, after the pins' (e.g. "the root we just published"). */
  firstRoot?: (set: TrustedSet) => void;
  signal?: AbortSignal;
  now?: Date;
}

export interface VerifiedRefresh {
  result: RefreshResult;
  /** The trusted set the refresh started from (undefined: first use). */
  stored: StoredRepository | undefined;
  /** On first use: whether a configured pin or trust on first use accepted the root. */
  pinnedBy?: 'configured' | 'first-use';
  /** Role -> sha256 (hex) of the files the cache now lists (what the view cache binds to). */
  saved: Record<string, string>;
}

/** Refreshes against the cache and saves what verified; throws (saving nothing) on any refusal. */
export async function refreshVerified(options: VerifiedRefreshOptions, stored?: StoredRepository): Promise<VerifiedRefresh> {
  // Pins matter only when there is no trusted root yet: after that the cached root is the pin, and a
  // new root must chain to it (signed by the old root's threshold).
  const pinning = options.pinning ?? (stored ? undefined : await readTrustPinning(options.home));
  let pinnedBy: VerifiedRefresh['pinnedBy'];
  const result = await refreshRepository({
    gun: options.gun,
    fetcher: options.fetcher,
    ...(stored ? { stored } : {}),
    acceptFirstRoot: (set) => {
      pinnedBy = checkFirstRoot(set, pinning);
      options.firstRoot?.(set);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const saved = await options.cache.save(result.toStore);
  return pinnedBy === undefined ? { result, stored, saved } : { result, stored, saved, pinnedBy };
}

/**
 * A new repository's root, checked against the pins before it is sent: a root the pins refuse would
 * be refused by every reader of this machine (and by notary with the same trust_pinning), so creating
 * it on the server would only leave behind a repository nobody here can use. Signed by its own keys,
 * as the first read of it will require.
 */
export async function checkRootToCreate(target: { home: string; gun: string; pinning?: TrustPinning }, rootBytes: Uint8Array, now: Date): Promise<void> {
  const set = new TrustedSet(rootBytes, { gun: target.gun, now });
  checkFirstRoot(set, target.pinning ?? (await readTrustPinning(target.home)));
}
