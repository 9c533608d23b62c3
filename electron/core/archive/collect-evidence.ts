// Takes one repository's evidence from its notary server: the current metadata as a normal verified
// refresh sees it (pinned root, rollback checks, the cache kept up to date), the files of delegations
// that failed (they are evidence too), every root version from 1 on, and the tag map. The evidence is
// then verified offline exactly as `verify-archive` will, so an archive that is written verifies.
import { CountersignError } from '../../../shared/errors';
import { RecordingFetcher } from '../audit/failed-roles';
import { mapLimit } from '../net/http';
import type { NotaryClient } from '../notary/notary-client';
import { MetadataCache } from '../state/metadata-cache';
import { loadRepository } from '../trust/load-repository';
import type { TrustPinning } from '../trust/pinning';
import { sha256Hex } from '../tuf/checks';
import { LIMITS } from '../tuf/limits';
import { parseEnvelope } from '../tuf/metadata';
import { tagMapOf, verifyRepositoryEvidence, type RepositoryEvidence } from './verify-evidence';

export interface CollectOptions {
  home: string;
  notary: NotaryClient;
  gun: string;
  pinning?: TrustPinning;
  signal?: AbortSignal;
  now?: Date;
}

const ROOT_FETCH_CONCURRENCY = 8;

export async function collectEvidence(options: CollectOptions): Promise<RepositoryEvidence> {
  const { gun, notary, signal } = options;
  const server = notary.serverUrl;
  const recording = new RecordingFetcher(notary.fetcher(gun));
  const { view } = await loadRepository({
    home: options.home,
    server,
    gun,
    fetcher: recording,
    ...(options.pinning ? { pinning: options.pinning } : {}),
    ...(signal ? { signal } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (view.stale) {
    throw new CountersignError(view.stale.reason.code, `${gun}: the server could not be reached, and an archive needs its root history: ${view.stale.reason.message}`);
  }
  // The refresh kept exactly the bytes it verified; read them back from where it stored them. (Should
  // another process refresh in between, the offline verification below catches any difference.)
  const stored = await new MetadataCache(options.home, server, gun).load();
  if (!stored) throw new CountersignError('internal', `${gun}: the verified data was not kept in ${options.home}`);
  const metadata = new Map(stored.files);
  const failedRoles = view.roles.flatMap((role) => (role.status === 'failed' && role.error ? [{ role: role.name, code: role.error.code }] : []));
  for (const { role } of failedRoles) {
    const bytes = recording.bytesOf(role);
    if (bytes) metadata.set(role, bytes);
  }
  const verifiedRoles = [...stored.files.keys()].sort();
  const currentRoot = stored.files.get('root');
  if (!currentRoot) throw new CountersignError('internal', `${gun}: the verified data has no root`);
  const rootVersions = await fetchRootHistory(notary, gun, currentRoot, signal);

  const evidence: RepositoryEvidence = { gun, server, verifiedAt: view.verifiedAt, rootVersions, metadata, failedRoles, verifiedRoles, tagMap: tagMapOf(view) };
  const { checks } = await verifyRepositoryEvidence(evidence);
  const broken = checks.find((check) => !check.ok);
  if (broken) {
    const error = broken.error ?? { code: 'internal' as const, message: broken.detail };
    throw new CountersignError(error.code, `${gun}: the evidence does not verify offline (${broken.name}): ${error.message}`, error.role ? { role: error.role } : {});
  }
  return evidence;
}

/** 1.root.json ... N.root.json, where N is the verified current root, which must be the last of them. */
async function fetchRootHistory(notary: NotaryClient, gun: string, currentRoot: Uint8Array, signal?: AbortSignal): Promise<Uint8Array[]> {
  const current = parseEnvelope('root', 'root', currentRoot).signed.version;
  const fetcher = notary.fetcher(gun);
  const versions = Array.from({ length: current }, (_, i) => i + 1);
  const history = await mapLimit(
    versions,
    ROOT_FETCH_CONCURRENCY,
    async (version, _index, itemSignal) => {
      const bytes = await fetcher.fetch(`${version}.root.json`, LIMITS.rootMaxBytes, itemSignal);
      if (!bytes) throw new CountersignError('role-missing', `${gun}: the server has no ${version}.root.json, so the root chain cannot be archived`, { role: 'root' });
      return bytes;
    },
    signal ? { signal } : {},
  );
  if (sha256Hex(history[current - 1]!) !== sha256Hex(currentRoot)) {
    throw new CountersignError('root-rotation', `${gun}: the server's ${current}.root.json is not the root it serves as current`, { role: 'root' });
  }
  return history;
}
