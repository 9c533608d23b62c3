// The plan of a write job (issue 13): before the user's last click, what the job will do — which
// repository, which roles get a new version, which key signs each and whether the keychain holds it,
// what is staged already — and what stops it, each with the fix in plain words. Nothing is signed
// for the server and nothing is staged; a dry run signs in memory only (checkPublishable).
//
// The repository is read with the same verified read every job opens with (fetchVerified: the pins,
// else trust pinning, else trust on first use). Reads fail closed: a repository that cannot be read
// or does not verify is "unreadable", never "absent" — only a server that answers "no trust data"
// gets the offer to initialise it.
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { PlannedJob, PlannedKey, PlannedRole, PlanProblem, RepositoryRef, StagedChangeView, WritePlan } from '../../../shared/schemas/flows';
import type { KeyRecord } from '../keys';
import type { Change } from '../publish/changes';
import { describeChange } from '../publish/changes';
import { checkPublishable } from '../publish/delegations';
import type { RepositoryDraft, RoleKeyRequirement } from '../publish/draft';
import { fetchVerified } from '../publish/latest';
import { canonicalIdOrUndefined, holdsKeyFor } from '../publish/signing';
import { plannedDraft, signatureCandidates, stagingArea, type StageContext } from '../publish/stage';
import { rolesToWitness, witnessChange } from '../publish/witness';
import { repositoryContext, type JobEnvironment } from './environment';

/** What the plan needs to know of a key in the vault (public facts only). */
export type KnownKey = Pick<KeyRecord, 'id' | 'location'> & { label?: string | undefined; offlineFile?: string | undefined };

const TOP_ROLES = new Set(['root', 'targets', 'snapshot', 'timestamp']);
const SIGN_IN_CODES = new Set<string>(['auth-required', 'auth-failed', 'access-denied']);
/** Any digest does for the dry run of a signature: which keys must sign does not depend on it. */
const PLACEHOLDER_META = { length: 0, hashes: { sha256: Buffer.alloc(32).toString('base64') } };

export function planJobs(env: JobEnvironment) {
  return {
    async plan(ref: RepositoryRef, job: PlannedJob, signal: AbortSignal): Promise<WritePlan> {
      const keys = await env.vault().list();
      return planWrite(repositoryContext(env, ref, signal), ref, job, keys);
    },
  };
}

/** The plan of `job` on one repository, from what the server serves now and what the vault holds. */
export async function planWrite(context: StageContext, ref: RepositoryRef, job: PlannedJob, vaultKeys: readonly KnownKey[]): Promise<WritePlan> {
  const base = { gun: ref.gun, serverId: ref.serverId, job: job.kind, server: context.notary.serverUrl };
  const staged = await stagedViews(context);
  let exists: boolean;
  try {
    exists = (await fetchVerified(context, context.now?.() ?? new Date())) !== undefined;
  } catch (error) {
    context.signal?.throwIfAborted();
    return { ...base, repository: 'unreadable', roles: [], staged, problems: [unreadable(ref.gun, toErrorInfo(error))], ready: false };
  }
  const problems: PlanProblem[] = [];
  const finish = (repository: WritePlan['repository'], roles: PlannedRole[]): WritePlan => ({ ...base, repository, roles, staged, problems, ready: problems.length === 0 });

  if (job.kind === 'init') {
    if (exists) problems.push({ code: 'already-initialised', message: `${ref.gun} exists on ${context.notary.serverUrl} already.`, fix: 'Open it under Repositories: there is nothing to initialise.', place: 'repository' });
    return finish(exists ? 'exists' : 'absent', exists ? [] : initRoles(job.serverManagedSnapshot));
  }
  let draft: RepositoryDraft;
  try {
    // What is staged counts: a staged init makes the repository signable before it is published.
    draft = await plannedDraft(context);
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'repository-not-found') {
      problems.push({
        code: 'initialise-repository',
        message: `${ref.gun} has no trust data on ${context.notary.serverUrl}: it was never signed.`,
        fix: 'Initialise this repository first: Countersign makes its root and targets keys and the server its timestamp key.',
        place: 'init',
      });
      return finish('absent', []);
    }
    problems.push(unreadable(ref.gun, toErrorInfo(error)));
    return finish('unreadable', []);
  }
  const held = await context.keys.heldKeyIds();
  const known = new Map(vaultKeys.map((key) => [key.id, key]));
  const roleOf = (role: string, signer: PlannedRole['signer'] = 'you'): PlannedRole => plannedRole(draft.signingKeys(role), signer, held, known);

  const changed = await changedRoles(draft, job, context, problems);
  const roles = changed.map((role) => roleOf(role));
  for (const role of roles) {
    if (problems.some((problem) => problem.code === 'add-yourself-as-signer')) break;
    const problem = keyProblem(role, job, draft);
    if (problem !== undefined) problems.push(problem);
  }
  if (changed.length > 0) {
    const snapshot = roleOf('snapshot');
    roles.push(snapshot.keys.some((key) => key.presence === 'keychain') ? snapshot : { ...snapshot, signer: 'server', keys: snapshot.keys.map(serverHeld) });
    const timestamp = roleOf('timestamp', 'server');
    roles.push({ ...timestamp, keys: timestamp.keys.map(serverHeld) });
  }
  if (problems.length === 0 && changed.length > 0) await dryRun(context, draft, job, changed, problems);
  return finish('exists', roles);
}

/** The roles a job gives a new version (snapshot and timestamp follow every publish and are added after). */
async function changedRoles(draft: RepositoryDraft, job: Exclude<PlannedJob, { kind: 'init' }>, context: StageContext, problems: PlanProblem[]): Promise<string[]> {
  switch (job.kind) {
    case 'sign': {
      if (job.roles.length > 0) return [...new Set(job.roles)];
      const { delegated, candidates } = signatureCandidates(draft, job.tag);
      if (!delegated) return candidates;
      const chosen: string[] = [];
      for (const role of candidates) if (await holdsKeyFor(draft.signingKeys(role), context.keys)) chosen.push(role);
      if (chosen.length === 0) {
        problems.push({
          code: 'add-yourself-as-signer',
          message:
            candidates.length === 0
              ? `${draft.gun} has delegations, and none of them may sign "${job.tag}".`
              : `${draft.gun} has signers (${candidates.join(', ')}), and none of their keys is in this keychain. docker trust sign signs into your signer role, not into targets.`,
          fix: 'Add yourself as a signer: Delegate, with a key of yours (Keys makes one). Or import your signer key if you have one.',
          place: 'delegate',
        });
        // Shown with their keys, so that the user sees whose keys sign there.
        return candidates;
      }
      return chosen;
    }
    case 'revoke': {
      const removable: string[] = [];
      const kept: string[] = [];
      for (const role of draft.targetsRoleNames()) {
        const listed = Object.keys(draft.existingTargets(role)?.targets ?? {});
        if (!(job.tag === undefined ? listed.length > 0 : listed.includes(job.tag))) continue;
        ((await holdsKeyFor(draft.signingKeys(role), context.keys)) ? removable : kept).push(role);
      }
      if (removable.length === 0 && kept.length === 0) {
        const what = job.tag === undefined ? 'has no signed tags' : `does not sign "${job.tag}"`;
        problems.push({ code: 'nothing-to-revoke', message: `${draft.gun} ${what}.`, fix: 'Nothing needs revoking.', place: 'repository' });
      }
      // Roles the keychain cannot sign keep their signatures: shown, and named as the problem when they are all there is.
      return removable.length > 0 ? removable : kept;
    }
    case 'delegate':
      // docker trust signer add: targets/NAME and targets/releases, both delegated (and signed) by targets.
      return ['targets'];
    case 'expiry':
      return rolesToWitness(job.roles).filter((role) => resignable(draft, role, context, problems));
  }
}

/**
 * Whether the expiry job can re-sign `role` as the server serves it now, by the job's own rule
 * (witnessChange). The list may be older than the repository: a signer removed since, or a role that
 * no longer verifies, is named here rather than at the last click.
 */
function resignable(draft: RepositoryDraft, role: string, context: StageContext, problems: PlanProblem[]): boolean {
  try {
    witnessChange(draft, role, context.now?.() ?? new Date());
    return true;
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'role-missing' || info.code === 'not-found') {
      problems.push({ code: 'nothing-to-resign', message: `${draft.gun}: ${info.message}.`, fix: 'Check the expiry list again: this role is not there to re-sign any more.', place: 'repository', role, error: info });
    } else {
      // It failed verification: never taken for a role that is simply not there.
      problems.push({ code: 'not-verified', message: `${role} of ${draft.gun} did not verify: ${info.message}`, fix: 'Nothing can be re-signed in it until it verifies: open the repository to see why.', place: 'repository', role, error: info });
    }
    return false;
  }
}

function plannedRole(requirement: RoleKeyRequirement, signer: PlannedRole['signer'], held: ReadonlySet<string>, known: ReadonlyMap<string, KnownKey>): PlannedRole {
  const keys = requirement.keyids.map((listed): PlannedKey => {
    const keyId = canonicalIdOrUndefined(requirement.keys[listed]) ?? listed;
    const record = known.get(keyId);
    const presence: PlannedKey['presence'] = held.has(keyId) ? 'keychain' : record?.location === 'offline' ? 'offline' : 'missing';
    return {
      keyId,
      shortId: keyId.slice(0, 12),
      presence,
      ...(record?.label === undefined ? {} : { label: record.label }),
      ...(presence === 'offline' && record?.offlineFile !== undefined ? { offlineFile: record.offlineFile } : {}),
    };
  });
  return { role: requirement.role, signer, threshold: requirement.threshold, keys };
}

function serverHeld(key: PlannedKey): PlannedKey {
  return key.presence === 'keychain' ? key : { ...key, presence: 'server' };
}

/** A role this keychain must sign and cannot: the fix depends on the role and where its key is. */
function keyProblem(role: PlannedRole, job: PlannedJob, draft: RepositoryDraft): PlanProblem | undefined {
  const online = role.keys.filter((key) => key.presence === 'keychain').length;
  if (online >= role.threshold) return undefined;
  const offline = role.keys.filter((key) => key.presence === 'offline');
  const ids = role.keys.map((key) => key.shortId).join(', ') || 'none listed';
  if (offline.length > 0 && online + offline.length >= role.threshold) {
    return {
      code: 'bring-key-online',
      message: `The ${role.role} key (${offline.map((key) => key.shortId).join(', ')}) is offline${offline[0]?.offlineFile === undefined ? '' : ` in ${offline[0].offlineFile}`}.`,
      fix: `Bring the ${role.role} key online: Keys, import its encrypted file with its passphrase.`,
      place: 'keys',
      role: role.role,
    };
  }
  if (job.kind === 'sign' && role.role === 'targets' && hasDelegations(draft)) {
    return {
      code: 'add-yourself-as-signer',
      message: `${draft.gun} has signers, and this keychain holds neither a signer key nor the targets key (${ids}).`,
      fix: 'Add yourself as a signer: Delegate, with a key of yours. Or import the targets key.',
      place: 'delegate',
      role: role.role,
    };
  }
  if (job.kind === 'sign' && role.role !== 'targets' && !TOP_ROLES.has(role.role)) {
    return {
      code: 'add-yourself-as-signer',
      message: `${role.role} is signed by ${ids}; none of these keys is in this keychain.`,
      fix: `Ask the owner of the targets key to add your key to ${role.role} (Delegate), or import that signer's key.`,
      place: 'delegate',
      role: role.role,
    };
  }
  return {
    code: 'import-key',
    message: `Signing ${role.role} needs ${role.threshold} of its keys (${ids}); this keychain holds ${online}.`,
    fix: `Import the ${role.role} key: Keys, import from a docker trust folder or an encrypted key file.`,
    place: 'keys',
    role: role.role,
  };
}

function hasDelegations(draft: RepositoryDraft): boolean {
  return (draft.existingTargets('targets')?.delegations?.roles.length ?? 0) > 0;
}

/** Signs the job's changes in memory, to find what the facts above cannot (a path outside a delegation, a failed role). */
async function dryRun(context: StageContext, draft: RepositoryDraft, job: Exclude<PlannedJob, { kind: 'init' }>, roles: readonly string[], problems: PlanProblem[]): Promise<void> {
  const now = context.now?.() ?? new Date();
  const changes: Change[] =
    job.kind === 'sign'
      ? roles.map((role) => ({ kind: 'target-add', role, name: job.tag, meta: PLACEHOLDER_META }))
      : job.kind === 'revoke'
        ? roles.flatMap((role) => Object.keys(draft.existingTargets(role)?.targets ?? {}).filter((name) => job.tag === undefined || name === job.tag).map((name) => ({ kind: 'target-remove' as const, role, name })))
        : roles.map((role) => witnessChange(draft, role, now));
  try {
    await checkPublishable(context, changes);
  } catch (error) {
    const info = toErrorInfo(error);
    problems.push({ code: 'not-publishable', message: info.message, fix: 'The server would refuse this change as it stands; see the reason.', place: 'repository', ...(info.role === undefined ? {} : { role: info.role }), error: info });
  }
}

/** Root, targets and snapshot keys made in the keychain (or the snapshot key on the server), the timestamp key on the server. */
function initRoles(serverManagedSnapshot: boolean): PlannedRole[] {
  const fresh = (role: string, presence: PlannedKey['presence']): PlannedRole => ({ role, signer: presence === 'server' ? 'server' : 'you', threshold: 1, keys: [{ keyId: '', shortId: 'new key', presence }] });
  return [fresh('root', 'new'), fresh('targets', 'new'), fresh('snapshot', serverManagedSnapshot ? 'server' : 'new'), fresh('timestamp', 'server')];
}

function unreadable(gun: string, error: ErrorInfo): PlanProblem {
  if (SIGN_IN_CODES.has(error.code)) {
    return { code: 'sign-in', message: `The server did not let Countersign read ${gun}: ${error.message}`, fix: 'Sign in to this server (Servers: its user name and password), then try again.', place: 'servers', error };
  }
  return {
    code: 'not-verified',
    message: `The trust data of ${gun} could not be read or did not verify: ${error.message}`,
    fix: 'Nothing can be changed until it reads and verifies: open the repository to see why. It is not taken for unsigned.',
    place: 'repository',
    error,
  };
}

async function stagedViews(context: StageContext): Promise<StagedChangeView[]> {
  const changes = await stagingArea(context).list();
  return changes.map((change) => ({ id: change.id, kind: change.kind, stagedAt: change.stagedAt, description: describeChange(change) }));
}
