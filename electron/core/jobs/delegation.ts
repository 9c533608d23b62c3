// Delegation from the app: a collaborator's public key (PEM or docker trust .pub) becomes a signer of
// the chosen repositories the way `docker trust signer add` makes one (targets/NAME and
// targets/releases), after a dry run per repository; removing a signer asks first when it holds the
// last releases key; replacing a signer's key adds the new key, re-signs with it, then drops the old.
import { isSignerName } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import type { CollaboratorKey, DelegationDryRun, FlowSummary, RepositoryRef, SignerRemovalPreview } from '../../../shared/schemas/flows';
import { canonicalKeyIdOf, keyId } from '../crypto/key-id';
import { parsePemBlocks } from '../crypto/pem';
import type { KeyRecord } from '../keys';
import { describeChange, type Change, type DelegationUpdateChange, type StagedChange } from '../publish/changes';
import { delegationKeyOfPem, stagedDelegationKey, type DelegationKey } from '../publish/delegations-keys';
import { checkPublishable, delegationIn, planDelegationRemoval } from '../publish/delegations';
import { canonicalKeyIdsOf } from '../publish/delegations-apply';
import type { PublishResult } from '../publish/publish';
import { holdsKeyFor } from '../publish/signing';
import { planSignerRemoval, RELEASES_ROLE, signerAddChanges } from '../publish/signers';
import { plannedDraft, stagingArea } from '../publish/stage';
import { distinctRepositories, repositoryContext, type JobEnvironment, type RepositoryContext } from './environment';
import { finishOwn, openForWrite, publishOwn, type EarlierStaged } from './open';
import { emptyOutcome, forEachRepository, mergedOutcome, onServer, publishEach, StoppedAfterPublish, type FlowContext } from './run';

export interface DelegationRequest {
  pem: string;
  name: string;
  repositories: RepositoryRef[];
  paths: string[];
  threshold?: number | undefined;
  earlierStaged?: EarlierStaged;
}

export interface ReplaceKeyRequest {
  repositories: RepositoryRef[];
  name: string;
  oldKeyId: string;
  newKeyId?: string | undefined;
  earlierStaged?: EarlierStaged;
}

const PASTED = 'the pasted key';

export function delegationJobs(env: JobEnvironment) {
  /** The changes that make the collaborator a signer, checked by applying and signing them (nothing staged). */
  async function dryRun(repository: RepositoryContext, request: DelegationRequest, key: DelegationKey): Promise<{ changes: Change[]; alreadyDelegated: boolean; notes: string[] }> {
    const draft = await plannedDraft(repository);
    const existing = delegationIn(draft, `targets/${request.name}`);
    const existingKeys = existing === undefined ? [] : canonicalKeyIdsOf(existing.grant, existing.keys);
    const alreadyDelegated = existingKeys.includes(key.canonicalId);
    const keyCount = new Set([...existingKeys, key.canonicalId]).size;
    if (request.threshold !== undefined && request.threshold > keyCount) {
      throw new CountersignError('invalid-input', `targets/${request.name} would need ${request.threshold} signatures but would have ${keyCount} key(s): nobody could sign it`);
    }
    const changes = signerAddChanges(request.name, [key]).map((change) => (change.role === RELEASES_ROLE ? change : restricted(change, request)));
    const planned = await checkPublishable(repository, changes);
    const notes: string[] = [];
    if (await holdsKeyFor(planned.signingKeys('snapshot'), repository.keys)) {
      notes.push(
        'The snapshot key of this repository is in this keychain, so the collaborator cannot publish with docker trust sign yet: let the server hold the snapshot key (Rotate keys, snapshot, held by the server).',
      );
    }
    return { changes, alreadyDelegated, notes };
  }

  return {
    readKey(pem: string, fileName: string | undefined): CollaboratorKey {
      const key = delegationKeyOfPem(pem, fileName ?? PASTED);
      const suggested = suggestedName(pem, fileName);
      return {
        keyId: key.canonicalId,
        keytype: key.key.keytype,
        kind: key.key.keytype.endsWith('-x509') ? 'certificate' : 'public key',
        ...(suggested === undefined ? {} : { suggestedName: suggested }),
      };
    },

    async plan(request: DelegationRequest, context: FlowContext): Promise<DelegationDryRun[]> {
      const key = delegationKeyOfPem(request.pem, PASTED);
      const { outcomes, results } = await forEachRepository(
        distinctRepositories(request.repositories),
        context,
        async (ref, step) => {
          step('dry run');
          return dryRun(repositoryContext(env, ref, context.signal), request, key);
        },
        (ref, run) => ({ ...emptyOutcome(ref, 'unchanged', run.notes), changes: run.changes.map(describeChange) }),
      );
      return outcomes.map((outcome) => {
        const run = [...results].find(([ref]) => ref.gun === outcome.gun && ref.serverId === outcome.serverId)?.[1];
        return {
          gun: outcome.gun,
          serverId: outcome.serverId,
          // Ready only when the dry run got through: a cancelled one checked nothing.
          ok: outcome.status === 'unchanged',
          changes: outcome.changes,
          notes: run?.notes ?? [],
          alreadyDelegated: run?.alreadyDelegated ?? false,
          ...(outcome.error ? { error: outcome.error } : {}),
        };
      });
    },

    add(request: DelegationRequest, context: FlowContext): Promise<FlowSummary> {
      const key = delegationKeyOfPem(request.pem, PASTED);
      return publishEach(env, distinctRepositories(request.repositories), context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        step('reading the repository');
        await openForWrite(repository, request.earlierStaged ?? 'refuse');
        step('dry run');
        const { changes, notes } = await dryRun(repository, request, key);
        const own = await stagingArea(repository).stage(changes);
        return { result: await finishOwn(repository, own, step), notes };
      });
    },

    async removalPreview(ref: RepositoryRef, name: string, signal: AbortSignal): Promise<SignerRemovalPreview> {
      const plan = await planSignerRemoval(repositoryContext(env, ref, signal), name);
      return {
        ...ref,
        name,
        changes: plan.changes.map(describeChange),
        keyIds: plan.keyIds,
        releasesRemoved: plan.releasesRemoved,
        releasesResigned: plan.releasesResigned,
        ...(plan.confirm === undefined ? {} : { confirm: plan.confirm }),
      };
    },

    remove(request: RepositoryRef & { name: string; confirm: boolean; earlierStaged?: EarlierStaged }, context: FlowContext): Promise<FlowSummary> {
      return publishEach(env, [request], context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        step('reading the repository');
        await openForWrite(repository, request.earlierStaged ?? 'refuse');
        step('checking what the removal changes');
        const plan = await planSignerRemoval(repository, request.name);
        if (plan.confirm !== undefined && !request.confirm) throw new CountersignError('confirmation-required', plan.confirm);
        const own = await stagingArea(repository).stage(plan.changes);
        return { result: await finishOwn(repository, own, step), notes: plan.confirm === undefined ? [] : [`Confirmed: ${plan.confirm}`] };
      });
    },

    async replaceKey(request: ReplaceKeyRequest, context: FlowContext): Promise<FlowSummary> {
      const repositories = distinctRepositories(request.repositories);
      const vault = env.vault();
      // The new key is in the keychain before any metadata names it.
      const record: KeyRecord = request.newKeyId !== undefined ? await vault.get(request.newKeyId) : await vault.generate({ role: request.name, label: `${request.name} (replaces ${request.oldKeyId.slice(0, 12)})` });
      if (record.id === request.oldKeyId) throw new CountersignError('invalid-input', 'the new key is the key being replaced');
      const newKey = vaultDelegationKey(record);
      const { outcomes } = await forEachRepository(
        repositories,
        context,
        async (ref, step) => {
          const repository = repositoryContext(env, ref, context.signal);
          step('reading the repository');
          await openForWrite(repository, request.earlierStaged ?? 'refuse');
          const roles = await rolesListing(repository, request.name, request.oldKeyId);
          step('adding the new key');
          const add: DelegationUpdateChange[] = roles.map((role) => ({ kind: 'delegation-update', role, addKeys: [stagedDelegationKey(newKey)], removeKeyIds: [], addPaths: [], removePaths: [], clearPaths: false }));
          await checkPublishable(repository, add);
          const added = await publishOwn(repository, await stagingArea(repository).stage(add));
          if (!added.published) return { results: [added], roles };
          try {
            step('re-signing with the new key and removing the old one');
            // The second publish builds on what the first one made.
            await openForWrite(repository, 'leave');
            const own: StagedChange[] = [];
            for (const role of roles) {
              // Planned one role at a time: each plan builds on what is staged before it.
              const plan = await planDelegationRemoval(repository, role, { keyIds: [request.oldKeyId] });
              own.push(...(await stagingArea(repository).stage(plan.changes)));
            }
            return { results: [added, await publishOwn(repository, own)], roles };
          } catch (error) {
            // The new key is on the server already: say so, whatever stopped the second step.
            throw new StoppedAfterPublish([added], error);
          }
        },
        (ref, { results, roles }: { results: PublishResult[]; roles: string[] }) => mergedOutcome(ref, results, replacementNotes(results, roles, record.id, request.oldKeyId)),
      );
      return { outcomes };
    },
  };
}


/** The signer's roles (targets/NAME, targets/releases) that list the key being replaced. */
async function rolesListing(repository: RepositoryContext, name: string, oldKeyId: string): Promise<string[]> {
  const draft = await plannedDraft(repository);
  const roles = [`targets/${name}`, RELEASES_ROLE].filter((role) => {
    const delegation = delegationIn(draft, role);
    return delegation !== undefined && canonicalKeyIdsOf(delegation.grant, delegation.keys).includes(oldKeyId);
  });
  if (roles.length === 0) throw new CountersignError('not-found', `signer ${name} of ${repository.gun} has no key ${oldKeyId.slice(0, 12)}`);
  return roles;
}

function vaultDelegationKey(record: KeyRecord): DelegationKey {
  if (record.keytype === 'ed25519') throw new CountersignError('key-unsupported', 'notary and docker trust cannot use ed25519 keys for signers: choose an ECDSA key');
  const key = { keytype: record.keytype, keyval: { private: null, public: record.publicKey } } as const;
  return { key, id: keyId(key), canonicalId: canonicalKeyIdOf(key), file: 'the keychain' };
}

/** Paths and threshold the user chose for targets/NAME (releases keeps every path, as docker makes it). */
function restricted(change: DelegationUpdateChange, request: DelegationRequest): DelegationUpdateChange {
  return {
    ...change,
    addPaths: request.paths.length > 0 ? request.paths : change.addPaths,
    ...(request.threshold === undefined ? {} : { threshold: request.threshold }),
  };
}

/** docker trust key generate writes `role: NAME`; else the file name (alice.pub -> alice). */
function suggestedName(pem: string, fileName: string | undefined): string | undefined {
  const header = parsePemBlocks(pem)[0]?.headers['role'];
  const fromFile = fileName?.replace(/\.(pub|pem|crt|cert)$/i, '').toLowerCase();
  return [header, fromFile].find((name) => name !== undefined && isSignerName(name) && name !== 'releases');
}

/** What a key replacement did, by how far its two publishes got. */
function replacementNotes(results: readonly PublishResult[], roles: readonly string[], newKeyId: string, oldKeyId: string): string[] {
  const [added, removed] = results;
  const names = roles.join(' and ');
  if (added !== undefined && removed !== undefined && onServer(added) && onServer(removed)) return [`${names} now use key ${newKeyId.slice(0, 12)} instead of ${oldKeyId.slice(0, 12)}`];
  if (added !== undefined && onServer(added)) return [`${names} list both keys now: the new key ${newKeyId.slice(0, 12)} was added, but the old key ${oldKeyId.slice(0, 12)} was not removed`];
  return [];
}
