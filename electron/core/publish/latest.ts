// The latest verified state of a repository, as publishing needs it: always from the server (never
// a stale cache — we are about to build on it), verified against the pinned root, and remembered in
// the metadata cache so that `inspect` and the app see what we saw.
import { CountersignError } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import type { NotaryClient } from '../notary/notary-client';
import { MetadataCache } from '../state/metadata-cache';
import { checkFirstRoot, type TrustPinning } from '../trust/pinning';
import { buildRepositoryView } from '../trust/repository-view';
import type { TrustedSet } from '../tuf/trusted-set';
import { refreshRepository, type RefreshResult } from '../tuf/updater';

export interface RepositoryTarget {
  /** Countersign's home dir (metadata cache, staged changes). */
  home: string;
  notary: NotaryClient;
  gun: string;
  pinning?: TrustPinning;
  signal?: AbortSignal;
}

/**
 * Refreshes and verifies the repository; undefined when the server has no such repository.
 * `firstRoot` is an extra check on a root met for the first time (after the pins').
 */
export async function fetchVerified(target: RepositoryTarget, now: Date, firstRoot?: (set: TrustedSet) => void): Promise<RefreshResult | undefined> {
  const cache = new MetadataCache(target.home, target.notary.serverUrl, target.gun);
  const stored = await cache.load();
  let result: RefreshResult;
  try {
    result = await refreshRepository({
      gun: target.gun,
      fetcher: target.notary.fetcher(target.gun),
      ...(stored ? { stored } : {}),
      acceptFirstRoot: (set) => {
        checkFirstRoot(set, target.pinning);
        firstRoot?.(set);
      },
      now,
      ...(target.signal ? { signal: target.signal } : {}),
    });
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'repository-not-found') return undefined;
    throw error;
  }
  await cache.save(result.toStore);
  return result;
}

export function viewOf(target: RepositoryTarget, result: RefreshResult): RepositoryView {
  return buildRepositoryView(result.trusted, result.failedDelegations, {
    server: target.notary.serverUrl,
    source: 'server',
    verifiedAt: result.toStore.verifiedAt,
  });
}
