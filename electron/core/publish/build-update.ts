// Turns a draft into the files one publish uploads, in notary's way: every dirty role gets version + 1,
// a fresh default expiry and signatures; then a new snapshot listing what changed, when the vault holds
// the snapshot key. Without it the server makes the snapshot (a server-managed snapshot key), and the
// server always makes the timestamp.
import { createHash } from 'node:crypto';
import type { FileMeta, SnapshotSigned } from '../tuf/metadata';
import type { RepositoryDraft } from './draft';
import { defaultExpiry } from './expiry';
import { notaryRoot, notarySnapshot, notaryTargets } from './notary-form';
import { holdsKeyFor, signMetadata, type SigningKeys } from './signing';

export interface BuiltUpdate {
  /** Role -> the exact bytes to upload: root first, then targets roles parents first, snapshot last. */
  files: Map<string, Uint8Array>;
  /** Role -> the version uploaded. */
  versions: Record<string, number>;
  /** Roles the server signs in this publish: timestamp always, snapshot when we hold no snapshot key. */
  serverSigned: ('snapshot' | 'timestamp')[];
}

/** Signs everything the draft changed. An unchanged draft gives no files: there is nothing to publish. */
export async function buildUpdate(draft: RepositoryDraft, keys: SigningKeys, now: Date): Promise<BuiltUpdate> {
  const files = new Map<string, Uint8Array>();
  const versions: Record<string, number> = {};
  if (draft.rootDirty) {
    const root = draft.editRoot();
    root.version += 1;
    root.expires = defaultExpiry('root', now);
    const requirements = [draft.signingKeys('root')];
    // A rotated root must also satisfy the root clients trust now, or they could not follow it.
    if (draft.trustedRoot && !sameRole(draft.trustedRoot, requirements[0]!)) requirements.push(draft.trustedRoot);
    files.set('root', await signMetadata(notaryRoot(root), requirements, keys));
    versions['root'] = root.version;
  }
  for (const role of draft.dirtyTargetsRoles()) {
    const targets = draft.editTargets(role);
    targets.version += 1;
    targets.expires = defaultExpiry(role, now);
    files.set(role, await signMetadata(notaryTargets(targets), [draft.signingKeys(role)], keys));
    versions[role] = targets.version;
  }
  if (files.size === 0 && draft.deleted.size === 0) return { files, versions, serverSigned: [] };

  const serverSigned: BuiltUpdate['serverSigned'] = ['timestamp'];
  const snapshotKeys = draft.signingKeys('snapshot');
  if (await holdsKeyFor(snapshotKeys, keys)) {
    const snapshot = nextSnapshot(draft.snapshot, files, draft.deleted, now);
    files.set('snapshot', await signMetadata(notarySnapshot(snapshot), [snapshotKeys], keys));
    versions['snapshot'] = snapshot.version;
  } else {
    serverSigned.unshift('snapshot');
  }
  return { files, versions, serverSigned };
}

/** The served snapshot with the new files' lengths and hashes (over the exact bytes uploaded). */
function nextSnapshot(current: SnapshotSigned | undefined, files: ReadonlyMap<string, Uint8Array>, deleted: ReadonlySet<string>, now: Date): SnapshotSigned {
  const snapshot: SnapshotSigned = current ? structuredClone(current) : { _type: 'Snapshot', expires: '', meta: {}, version: 0 };
  for (const [role, bytes] of files) snapshot.meta[role] = fileMetaOf(bytes);
  for (const role of deleted) delete snapshot.meta[role];
  snapshot.version += 1;
  snapshot.expires = defaultExpiry('snapshot', now);
  return snapshot;
}

/** notary lists sha256 and sha512, base64, and the length. */
export function fileMetaOf(bytes: Uint8Array): FileMeta {
  return {
    hashes: {
      sha256: createHash('sha256').update(bytes).digest('base64'),
      sha512: createHash('sha512').update(bytes).digest('base64'),
    },
    length: bytes.length,
  };
}

function sameRole(a: { keyids: readonly string[]; threshold: number }, b: { keyids: readonly string[]; threshold: number }): boolean {
  return a.threshold === b.threshold && a.keyids.length === b.keyids.length && a.keyids.every((id) => b.keyids.includes(id));
}
