// Staging delegation changes with notary's semantics (`notary delegation add|remove|list`), and the
// checks every staging of ours makes first: the changes are applied to the repository as it will be
// once what is staged now is published, and signed in a dry run, so that a missing key, a path outside
// the parent's or a role nobody delegates is refused before anything is staged or published.
import { CountersignError } from '../../../shared/errors';
import type { RoleView } from '../../../shared/domain';
import { checkThreshold } from '../tuf/checks';
import type { Envelope, TargetsSigned } from '../tuf/metadata';
import type { RefreshResult } from '../tuf/updater';
import { applyChanges } from './apply-changes';
import { buildUpdate } from './build-update';
import type { Change, DelegationUpdateChange, StagedChange, WitnessChange } from './changes';
import { canonicalKeyIdsOf } from './delegations-apply';
import { stagedDelegationKey, type DelegationKey } from './delegations-keys';
import type { RepositoryDraft } from './draft';
import { defaultExpiry } from './expiry';
import { viewOf } from './latest';
import { canonicalIdOrUndefined } from './signing';
import { latestOf, plannedDraft, stagingArea, type StageContext } from './stage';

/** notary's IsDelegation: under targets/, lowercase letters, digits, "-", "_", no empty or dot segments. */
const DELEGATION_NAME = /^targets(\/[-a-z0-9_]+)+$/;

export function checkDelegationName(role: string): void {
  if (!DELEGATION_NAME.test(role) || role.length > 255) {
    throw new CountersignError('invalid-input', `"${role}" is not a delegation name: targets/NAME[/NAME...] with lowercase letters, digits, "-" and "_"`);
  }
}

/**
 * The repository as it will be after publishing what is staged and `changes`, signed in a dry run
 * (nothing leaves this process). Throws what the publish would: key-not-found, delegation-path, ...
 */
export async function checkPublishable(context: StageContext, changes: readonly Change[]): Promise<RepositoryDraft> {
  const draft = await plannedDraft(context);
  applyChanges(draft, changes);
  await buildUpdate(draft, context.keys, context.now?.() ?? new Date());
  return draft;
}

/** Stages the changes after checkPublishable. */
export async function stageIfPublishable(context: StageContext, changes: readonly Change[]): Promise<StagedChange[]> {
  await checkPublishable(context, changes);
  return stagingArea(context).stage(changes, context.now?.());
}

export interface DelegationAddOptions {
  keys: readonly DelegationKey[];
  /** Path prefixes the role may sign; "" (or allPaths) allows every path. */
  paths?: readonly string[];
  allPaths?: boolean;
  threshold?: number;
}

/** `notary delegation add`: creates the role (it needs a key and paths) or adds keys and paths to it. */
export async function stageDelegationAdd(context: StageContext, role: string, options: DelegationAddOptions): Promise<StagedChange[]> {
  checkDelegationName(role);
  const paths = options.allPaths ? [''] : [...(options.paths ?? [])];
  const draft = await plannedDraft(context);
  const existing = delegationOrUndefined(draft, role);
  if (!existing && paths.length === 0) {
    throw new CountersignError('invalid-input', `a new delegation needs --paths or --all-paths: without paths ${role} may sign nothing`);
  }
  if (!existing && options.keys.length === 0) throw new CountersignError('invalid-input', `a new delegation needs at least one key (--key FILE)`);
  if (existing && options.keys.length === 0 && paths.length === 0 && options.threshold === undefined) {
    throw new CountersignError('invalid-input', 'nothing to add: give --key, --paths or --threshold');
  }
  const keyCount = new Set([...(existing?.canonicalIds ?? []), ...options.keys.map((k) => k.canonicalId)]).size;
  const threshold = options.threshold ?? existing?.threshold ?? 1;
  if (threshold > keyCount) {
    throw new CountersignError('invalid-input', `${role} would need ${threshold} signatures but has ${keyCount} key(s): add keys first, or lower --threshold`);
  }
  const change: DelegationUpdateChange = {
    kind: 'delegation-update',
    role,
    addKeys: options.keys.map(stagedDelegationKey),
    removeKeyIds: [],
    addPaths: paths,
    removePaths: [],
    clearPaths: false,
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
  };
  return stageIfPublishable(context, [change]);
}

export interface DelegationRemoveOptions {
  /** Keys to remove (canonical or listed IDs, or unambiguous prefixes); none: remove the whole role. */
  keyIds?: readonly string[];
  paths?: readonly string[];
  allPaths?: boolean;
}

export interface DelegationRemovalPlan {
  changes: Change[];
  /** True when the whole role (and what it delegated) goes. */
  removesRole: boolean;
  /** Canonical IDs of the keys removed. */
  removedKeyIds: string[];
  /** Set when the role's tags stop being trusted until someone with one of its remaining keys signs it again. */
  unverifiable?: string;
  /** Set when the role keeps fewer keys than its threshold: nobody can sign it until keys are added. */
  unsignable?: string;
}

/**
 * Plans `notary delegation remove`: keys and/or paths from a role, or (given neither) the whole role;
 * checked in a dry run, not staged yet (the caller may want to confirm first).
 */
export async function planDelegationRemoval(context: StageContext, role: string, options: DelegationRemoveOptions = {}): Promise<DelegationRemovalPlan> {
  checkDelegationName(role);
  const inputs = await removalInputs(context);
  const existing = delegationOrUndefined(inputs.draft, role);
  if (!existing) throw new CountersignError('not-found', `${context.gun} has no delegation ${role}`, { role });
  const keyIds = options.keyIds ?? [];
  const paths = options.paths ?? [];
  let plan: DelegationRemovalPlan;
  if (keyIds.length === 0 && paths.length === 0 && !options.allPaths) {
    plan = { changes: [{ kind: 'delegation-delete', role }], removesRole: true, removedKeyIds: existing.canonicalIds };
  } else {
    const removedKeyIds = keyIds.map((id) => resolveKeyId(existing.canonicalIds, id, role));
    const change: DelegationUpdateChange = {
      kind: 'delegation-update',
      role,
      addKeys: [],
      removeKeyIds: removedKeyIds,
      addPaths: [],
      removePaths: [...paths],
      clearPaths: options.allPaths === true,
    };
    applyChanges(inputs.draft, [change]);
    const { witness, unverifiable } = witnessToKeepVerifying(inputs.draft, inputs.served?.trusted.delegations.get(role), inputs.held, role, inputs.now);
    plan = { changes: witness ? [change, witness] : [change], removesRole: false, removedKeyIds, ...(unverifiable ? { unverifiable } : {}) };
    const remaining = existing.canonicalIds.filter((id) => !removedKeyIds.includes(id)).length;
    if (remaining < existing.threshold) plan.unsignable = `${role} keeps ${remaining} key(s) but needs ${existing.threshold} signatures: nobody can sign it until keys are added`;
  }
  await checkPublishable(context, plan.changes);
  return plan;
}

/**
 * After keys were removed from `role` in `after` (a draft with the removal applied), does the role's
 * current metadata (`served`, as verified) still carry a threshold of valid signatures from the keys
 * it keeps? If not, re-signing it (a witness in the same publish) keeps it trusted — when the vault
 * holds enough of those keys (`held`: canonical IDs); otherwise say what is lost.
 */
export function witnessToKeepVerifying(
  after: RepositoryDraft,
  served: Envelope<TargetsSigned> | undefined,
  held: ReadonlySet<string>,
  role: string,
  now: Date,
): { witness?: WitnessChange; unverifiable?: string } {
  if (!served) return {};
  const requirement = after.signingKeys(role);
  try {
    checkThreshold(served, { keyids: [...requirement.keyids], threshold: requirement.threshold }, requirement.keys, role);
    return {};
  } catch (error) {
    if (!(error instanceof CountersignError && error.code === 'signature-threshold')) throw error;
  }
  const heldListed = new Set(requirement.keyids.map((id) => canonicalIdOrUndefined(requirement.keys[id])).filter((id) => id !== undefined && held.has(id)));
  if (heldListed.size >= requirement.threshold) return { witness: { kind: 'witness', role, until: defaultExpiry(role, now) } };
  const tags = Object.keys(served.signed.targets).length;
  return {
    unverifiable: `${role} was signed by the keys being removed: its ${tags} signed tag(s) are no longer trusted until a remaining signer of ${role} re-signs it (notary witness ${after.gun} ${role})`,
  };
}

/** What planning a removal needs beside the planned draft: the verified metadata and the keys we hold. */
export async function removalInputs(context: StageContext): Promise<{ draft: RepositoryDraft; served: RefreshResult | undefined; held: ReadonlySet<string>; now: Date }> {
  const now = context.now?.() ?? new Date();
  const served = await latestOf(context);
  return { draft: await plannedDraft(context), served, held: await context.keys.heldKeyIds(), now };
}

/** A delegation as `notary delegation list` shows it, from the verified metadata on the server. */
export interface DelegationListing {
  role: string;
  paths: string[];
  /** Canonical key IDs, as notary and docker show them. */
  keyIds: string[];
  threshold: number;
  status: RoleView['status'];
  version?: number;
  expires?: string;
  error?: RoleView['error'];
}

export async function listDelegations(context: StageContext): Promise<DelegationListing[]> {
  const latest = await latestOf(context);
  if (!latest) throw new CountersignError('repository-not-found', `${context.gun} does not exist on ${context.notary.serverUrl}`);
  const view = viewOf(context, latest);
  const canonical = new Map(view.keys.map((key) => [key.id, key.canonicalId ?? key.id]));
  return view.roles
    .filter((role) => role.name.startsWith('targets/'))
    .map((role) => ({
      role: role.name,
      paths: role.paths ?? [],
      keyIds: (role.keyIds ?? []).map((id) => canonical.get(id) ?? id),
      threshold: role.threshold ?? 1,
      status: role.status,
      ...(role.version === undefined ? {} : { version: role.version }),
      ...(role.expires === undefined ? {} : { expires: role.expires }),
      ...(role.error === undefined ? {} : { error: role.error }),
    }));
}

interface ExistingDelegation {
  threshold: number;
  canonicalIds: string[];
}

function delegationOrUndefined(draft: RepositoryDraft, role: string): ExistingDelegation | undefined {
  const delegation = delegationIn(draft, role);
  return delegation && { threshold: delegation.grant.threshold, canonicalIds: canonicalKeyIdsOf(delegation.grant, delegation.keys) };
}

/** The delegation as its parent grants it, or undefined when nobody delegates it. */
export function delegationIn(draft: RepositoryDraft, role: string): ReturnType<RepositoryDraft['delegation']> | undefined {
  try {
    return draft.delegation(role);
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'role-missing') return undefined;
    throw error;
  }
}

/** A key of the role by canonical ID or an unambiguous prefix of it. */
function resolveKeyId(canonicalIds: readonly string[], wanted: string, role: string): string {
  const prefix = wanted.trim().toLowerCase();
  const matches = /^[0-9a-f]{1,64}$/.test(prefix) ? canonicalIds.filter((id) => id.startsWith(prefix)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new CountersignError('invalid-input', `"${wanted}" matches ${matches.length} keys of ${role}; give more of the ID`, { role });
  throw new CountersignError('key-not-found', `${role} has no key ${wanted} (its keys: ${canonicalIds.map((id) => id.slice(0, 12)).join(', ') || 'none'})`, { role });
}
