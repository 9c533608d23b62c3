// The update workflow around the trusted set: what to fetch, from the cache or the server, in what
// order, and what to remember. All downloads go through an injected fetcher, so the same workflow
// reads a notary server, docker's offline cache, or an evidence archive.
//
// Order and its one deliberate shortcut: the spec fetches the next root first. We start from the
// timestamp instead, because snapshot lists the hash of the current root: if it matches the root we
// trust, no rotation happened, and an unchanged repository costs exactly one request. When the
// timestamp does not verify under our root, or snapshot lists another root, we walk the versioned
// roots (N+1.root.json, ...) and start over under the new root — as notary does on a failed update.
import { createHash } from 'node:crypto';
import { couldNotRead, CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { mapLimit } from '../net/map-limit';
import { LIMITS } from './limits';
import { checkMetadataFileName, isDelegationName, parentRoleOf } from './role-names';
import type { FileMeta } from './metadata';
import { TrustedSet, type DelegationGrant } from './trusted-set';
import type { StoredRepository } from '../state/metadata-cache';

export interface MetadataFetcher {
  /**
   * The bytes of one metadata file ("timestamp.json", "3.root.json", "targets/releases.<sha256>.json"),
   * or null when the source has no such file. Must refuse bodies over maxBytes.
   */
  fetch(name: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | null>;
}

export interface RefreshOptions {
  gun: string;
  fetcher: MetadataFetcher;
  /** What an earlier refresh verified; its root is the trust anchor (pin). */
  stored?: StoredRepository;
  /** Checks a root met for the first time (trust on first use, or configured pins). */
  acceptFirstRoot?: (set: TrustedSet) => void;
  now?: Date;
  signal?: AbortSignal;
}

export interface DelegationFailure {
  role: string;
  error: ErrorInfo;
}

export interface RefreshResult {
  trusted: TrustedSet;
  /** Delegations that failed verification; their targets are left out, as docker does. */
  failedDelegations: DelegationFailure[];
  /** What to store: only verified bytes. */
  toStore: StoredRepository;
  /** Files actually downloaded (cache hits not counted). */
  downloads: number;
}

export async function refreshRepository(options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? new Date();
  const counting = countingFetcher(options.fetcher, options.signal);
  const stored = options.stored;
  let rootBytes = stored?.files.get('root');
  let firstUse = false;
  if (stored && !rootBytes) {
    // Versions are remembered but the pinned root is gone (deleted or corrupted on disk): trusting
    // whatever root the server offers now would silently turn a pinned repository into first use.
    throw new CountersignError('root-pin-mismatch', 'the pinned root of this repository is missing from the local cache; remove its folder under <home>/trust/ to trust the server’s root again', {
      role: 'root',
    });
  }
  // The timestamp does not depend on the root: on first use both are asked for at once.
  let earlyTimestamp: Promise<Uint8Array> | undefined;
  if (!rootBytes) {
    const root = counting.required('root.json', LIMITS.rootMaxBytes, 'root', 'repository-not-found');
    earlyTimestamp = fetchTimestamp(counting);
    // Its failure is reported when it is used, after the root's own.
    earlyTimestamp.catch(() => undefined);
    rootBytes = await root;
    firstUse = true;
  }
  const setOptions = { gun: options.gun, now, trustedVersions: stored?.versions ?? {}, knownDigests: stored?.digests };
  let set = new TrustedSet(rootBytes, setOptions);
  if (firstUse) options.acceptFirstRoot?.(set);

  // Filled once snapshot is verified and matches the root, after which no attempt starts over.
  const prefetched: Prefetched = new Map();
  for (let attempt = 0; ; attempt++) {
    const canRotate = attempt === 0;
    const timestamp = attempt === 0 && earlyTimestamp ? earlyTimestamp : fetchTimestamp(counting);
    const outcome = await updateTopLevel(set, timestamp, counting, stored, canRotate, prefetched);
    if (outcome === 'verified') break;
    // The root changed under us: walk the versioned roots from the one we trust, then start over.
    set = new TrustedSet(set.root.bytes, setOptions);
    await walkRootVersions(set, counting);
  }
  set.checkRootFresh();

  const failedDelegations = await updateDelegations(set, counting, stored, prefetched);
  const files = new Map<string, Uint8Array>();
  files.set('root', set.root.bytes);
  for (const role of ['timestamp', 'snapshot', 'targets'] as const) {
    const envelope = set[role];
    if (envelope) files.set(role, envelope.bytes);
  }
  for (const [name, envelope] of set.delegations) files.set(name, envelope.bytes);
  // The hashes the checks computed: the cache files the bytes under them without hashing again.
  const digests = new WeakMap<Uint8Array, string>();
  for (const bytes of files.values()) {
    const sha256 = set.sha256Of(bytes);
    if (sha256 !== undefined) digests.set(bytes, sha256);
  }
  return {
    trusted: set,
    failedDelegations,
    toStore: { files, versions: set.versions(), verifiedAt: now.toISOString(), digests },
    downloads: counting.count(),
  };
}

type TopLevelOutcome = 'verified' | 'root-changed';

function fetchTimestamp(fetcher: CountingFetcher): Promise<Uint8Array> {
  return fetcher.required('timestamp.json', LIMITS.timestampMaxBytes, 'timestamp', 'repository-not-found');
}

async function updateTopLevel(
  set: TrustedSet,
  timestampDownload: Promise<Uint8Array>,
  fetcher: CountingFetcher,
  stored: StoredRepository | undefined,
  canRotate: boolean,
  prefetched: Prefetched,
): Promise<TopLevelOutcome> {
  const timestamp = await timestampDownload;
  if (!verifiedUnlessRotated(canRotate, () => set.updateTimestamp(timestamp))) return 'root-changed';
  const snapshot = await cachedOrFetched('snapshot', set.snapshotMeta(), fetcher, stored);
  // A snapshot key rotated (or handed to the server) is named only by the new root, so the new
  // snapshot fails under the old root before it can tell us that root changed.
  if (!verifiedUnlessRotated(canRotate, () => set.updateSnapshot(snapshot))) return 'root-changed';
  if (!set.rootMatchesSnapshot()) {
    if (canRotate) return 'root-changed';
    throw new CountersignError('root-rotation', 'snapshot lists a root that no chain of root versions from the trusted root leads to', {
      role: 'root',
    });
  }
  const targetsMeta = set.metaFor('targets');
  if (!targetsMeta) throw new CountersignError('role-missing', 'snapshot does not list targets', { role: 'targets' });
  const targets = cachedOrFetched('targets', targetsMeta, fetcher, stored);
  prefetchDelegations(set, fetcher, stored, prefetched);
  // Verifying a big targets holds the thread for tens of milliseconds, during which no connection
  // made for the delegations could progress: it starts once they are in (or failed).
  const [targetsBytes] = await Promise.all([targets, Promise.allSettled(prefetched.values())]);
  set.updateTargets(targetsBytes);
  return 'verified';
}

/** Downloads by role name, started before the walk reaches the role; each is used at most once. */
type Prefetched = Map<string, Promise<Uint8Array | null>>;

/**
 * Asks, as soon as snapshot is verified, for the delegations it lists directly under targets (by
 * hash), so that their downloads overlap the verification of targets, a megabyte or more in a big
 * repository, instead of waiting for it. A download is all it is: the walk still admits a role only
 * when its parent delegates it, against the snapshot's hash and the parent's keys, and a file the walk
 * never reaches is dropped unread. Deeper levels, and a snapshot listing more than PREFETCH_ROLES of
 * them or PREFETCH_BYTES in all, are fetched level by level as before; names are checked as the walk
 * checks them.
 */
function prefetchDelegations(set: TrustedSet, fetcher: CountingFetcher, stored: StoredRepository | undefined, prefetched: Prefetched): void {
  const wanted: [string, FileMeta][] = [];
  let bytes = 0;
  for (const [name, meta] of Object.entries(set.snapshot?.signed.meta ?? {})) {
    if (!isDelegationName(name) || parentRoleOf(name) !== 'targets') continue;
    if (cachedBytes(meta, stored?.files.get(name), stored) !== undefined) continue;
    wanted.push([name, meta]);
    bytes += meta.length;
  }
  // The snapshot key is often the server's own: a server could list roles nobody delegates, as big
  // as it likes. Past these bounds only what targets delegates is fetched, as before.
  if (wanted.length > PREFETCH_ROLES || bytes > PREFETCH_BYTES) return;
  // All at once: the connection pool (16 per server) is the limit. With 20 ms to the server this
  // saves two round trips over asking 8 at a time; on localhost it costs a few more handshakes.
  for (const [name, meta] of wanted) {
    const download = fetchedByHash(name, meta, fetcher);
    // A failure is the walk's to report, should it reach the role.
    download.catch(() => undefined);
    prefetched.set(name, download);
  }
}

/** docker's layout is targets/releases plus a role per signer: a few, rarely dozens, of kilobytes to megabytes. */
const PREFETCH_ROLES = 64;
const PREFETCH_BYTES = 16 * 1024 * 1024;

/**
 * Runs one role's update. On the first attempt a threshold failure may mean that a new root rotated
 * the role's key: false asks the caller to walk the root versions and start over, where the same
 * failure is final.
 */
function verifiedUnlessRotated(canRotate: boolean, update: () => void): boolean {
  try {
    update();
    return true;
  } catch (error) {
    if (canRotate && error instanceof CountersignError && error.code === 'signature-threshold') return false;
    throw error;
  }
}

async function walkRootVersions(set: TrustedSet, fetcher: CountingFetcher): Promise<void> {
  for (let i = 0; i < LIMITS.maxRootRotations; i++) {
    const next = await fetcher.optional(`${set.root.signed.version + 1}.root.json`, LIMITS.rootMaxBytes, 'root');
    if (!next) return;
    set.updateRoot(next);
  }
  throw new CountersignError('root-rotation', `more than ${LIMITS.maxRootRotations} root versions in one refresh`, { role: 'root' });
}

/**
 * Delegations, breadth first in priority order, each level fetched concurrently. A delegation that
 * fails is left out with its whole subtree; its siblings still count.
 */
async function updateDelegations(set: TrustedSet, fetcher: CountingFetcher, stored: StoredRepository | undefined, prefetched: Prefetched): Promise<DelegationFailure[]> {
  const failures: DelegationFailure[] = [];
  let level: DelegationGrant[] = set.grantsOf('targets');
  let visited = 0;
  for (let depth = 0; level.length > 0; depth++) {
    if (depth >= LIMITS.maxDelegationDepth) throw new CountersignError('metadata-too-large', `delegations nest deeper than ${LIMITS.maxDelegationDepth} levels`);
    visited += level.length;
    if (visited > LIMITS.maxDelegations) throw new CountersignError('metadata-too-large', `more than ${LIMITS.maxDelegations} delegations`);
    const fetched = await mapLimit(level, LIMITS.delegationFetchConcurrency, async (grant) => {
      const meta = set.metaFor(grant.role.name);
      // Delegated but never published: it signs nothing yet, which is not an error (notary agrees).
      if (!meta) return { grant, bytes: undefined, error: undefined };
      try {
        return { grant, bytes: await delegationBytes(grant.role.name, meta, fetcher, stored, prefetched), error: undefined };
      } catch (error) {
        // Not reading a delegation is not its failing verification: the whole refresh stops, as
        // notary's does, so that no tag is called tampered or revoked because a download broke.
        if (error instanceof CountersignError && (error.code === 'cancelled' || couldNotRead(error.code))) throw error;
        return { grant, bytes: undefined, error };
      }
    });
    const next: DelegationGrant[] = [];
    for (const { grant, bytes, error } of fetched) {
      if (error !== undefined) {
        failures.push({ role: grant.role.name, error: withRole(toErrorInfo(error), grant.role.name) });
        continue;
      }
      if (!bytes) continue;
      try {
        set.updateDelegation(grant, bytes);
        next.push(...set.grantsOf(grant.role.name, [...grant.ancestorLimits, grant.role]));
      } catch (verifyError) {
        failures.push({ role: grant.role.name, error: withRole(toErrorInfo(verifyError), grant.role.name) });
      }
    }
    level = next;
  }
  return failures;
}

function withRole(info: ErrorInfo, role: string): ErrorInfo {
  return info.role ? info : { ...info, role };
}

/** A delegation's bytes: from its prefetch, if one was started (it is used once), else as any role's. */
async function delegationBytes(role: string, meta: FileMeta, fetcher: CountingFetcher, stored: StoredRepository | undefined, prefetched: Prefetched): Promise<Uint8Array> {
  const early = prefetched.get(role);
  if (early === undefined) return cachedOrFetched(role, meta, fetcher, stored);
  prefetched.delete(role);
  return (await early) ?? fetcher.required(`${role}.json`, meta.length, role);
}

/** The cached bytes when they are exactly what the parent vouches for; otherwise a download by hash. */
async function cachedOrFetched(role: string, meta: FileMeta, fetcher: CountingFetcher, stored: StoredRepository | undefined): Promise<Uint8Array> {
  const cached = cachedBytes(meta, stored?.files.get(role), stored);
  if (cached) return cached;
  return (await fetchedByHash(role, meta, fetcher)) ?? fetcher.required(`${role}.json`, meta.length, role);
}

/** The cached bytes when they are exactly what the parent vouches for. */
function cachedBytes(meta: FileMeta, cached: Uint8Array | undefined, stored: StoredRepository | undefined): Uint8Array | undefined {
  const sha256 = meta.hashes.sha256;
  return cached && stored && sha256 && cached.length === meta.length && cachedSha256(stored, cached) === sha256 ? cached : undefined;
}

/**
 * The download by hash, null when the parent lists no sha256 or the server has no such file.
 * Consistent names pin the exact file, so a publish racing with our download cannot mix versions.
 */
async function fetchedByHash(role: string, meta: FileMeta, fetcher: CountingFetcher): Promise<Uint8Array | null> {
  // The parent's length is the cap, but a parent (e.g. a timestamp signed by a compromised server)
  // may list any length: no role may be larger than notary's own download limit.
  if (meta.length > LIMITS.unknownLengthMaxBytes) {
    throw new CountersignError('metadata-too-large', `${role} is listed as ${meta.length} bytes, over the ${LIMITS.unknownLengthMaxBytes}-byte limit`, { role });
  }
  const sha256 = meta.hashes.sha256;
  return sha256 ? fetcher.optional(`${role}.${Buffer.from(sha256, 'base64').toString('hex')}.json`, meta.length, role) : null;
}

/** Base64 sha256 of cached bytes: the hash the cache computed while loading them, else computed now. */
function cachedSha256(stored: StoredRepository, bytes: Uint8Array): string {
  const hex = stored.digests?.get(bytes);
  return hex ? Buffer.from(hex, 'hex').toString('base64') : createHash('sha256').update(bytes).digest('base64');
}

interface CountingFetcher {
  /** Failures of the download (e.g. metadata-too-large) name `role`. */
  optional(name: string, maxBytes: number, role: string): Promise<Uint8Array | null>;
  /** A file that must exist; `missing` is the error code when it does not. */
  required(name: string, maxBytes: number, role: string, missing?: 'role-missing' | 'repository-not-found'): Promise<Uint8Array>;
  count(): number;
}

function countingFetcher(fetcher: MetadataFetcher, signal: AbortSignal | undefined): CountingFetcher {
  let downloads = 0;
  const optional = async (name: string, maxBytes: number, role: string) => {
    if (signal?.aborted) throw new CountersignError('cancelled', 'the refresh was cancelled');
    // Role names come from metadata: none may become a request outside the repository's path.
    checkMetadataFileName(name);
    downloads++;
    try {
      return await fetcher.fetch(name, maxBytes, signal);
    } catch (error) {
      // The fetcher knows the file, not the role: a refusal of the data must still name its role
      // (network failures are about the server, not a role).
      if (error instanceof CountersignError && error.code === 'metadata-too-large' && error.role === undefined) {
        throw new CountersignError(error.code, error.message, { role, cause: error });
      }
      throw error;
    }
  };
  return {
    optional,
    async required(name, maxBytes, role, missing = 'role-missing') {
      const bytes = await optional(name, maxBytes, role);
      if (!bytes) {
        const message = missing === 'repository-not-found' ? 'the repository does not exist on this server (no trust data)' : `the server has no ${name}`;
        throw new CountersignError(missing, message, { role });
      }
      return bytes;
    },
    count: () => downloads,
  };
}
