// Applying a key rotation (notary's ReplaceBaseKeys): root lists the new keys for the role, and keys no
// role uses any more leave root. The role is re-signed with its new key in the same publish: targets
// here, the snapshot by build-update whenever root changes, the timestamp by the server. A root whose
// role already lists exactly these keys was rotated already, so applying it again changes nothing.
//
// Unlike notary we do not keep the old root role as "root.N" in the new root: clients check a new root
// against the root they hold, not against keys the new one lists, and notary would then demand the
// old root key for every later root it signs.
import { canonicalKeyIdOf, keyId } from '../crypto/key-id';
import type { PublicKeyJson } from '../tuf/metadata';
import type { KeyRotationChange } from './changes';
import type { RepositoryDraft } from './draft';

export function applyKeyRotation(draft: RepositoryDraft, change: KeyRotationChange): void {
  const ids = change.keys.map((key) => keyId(key));
  const current = draft.root.roles[change.role];
  if (current.keyids.length === ids.length && ids.every((id) => current.keyids.includes(id))) return;

  const root = draft.editRoot();
  const retired = current.keyids;
  // A threshold above the number of keys would lock the role for good.
  root.roles[change.role] = { ...current, keyids: ids, threshold: Math.min(current.threshold, ids.length) };
  for (const key of change.keys) root.keys[keyId(key)] = metadataKey(key);
  const stillUsed = new Set(Object.values(root.roles as Record<string, { keyids?: unknown }>).flatMap((role) => (Array.isArray(role.keyids) ? (role.keyids as string[]) : [])));
  for (const id of retired) if (!stillUsed.has(id)) delete root.keys[id];
  if (change.role === 'targets') draft.editTargets('targets');
}

export function describeKeyRotation(change: KeyRotationChange): string {
  const ids = change.keys.map((key) => canonicalKeyIdOf(key).slice(0, 12)).join(', ');
  return `rotate the ${change.role} key to ${ids}${change.serverManaged ? ' (held by the server)' : ''}`;
}

function metadataKey(key: PublicKeyJson): PublicKeyJson {
  return { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
}
