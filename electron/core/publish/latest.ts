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

/** How long a refresh made while staging may stand in for the one publishing starts with. */
const REUSE_MS = 30_000;
const remembered = new WeakMap<RepositoryTarget, { result: RefreshResult | undefined; at: number }>();

/**
 * Keeps a refresh made while staging for the publish that follows in the same operation (sign =
 * stage + publish), saving a second read of the whole repository. This is safe because the server
 * refuses an upload built on anything older than what it has (400 VERSION), and then we re-fetch.
 */
export function rememberVerified(target: RepositoryTarget, result: RefreshResult | undefined): void {
  remembered.set(target, { result, at: Date.now() });
}

/** The refresh rememberVerified kept for this target, once, if it is recent. */
export function takeRemembered(target: RepositoryTarget): { result: RefreshResult | undefined } | undefined {
  const entry = remembered.get(target);
  remembered.delete(target);
  return entry && Date.now() - entry.at < REUSE_MS ? { result: entry.result } : undefined;
}

export function viewOf(target: RepositoryTarget, result: RefreshResult): RepositoryView {
  return buildRepositoryView(result.trusted, result.failedDelegations, {
    server: target.notary.serverUrl,
    source: 'server',
    verifiedAt: result.toStore.verifiedAt,
  });
}
