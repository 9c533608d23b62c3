// Applying delegation changes to a draft, with notary's semantics (tuf.Repo UpdateDelegationKeys,
// UpdateDelegationPaths, DeleteDelegation): the parent targets role lists the delegation and its keys;
// paths may only narrow what the parent may sign; keys no role uses any more leave the parent's key
// list. Every change compares the result with what is there and edits nothing when they are equal,
// so applying it again (after a conflict, or a publish that got through unrecorded) changes nothing.
import { CountersignError } from '../../../shared/errors';
import { keyId } from '../crypto/key-id';
import { canonicalString } from '../tuf/canonical';
import type { DelegatedRole, PublicKeyJson, TargetsSigned } from '../tuf/metadata';
import type { DelegationDeleteChange, DelegationUpdateChange } from './changes';
import { parentOf, type RepositoryDraft } from './draft';
import { canonicalIdOrUndefined } from './signing';

type Delegations = NonNullable<TargetsSigned['delegations']>;

export function applyDelegationUpdate(draft: RepositoryDraft, change: DelegationUpdateChange): void {
  const parent = parentOfDelegation(change.role);
  const outside = outsideParentPaths(draft, parent, change.addPaths);
  if (outside) {
    throw new CountersignError('delegation-path', `${change.role} may not be given the path "${outside.path}": it is outside the paths delegated to ${outside.grant}`, { role: change.role });
  }
  const delegations = draft.existingTargets(parent)?.delegations;
  const existing = delegations?.roles.find((role) => role.name === change.role);
  if (!existing && change.addKeys.length === 0) {
    throw new CountersignError('role-missing', `${parent} does not delegate ${change.role}, and a new delegation needs at least one key`, { role: change.role });
  }
  const next = updatedRole(existing, delegations?.keys ?? {}, change);
  const keysListed = change.addKeys.every((key) => delegations?.keys[keyId(key)] !== undefined);
  if (existing && keysListed && canonicalString(existing) === canonicalString(next)) return;

  const edited = delegationsOf(draft.editTargets(parent));
  for (const key of change.addKeys) edited.keys[keyId(key)] = { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
  const at = edited.roles.findIndex((role) => role.name === change.role);
  if (at === -1) edited.roles.push(next);
  else edited.roles[at] = next;
  removeUnusedKeys(edited);
}

/** The role as notary leaves it: paths cleared, removed, added; keys removed, added; threshold set. */
function updatedRole(existing: Readonly<DelegatedRole> | undefined, keys: Readonly<Record<string, PublicKeyJson>>, change: DelegationUpdateChange): DelegatedRole {
  const next: DelegatedRole = existing ? structuredClone(existing) : { name: change.role, keyids: [], threshold: change.threshold ?? 1, paths: [] };
  let paths = change.clearPaths ? [] : [...(next.paths ?? [])];
  paths = paths.filter((path) => !change.removePaths.includes(path));
  for (const path of change.addPaths) if (!paths.includes(path)) paths.push(path);
  next.paths = paths;
  // Keys to remove are named by canonical ID (as notary and docker show them) or by the listed ID.
  next.keyids = next.keyids.filter((id) => !change.removeKeyIds.includes(id) && !change.removeKeyIds.includes(canonicalIdOrUndefined(keys[id]) ?? id));
  for (const key of change.addKeys) {
    const id = keyId(key);
    if (!next.keyids.includes(id)) next.keyids.push(id);
  }
  if (change.threshold !== undefined) next.threshold = change.threshold;
  return next;
}

/**
 * Stops delegating the role (and drops its metadata and that of the roles it delegated, which
 * nothing can reach any more). A role that is not delegated is already removed.
 */
export function applyDelegationDelete(draft: RepositoryDraft, change: DelegationDeleteChange): void {
  const parent = parentOfDelegation(change.role);
  // A parent without metadata (never published, or deleted in this draft) delegates nothing.
  if (!draft.existingTargets(parent)?.delegations?.roles.some((role) => role.name === change.role)) return;
  const edited = delegationsOf(draft.editTargets(parent));
  edited.roles = edited.roles.filter((role) => role.name !== change.role);
  removeUnusedKeys(edited);
  const below = (name: string) => name === change.role || name.startsWith(`${change.role}/`);
  const served = [...draft.targetsRoleNames(), ...Object.keys(draft.snapshot?.meta ?? {})];
  for (const name of new Set(served.filter(below).concat(change.role))) draft.deleteRole(name);
}

/** Canonical IDs of the keys a role lists, looked up in its parent's key list. */
export function canonicalKeyIdsOf(role: Readonly<DelegatedRole>, keys: Readonly<Record<string, PublicKeyJson>>): string[] {
  return role.keyids.map((id) => canonicalIdOrUndefined(keys[id]) ?? id);
}

function parentOfDelegation(role: string): string {
  const parent = parentOf(role);
  if (parent === undefined || !role.startsWith('targets/')) throw new CountersignError('invalid-input', `"${role}" is not a delegated role (targets/NAME)`);
  return parent;
}

/** notary's RestrictDelegationPathPrefixes: every new path must start with a path of each delegation above. */
function outsideParentPaths(draft: RepositoryDraft, parent: string, paths: readonly string[]): { path: string; grant: string } | undefined {
  for (const grant of draft.delegationChain(parent)) {
    const path = paths.find((p) => !(grant.paths ?? []).some((prefix) => p.startsWith(prefix)));
    if (path !== undefined) return { path, grant: grant.name };
  }
  return undefined;
}

function delegationsOf(targets: TargetsSigned): Delegations {
  targets.delegations ??= { keys: {}, roles: [] };
  return targets.delegations;
}

/** notary's RemoveUnusedKeys: the parent lists only keys some delegation still uses. */
function removeUnusedKeys(delegations: Delegations): void {
  const used = new Set(delegations.roles.flatMap((role) => role.keyids));
  for (const id of Object.keys(delegations.keys)) if (!used.has(id)) delete delegations.keys[id];
}

/** "delegate targets/alice: keys +ab12…, paths + "" (all paths), threshold 1" */
export function describeDelegationUpdate(change: DelegationUpdateChange): string {
  const parts: string[] = [];
  const keys = [...change.addKeys.map((key) => `+${canonicalIdOrUndefined(key)?.slice(0, 12) ?? '?'}`), ...change.removeKeyIds.map((id) => `-${id.slice(0, 12)}`)];
  if (keys.length > 0) parts.push(`keys ${keys.join(' ')}`);
  const paths = [...(change.clearPaths ? ['-(all)'] : []), ...change.removePaths.map((p) => `-${showPath(p)}`), ...change.addPaths.map((p) => `+${showPath(p)}`)];
  if (paths.length > 0) parts.push(`paths ${paths.join(' ')}`);
  if (change.threshold !== undefined) parts.push(`threshold ${change.threshold}`);
  return `update delegation ${change.role}: ${parts.join(', ') || 'no change'}`;
}

export function describeDelegationDelete(change: DelegationDeleteChange): string {
  return `remove delegation ${change.role} (its keys, paths and signed tags)`;
}

/** notary prints the empty prefix, which allows every path, as `""`. */
export function showPath(path: string): string {
  return path === '' ? '"" (all paths)' : path;
}
