// Staging the everyday changes with docker trust's rules for which roles they touch. Decisions are
// made on the repository as it will be once what is already staged is published (the latest verified
// metadata plus the staged changes), so `init`, `signer add` and `sign` can be staged one after another.
import { CountersignError } from '../../../shared/errors';
import { pathAllowed } from '../tuf/trusted-set';
import { applyChanges } from './apply-changes';
import type { Change, RepositoryInitChange, StagedChange, TargetMeta } from './changes';
import { RepositoryDraft } from './draft';
import type { RefreshResult } from '../tuf/updater';
import { fetchVerified, type RepositoryTarget } from './latest';
import { draftForNewRepository, newRepositoryKeys, type NewRepositoryKeysOptions } from './new-repository';
import { holdsKeyFor, type SigningKeys } from './signing';
import { StagedChanges } from './staged-store';

export interface StageContext extends RepositoryTarget {
  keys: SigningKeys;
  now?: () => Date;
  /** Set by a job once it has read the repository (core/jobs/open.ts): what it builds on, passed along. */
  opened?: OpenedRepository;
}

/** What a job read when it opened a repository for writing. */
export interface OpenedRepository {
  /** The verified state from the server (undefined: no such repository yet). */
  latest: RefreshResult | undefined;
  /** IDs of the changes staged before this job. */
  earlier: readonly string[];
  /** Whether this job publishes them too (the user said so); if not, it neither builds on nor sends them. */
  includeEarlier: boolean;
}

/** The verified state to build on: what the job opened with, else a fresh read. */
export async function latestOf(context: RepositoryTarget & { now?: () => Date; opened?: OpenedRepository }): Promise<RefreshResult | undefined> {
  return context.opened ? context.opened.latest : fetchVerified(context, context.now?.() ?? new Date());
}

export function stagingArea(target: RepositoryTarget): StagedChanges {
  return new StagedChanges(target.home, target.notary.serverUrl, target.gun);
}

/** The repository as it will be after publishing what is staged now. */
export async function plannedDraft(context: StageContext): Promise<RepositoryDraft> {
  const opened = context.opened;
  const staged = (await stagingArea(context).list()).filter((change) => opened === undefined || opened.includeEarlier || !opened.earlier.includes(change.id));
  const latest = await latestOf(context);
  let draft: RepositoryDraft;
  if (latest) {
    draft = RepositoryDraft.fromVerified(latest.trusted, latest.failedDelegations);
  } else {
    const init = staged.find((change): change is StagedChange & RepositoryInitChange => change.kind === 'repository-init');
    if (!init) throw new CountersignError('repository-not-found', `${context.gun} does not exist on ${context.notary.serverUrl}; create it with countersign init`);
    draft = await draftForNewRepository(context.gun, init, context);
  }
  applyChanges(draft, staged);
  return draft;
}

/**
 * Stages signing `tag`. Roles, as docker trust sign picks them: targets when the repository has no
 * delegations; else every direct child of targets whose paths allow the tag and for which the vault
 * holds a key (targets/releases included). Explicit roles are checked the same way.
 */
export async function stageSignature(context: StageContext, tag: string, meta: TargetMeta, roles?: readonly string[]): Promise<StagedChange[]> {
  const draft = await plannedDraft(context);
  const chosen = roles && roles.length > 0 ? await checkedRoles(draft, tag, roles, context.keys) : await signableRoles(draft, tag, context.keys);
  return stagingArea(context).stage(chosen.map((role) => ({ kind: 'target-add', role, name: tag, meta })));
}

/**
 * The roles docker trust sign would sign `tag` into, before asking which keys are held: targets when
 * the repository has no delegations, else the direct children of targets whose paths allow the tag.
 * (The plan of a job, core/jobs/plan.ts, asks the same question and must get the same answer.)
 */
export function signatureCandidates(draft: RepositoryDraft, tag: string): { delegated: boolean; candidates: string[] } {
  const delegated = draft.existingTargets('targets')?.delegations?.roles ?? [];
  if (delegated.length === 0) return { delegated: false, candidates: ['targets'] };
  return { delegated: true, candidates: delegated.filter((role) => role.name.split('/').length === 2 && pathAllowed(role, tag)).map((role) => role.name) };
}

async function signableRoles(draft: RepositoryDraft, tag: string, keys: SigningKeys): Promise<string[]> {
  const { delegated, candidates } = signatureCandidates(draft, tag);
  if (!delegated) return checkedRoles(draft, tag, candidates, keys);
  const chosen: string[] = [];
  for (const role of candidates) if (await holdsKeyFor(draft.signingKeys(role), keys)) chosen.push(role);
  if (chosen.length === 0) {
    throw new CountersignError('key-not-found', `no valid signing keys for the delegation roles of ${draft.gun} that may sign "${tag}" (${candidates.join(', ') || 'none'})`);
  }
  return chosen;
}

async function checkedRoles(draft: RepositoryDraft, tag: string, roles: readonly string[], keys: SigningKeys): Promise<string[]> {
  for (const role of roles) {
    if (role !== 'targets' && !role.startsWith('targets/')) throw new CountersignError('invalid-input', `"${role}" is not a targets role`);
    const outside = draft.delegationChain(role).find((grant) => !pathAllowed(grant, tag));
    if (outside) throw new CountersignError('delegation-path', `${role} may not sign "${tag}": it is outside the paths delegated to ${outside.name}`, { role });
    if (!(await holdsKeyFor(draft.signingKeys(role), keys))) {
      throw new CountersignError('key-not-found', `the vault holds no key of ${role} in ${draft.gun}`, { role });
    }
  }
  return [...new Set(roles)];
}

export interface RevocationPlan {
  staged: StagedChange[];
  /** Roles that keep signing the tag(s) because the vault holds none of their keys. */
  kept: { role: string; names: string[] }[];
}

/**
 * Stages removing `tag` — every tag when undefined — from every role that lists it and that the vault
 * can sign. (docker trust revoke only looks at direct children of targets; a tag left in targets
 * would stay trusted, so we remove it wherever we can and report where we cannot.)
 */
export async function stageRevocation(context: StageContext, tag?: string): Promise<RevocationPlan> {
  const draft = await plannedDraft(context);
  const changes: Change[] = [];
  const kept: RevocationPlan['kept'] = [];
  for (const role of draft.targetsRoleNames()) {
    const listed = Object.keys(draft.existingTargets(role)?.targets ?? {});
    const names = tag === undefined ? listed : listed.filter((name) => name === tag);
    if (names.length === 0) continue;
    if (await holdsKeyFor(draft.signingKeys(role), context.keys)) changes.push(...names.map((name) => ({ kind: 'target-remove' as const, role, name })));
    else kept.push({ role, names });
  }
  if (changes.length === 0) {
    const what = tag === undefined ? 'no signed tags' : `"${tag}" is not signed`;
    if (kept.length === 0) throw new CountersignError('not-found', `${what} in ${draft.gun}`);
    throw new CountersignError('key-not-found', `only ${kept.map((k) => k.role).join(', ')} sign${tag === undefined ? '' : ` "${tag}"`} in ${draft.gun}, and the vault holds none of their keys`);
  }
  return { staged: await stagingArea(context).stage(changes), kept };
}

/**
 * Stages creating the repository (notary init): its keys are made in the vault now, before any
 * metadata naming them exists. Refused when the repository exists or an init is already staged.
 */
export async function stageInit(
  context: RepositoryTarget & { vault: NewRepositoryKeysOptions['vault']; now?: () => Date },
  options: { serverManagedSnapshot?: boolean; rootKeyId?: string } = {},
): Promise<StagedChange[]> {
  const staging = stagingArea(context);
  if ((await staging.list()).some((change) => change.kind === 'repository-init')) {
    throw new CountersignError('invalid-input', `creating ${context.gun} is already staged: publish it, or drop it with countersign reset`);
  }
  const now = context.now?.() ?? new Date();
  if (await latestOf(context)) throw new CountersignError('invalid-input', `${context.gun} already exists on ${context.notary.serverUrl}`);
  const init = await newRepositoryKeys({ gun: context.gun, vault: context.vault, now, ...options });
  return staging.stage([init], now);
}
