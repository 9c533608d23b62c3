// `rotate GUN root|targets|snapshot|timestamp [--server-managed]`, as notary's RotateKey does it, in
// an order that never loses a key:
// 1. a dry run first: root must be signable with the keys we hold (every rotation changes root),
//    before any key is made;
// 2. the new key is made in the vault (or asked from the server: POST .../<role>.key) BEFORE the
//    change naming it is staged; if staging then fails, a new local key is deleted again (nothing
//    names it), and a new server key is harmless (the server signs with the key root lists);
// 3. the root listing the new key is signed by the old root keys and the new ones (build-update), so
//    clients that trust the old root follow it;
// 4. the old keys leave the vault only after the server accepted the new root (retireRotatedKeys),
//    and only when no repository we know still trusts them. Old root keys are kept: a root key is
//    often shared by several repositories (notary and docker reuse it), and it is the only key that
//    can vouch for this repository's history; take it offline instead.
import { CountersignError } from '../../../shared/errors';
import { canonicalKeyIdOf } from '../crypto/key-id';
import type { KeyVault } from '../keys/vault';
import { keyUsage } from '../trust/key-usage';
import type { PublicKeyJson } from '../tuf/metadata';
import type { KeyRotationChange, StagedChange } from './changes';
import { checkPublishable, stageIfPublishable } from './delegations';
import { canonicalIdOrUndefined, vaultSigningKeys } from './signing';
import type { StageContext } from './stage';

export type RotatableRole = KeyRotationChange['role'];
export const ROTATABLE_ROLES: readonly RotatableRole[] = ['root', 'targets', 'snapshot', 'timestamp'];

export type RotationContext = StageContext & { vault: Pick<KeyVault, 'generate' | 'remove' | 'list' | 'getSigner'> };

export interface RotationPlan {
  gun: string;
  role: RotatableRole;
  serverManaged: boolean;
  staged: StagedChange[];
  /** Canonical IDs of the new keys (in the vault, or on the server). */
  newKeyIds: string[];
  /** Canonical IDs of the keys the role had before. */
  oldKeyIds: string[];
}

/** A witness that always re-signs root: what every rotation needs from the keys we hold. */
const ROOT_RESIGN = { kind: 'witness', role: 'root', until: '9999-12-31T23:59:59Z' } as const;

export async function stageKeyRotation(context: RotationContext, role: RotatableRole, options: { serverManaged?: boolean } = {}): Promise<RotationPlan> {
  const serverManaged = checkRotationInput(role, options.serverManaged === true);
  const draft = await checkPublishable(context, [ROOT_RESIGN]);
  const current = draft.root.roles[role];
  const oldKeyIds = current.keyids.map((id) => canonicalIdOrUndefined(draft.root.keys[id]) ?? id);

  const made: { key: PublicKeyJson; vaultId?: string } = serverManaged
    ? { key: await context.notary.rotateServerKey(context.gun, role as 'snapshot' | 'timestamp', context.signal) }
    : await newLocalKey(context, role);
  const change: KeyRotationChange = { kind: 'key-rotation', role, keys: [metadataKey(made.key)], serverManaged };
  // What the vault holds is read once per SigningKeys: this one must see the key just made (and so
  // must the publish that follows: give it a new one too).
  const withNewKey = { ...context, keys: vaultSigningKeys(context.vault) };
  let staged: StagedChange[];
  try {
    staged = await stageIfPublishable(withNewKey, [change]);
  } catch (error) {
    if (made.vaultId !== undefined) await context.vault.remove(made.vaultId).catch(() => undefined);
    throw error;
  }
  return { gun: context.gun, role, serverManaged, staged, newKeyIds: [canonicalKeyIdOf(made.key)], oldKeyIds };
}

/**
 * notary's checkRotationInput: the server may hold timestamp and snapshot keys, we may hold root,
 * targets and snapshot keys. The timestamp key is always the server's, so --server-managed is implied.
 */
function checkRotationInput(role: RotatableRole, serverManaged: boolean): boolean {
  if (!ROTATABLE_ROLES.includes(role)) throw new CountersignError('invalid-input', `"${role}" is not a key that can be rotated: root, targets, snapshot or timestamp`);
  if (role === 'timestamp') return true;
  if (serverManaged && role !== 'snapshot') throw new CountersignError('invalid-input', `the server can only hold timestamp and snapshot keys, not the ${role} key`);
  return serverManaged;
}

async function newLocalKey(context: RotationContext, role: RotatableRole): Promise<{ key: PublicKeyJson; vaultId: string }> {
  const record = await context.vault.generate({ role, gun: context.gun });
  if (role !== 'root') return { key: { keytype: record.keytype, keyval: { private: null, public: record.publicKey } }, vaultId: record.id };
  // root.json lists root keys as certificates for the GUN; the vault made one with the key.
  const certificate = record.certificates?.find((c) => c.gun === context.gun);
  if (!certificate) {
    await context.vault.remove(record.id);
    throw new CountersignError('internal', `the vault made root key ${record.id} without a certificate for ${context.gun}`);
  }
  return { key: { keytype: 'ecdsa-x509', keyval: { private: null, public: certificate.certificate } }, vaultId: record.id };
}

function metadataKey(key: PublicKeyJson): KeyRotationChange['keys'][number] {
  return { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
}

export interface RetiredKeys {
  /** Canonical IDs deleted from the vault. */
  removed: string[];
  /** Old keys still in the vault, and why. */
  kept: { id: string; reason: string }[];
}

/**
 * After the server accepted the rotation: deletes the role's old keys from the vault, unless the role
 * is root, the caller keeps them, or a repository we know (the verified cache, just refreshed by the
 * publish) still trusts them. Keys the vault never held (the server's) are skipped.
 */
export async function retireRotatedKeys(
  context: { home: string; vault: Pick<KeyVault, 'list' | 'remove'> },
  plan: Pick<RotationPlan, 'role' | 'oldKeyIds' | 'newKeyIds'>,
  options: { keep?: boolean } = {},
): Promise<RetiredKeys> {
  const held = new Set((await context.vault.list()).map((record) => record.id));
  const usage = await keyUsage(context.home);
  const retired: RetiredKeys = { removed: [], kept: [] };
  for (const id of plan.oldKeyIds) {
    if (!held.has(id) || plan.newKeyIds.includes(id)) continue;
    const uses = usage.get(id) ?? [];
    if (plan.role === 'root') retired.kept.push({ id, reason: 'old root keys are kept (other repositories may use it); take it offline with countersign key offline' });
    else if (options.keep) retired.kept.push({ id, reason: 'kept as asked' });
    else if (uses.length > 0) retired.kept.push({ id, reason: `still trusted by ${uses.map((u) => `${u.gun} (${u.role})`).join(', ')}` });
    else {
      await context.vault.remove(id);
      retired.removed.push(id);
    }
  }
  return retired;
}
