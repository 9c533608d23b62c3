// The latest verified state of a repository, as publishing needs it: always from the server (never
// a stale cache — we are about to build on it), verified with the same refresh `inspect` uses (the
// cached root, else the trust pinning of <home>/trust-pinning.json, else trust on first use), and
// remembered in the metadata cache so that `inspect` and the app see what we saw.
import { CountersignError } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import type { NotaryClient } from '../notary/notary-client';
import { MetadataCache } from '../state/metadata-cache';
import type { TrustPinning } from '../trust/pinning';
import { buildRepositoryView } from '../trust/repository-view';
import { refreshVerified } from '../trust/verified-refresh';
import type { TrustedSet } from '../tuf/trusted-set';
import type { RefreshResult } from '../tuf/updater';

export interface RepositoryTarget {
  /** Countersign's home dir (metadata cache, staged changes, trust pinning). */
  home: string;
  notary: NotaryClient;
  gun: string;
  /** Only tests pass pins directly; everything else reads <home>/trust-pinning.json. */
  pinning?: TrustPinning;
  signal?: AbortSignal;
}

/**
 * Refreshes and verifies the repository; undefined when the server has no such repository.
 * `firstRoot` is an extra check on a root met for the first time (after the pins').
 */
export async function fetchVerified(target: RepositoryTarget, now: Date, firstRoot?: (set: TrustedSet) => void, signal = target.signal): Promise<RefreshResult | undefined> {
  const cache = new MetadataCache(target.home, target.notary.serverUrl, target.gun);
  try {
    const { result } = await refreshVerified(
      {
        home: target.home,
        gun: target.gun,
        cache,
        fetcher: target.notary.fetcher(target.gun),
        ...(target.pinning ? { pinning: target.pinning } : {}),
        ...(firstRoot ? { firstRoot } : {}),
        ...(signal ? { signal } : {}),
        now,
      },
      await cache.load(),
    );
    return result;
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'repository-not-found') return undefined;
    throw error;
  }
}

export function viewOf(target: RepositoryTarget, result: RefreshResult): RepositoryView {
  return buildRepositoryView(result.trusted, result.failedDelegations, {
    server: target.notary.serverUrl,
    source: 'server',
    verifiedAt: result.toStore.verifiedAt,
  });
}
