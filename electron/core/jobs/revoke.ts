// Revocation from the app: a tag's signature or every tag's (docker trust revoke, from every role the
// keychain can sign), and a compromised key purged from every delegation of the chosen repositories —
// after a preview of which tags lose their valid signatures, which the user may have signed again in
// the same publish.
import { CountersignError } from '../../../shared/errors';
import { sortNatural } from '../../../shared/reference';
import type { FlowSummary, KeyRevocationPreview, LosingTag, RepositoryRef, RevocationPreview, TagsInRole } from '../../../shared/schemas/flows';
import type { Change, TargetMeta } from '../publish/changes';
import { canonicalKeyIdsOf } from '../publish/delegations-apply';
import { checkPublishable, removalInputs, witnessToKeepVerifying } from '../publish/delegations';
import type { RepositoryDraft } from '../publish/draft';
import { applyChanges } from '../publish/apply-changes';
import { holdsKeyFor, type SigningKeys } from '../publish/signing';
import { plannedDraft, stageRevocation, stagingArea } from '../publish/stage';
import { distinctRepositories, repositoryContext, type JobEnvironment, type RepositoryContext } from './environment';
import { finishOwn, openForWrite, type EarlierStaged } from './open';
import { emptyOutcome, forEachRepository, publishEach, type FlowContext } from './run';

/** docker trust shows (and docker pull trusts) tags from these roles only. */
const DOCKER_ROLES = ['targets/releases', 'targets'];

export interface KeyRevocationTarget extends RepositoryRef {
  resign?: { role: string; tags: string[] } | undefined;
}

export function revokeJobs(env: JobEnvironment) {
  return {
    async preview(ref: RepositoryRef & { tag?: string | undefined }, signal: AbortSignal): Promise<RevocationPreview> {
      const repository = repositoryContext(env, ref, signal);
      const draft = await plannedDraft(repository);
      const removable: TagsInRole[] = [];
      const kept: TagsInRole[] = [];
      for (const role of draft.targetsRoleNames()) {
        const listed = Object.keys(draft.existingTargets(role)?.targets ?? {});
        const tags = ref.tag === undefined ? listed : listed.filter((name) => name === ref.tag);
        if (tags.length === 0) continue;
        ((await holdsKeyFor(draft.signingKeys(role), repository.keys)) ? removable : kept).push({ role, tags });
      }
      const stays = new Set(kept.filter((k) => DOCKER_ROLES.includes(k.role)).flatMap((k) => k.tags));
      const unsigned = [...new Set(removable.filter((r) => DOCKER_ROLES.includes(r.role)).flatMap((r) => r.tags))].filter((tag) => !stays.has(tag));
      const alreadyStaged = (await stagingArea(repository).list()).length;
      return { gun: ref.gun, serverId: ref.serverId, ...(ref.tag === undefined ? {} : { tag: ref.tag }), removable, kept, unsigned, alreadyStaged };
    },

    tags(request: RepositoryRef & { tag?: string | undefined; confirmAll: boolean; earlierStaged: EarlierStaged; stageOnly?: boolean }, context: FlowContext): Promise<FlowSummary> {
      if (request.tag === undefined && !request.confirmAll) {
        throw new CountersignError('confirmation-required', `Revoking every tag of ${request.gun} cannot be undone: confirm to go on.`);
      }
      return publishEach(env, [request], context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        step('reading the repository');
        await openForWrite(repository, request.earlierStaged);
        step('staging the revocation');
        const plan = await stageRevocation(repository, request.tag);
        const notes = plan.kept.map(({ role, names }) => `${role} still signs ${names.length === 1 ? names[0] : `${names.length} tags`}: the keychain holds none of its keys`);
        return { result: await finishOwn(repository, plan.staged, step, request.stageOnly), notes };
      });
    },

    async keyPreview(keyId: string, repositories: readonly RepositoryRef[], context: FlowContext): Promise<KeyRevocationPreview[]> {
      const { outcomes, results } = await forEachRepository(
        distinctRepositories(repositories),
        context,
        async (ref, step) => {
          step('looking for the key');
          return (await planKeyRevocation(repositoryContext(env, ref, context.signal), keyId)).preview;
        },
        (ref) => emptyOutcome(ref, 'unchanged'),
      );
      return outcomes.map((outcome) => {
        const found = [...results].find(([ref]) => ref.gun === outcome.gun && ref.serverId === outcome.serverId)?.[1];
        return found ?? { gun: outcome.gun, serverId: outcome.serverId, roles: [], losing: [], resignRoles: [], ...(outcome.error ? { error: outcome.error } : {}) };
      });
    },

    key(keyId: string, targets: readonly KeyRevocationTarget[], context: FlowContext, earlierStaged: EarlierStaged = 'refuse'): Promise<FlowSummary> {
      return publishEach(env, distinctRepositories(targets), context, async (target, step) => {
        const repository = repositoryContext(env, target, context.signal);
        step('reading the repository');
        await openForWrite(repository, earlierStaged);
        step('planning');
        const { changes, preview, before } = await planKeyRevocation(repository, keyId);
        if (preview.roles.length === 0) throw new CountersignError('not-found', `no delegation of ${target.gun} lists key ${keyId.slice(0, 12)}`);
        const resign = target.resign === undefined ? [] : resignChanges(before, preview, target.resign);
        step('removing the key');
        await checkPublishable(repository, [...changes, ...resign]);
        const own = await stagingArea(repository).stage([...changes, ...resign]);
        const effects = [
          ...preview.roles.map((r) => `${r.role}: ${roleNote(r, preview.losing.some((t) => t.roles.includes(r.role)))}`),
          ...(resign.length > 0 ? [`${resign.length} tag(s) signed again into ${target.resign?.role}`] : []),
        ];
        const lost = preview.losing.filter((tag) => !target.resign?.tags.includes(tag.tag));
        if (lost.length > 0) effects.push(`${lost.length} tag(s) are no longer trusted: ${lost.map((t) => t.tag).join(', ')}`);
        return { result: await finishOwn(repository, own, step), effects };
      });
    },
  };
}

function roleNote(role: KeyRevocationPreview['roles'][number], lostTrust: boolean): string {
  if (role.action === 'remove-role') return 'removed (the key was its only one)';
  if (role.resigned) return 'key removed, re-signed with its remaining keys';
  return lostTrust ? 'key removed; it stays unverified until one of its remaining signers signs it again' : 'key removed';
}

/**
 * Removing `keyId` from every delegation that lists it: the key leaves each role (and the role goes
 * when it was its only key; a threshold above the keys left is lowered, or the role could never be
 * signed again). A role whose current signatures no longer count is re-signed when the keychain holds
 * enough of its remaining keys; otherwise its tags are reported as losing their signatures.
 */
async function planKeyRevocation(repository: RepositoryContext, keyId: string): Promise<{ changes: Change[]; preview: KeyRevocationPreview; before: RepositoryDraft }> {
  const inputs = await removalInputs(repository);
  const before = await plannedDraft(repository);
  const after = inputs.draft;
  const changes: Change[] = [];
  const roles: KeyRevocationPreview['roles'] = [];
  const unverifiable = new Set<string>();
  for (const parent of before.targetsRoleNames()) {
    const delegations = before.existingTargets(parent)?.delegations;
    for (const grant of delegations?.roles ?? []) {
      const ids = canonicalKeyIdsOf(grant, delegations?.keys ?? {});
      if (!ids.includes(keyId)) continue;
      const remaining = ids.filter((id) => id !== keyId).length;
      if (remaining === 0) {
        changes.push({ kind: 'delegation-delete', role: grant.name });
        roles.push({ role: grant.name, action: 'remove-role', resigned: false });
        unverifiable.add(grant.name);
        continue;
      }
      const update: Change = {
        kind: 'delegation-update',
        role: grant.name,
        addKeys: [],
        removeKeyIds: [keyId],
        addPaths: [],
        removePaths: [],
        clearPaths: false,
        ...(remaining < grant.threshold ? { threshold: remaining } : {}),
      };
      applyChanges(after, [update]);
      const { witness, unverifiable: lost } = witnessToKeepVerifying(after, inputs.served?.trusted.delegations.get(grant.name), inputs.held, grant.name, inputs.now);
      changes.push(update, ...(witness ? [witness] : []));
      roles.push({ role: grant.name, action: 'remove-key', resigned: witness !== undefined });
      if (lost !== undefined) unverifiable.add(grant.name);
    }
  }
  const gone = (role: string) => [...unverifiable].some((lost) => role === lost || role.startsWith(`${lost}/`));
  applyChanges(after, changes.filter((change) => change.kind === 'delegation-delete'));
  const preview: KeyRevocationPreview = {
    gun: repository.gun,
    serverId: repository.ref.serverId,
    roles,
    losing: losingTags(before, gone),
    resignRoles: await signableAfter(after, gone, repository.keys),
  };
  return { changes, preview, before };
}

/**
 * Tags that stop being trusted. docker pull reads targets/releases, then targets: a tag one of those
 * held keeps its trust only if one of those that survives holds it with the same digest. A tag only
 * other delegations held (notary's view) keeps it when any surviving role holds it.
 */
function losingTags(draft: RepositoryDraft, gone: (role: string) => boolean): LosingTag[] {
  const surviving = new Map<string, { digests: Set<string>; docker: Set<string> }>();
  const lost = new Map<string, LosingTag & { docker: boolean }>();
  for (const role of draft.targetsRoleNames()) {
    const docker = DOCKER_ROLES.includes(role);
    for (const [tag, meta] of Object.entries(draft.existingTargets(role)?.targets ?? {})) {
      const digest = Buffer.from(meta.hashes['sha256'] ?? '', 'base64').toString('hex');
      if (!gone(role)) {
        const entry = surviving.get(tag) ?? { digests: new Set<string>(), docker: new Set<string>() };
        entry.digests.add(digest);
        if (docker) entry.docker.add(digest);
        surviving.set(tag, entry);
        continue;
      }
      const entry = lost.get(tag) ?? { tag, digest, size: meta.length, roles: [], docker: false };
      entry.roles.push(role);
      entry.docker ||= docker;
      lost.set(tag, entry);
    }
  }
  const losing = [...lost.values()]
    .filter((entry) => !(entry.docker ? surviving.get(entry.tag)?.docker : surviving.get(entry.tag)?.digests)?.has(entry.digest))
    .map(({ docker: _docker, ...tag }) => tag);
  return sortNatural(losing, (tag) => tag.tag);
}

/** Where lost tags can be signed again: releases (what docker pull reads first), then targets. */
async function signableAfter(after: RepositoryDraft, gone: (role: string) => boolean, keys: SigningKeys): Promise<string[]> {
  const roles: string[] = [];
  for (const role of DOCKER_ROLES) {
    if (gone(role)) continue;
    try {
      if (await holdsKeyFor(after.signingKeys(role), keys)) roles.push(role);
    } catch (error) {
      if (!(error instanceof CountersignError && error.code === 'role-missing')) throw error;
    }
  }
  return roles;
}

function resignChanges(before: RepositoryDraft, preview: KeyRevocationPreview, resign: { role: string; tags: string[] }): Change[] {
  if (!preview.resignRoles.includes(resign.role)) {
    throw new CountersignError('key-not-found', `${resign.role} cannot take the tags: the keychain holds none of its keys, or it loses the key too`, { role: resign.role });
  }
  return resign.tags.map((tag) => {
    const losing = preview.losing.find((entry) => entry.tag === tag);
    if (losing === undefined) throw new CountersignError('invalid-input', `${tag} does not lose its signatures in ${preview.gun}: there is nothing to sign again`);
    const meta = before.existingTargets(losing.roles[0]!)?.targets[tag] as TargetMeta;
    return { kind: 'target-add' as const, role: resign.role, name: tag, meta: { length: meta.length, hashes: meta.hashes } };
  });
}
