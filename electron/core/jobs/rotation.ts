// The key rotation wizard's main-process side. Per repository, in an order that never loses a key:
//   pending   -> the new key is made (keychain, or the server for server-managed keys) and the
//                rotation staged (core: stageKeyRotation) — the old root is kept in the record first;
//   staged    -> published: the new root is signed by the old root keys and the new ones;
//   published -> verified: a fresh client that trusted only the old root follows to the new one;
//   verified  -> done: old keys leave the keychain (never root keys; never keys still in use).
// The record (rotation-record.ts) is saved after every step, so an interrupted rotation resumes where
// it stopped; each step is safe to repeat (a staged rotation is published, never made twice).
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { PreflightRepository, RepositoryRef, RotatableRole, RotationPreflight, RotationSummary } from '../../../shared/schemas/flows';
import { canonicalKeyIdOf } from '../crypto/key-id';
import type { KeyRecord } from '../keys';
import { checkPublishable } from '../publish/delegations';
import { defaultExpiry } from '../publish/expiry';
import { fetchVerified, viewOf } from '../publish/latest';
import { publishChanges, PublishFailed, type PublishResult } from '../publish/publish';
import { retireRotatedKeys, stageKeyRotation } from '../publish/rotate';
import { canonicalIdOrUndefined } from '../publish/signing';
import { describeChange, type StagedChange } from '../publish/changes';
import { stagingArea } from '../publish/stage';
import type { RootSigned } from '../tuf/metadata';
import { refreshRepository } from '../tuf/updater';
import { distinctRepositories, repositoryContext, type JobEnvironment, type RepositoryContext } from './environment';
import { takeKeyOffline } from './offline-key';
import { isFinished, recordView, RotationRecords, type RotationEntry, type RotationRecord } from './rotation-record';
import { emptyOutcome, forEachRepository, publishedOutcome, StoppedAfterPublish, type FlowContext, type StepReporter } from './run';

export interface RotationRequest {
  repositories: RepositoryRef[];
  role: RotatableRole;
  serverManaged: boolean;
}

export function rotationJobs(env: JobEnvironment) {
  const records = new RotationRecords(env.homeDir);

  async function advance(record: RotationRecord, entry: RotationEntry, step: StepReporter, signal: AbortSignal): Promise<{ published?: PublishResult; notes: string[] }> {
    const repository = repositoryContext(env, entry, signal, { live: true });
    const notes: string[] = [];
    let published: PublishResult | undefined;
    const reached = async (next: RotationEntry['step']) => {
      entry.step = next;
      await records.save(record);
    };
    if (entry.step === 'pending') {
      step(record.serverManaged || record.role === 'timestamp' ? 'asking the server for a new key' : 'making the new key in the keychain');
      await stageRotation(repository, record, entry);
      await reached('staged');
    }
    if (entry.step === 'staged') {
      step(record.role === 'root' ? 'publishing the new root, signed by the old and the new root keys' : 'publishing the new root');
      // Only the rotation itself: anything else staged for the repository stays staged.
      const own = (await stagingArea(repository).list()).filter((change) => change.kind === 'key-rotation' && change.role === record.role);
      published = await publishChanges({ ...repository, only: own.map((change) => change.id) });
      if (published.status !== 'published' && published.status !== 'unchanged') throw new PublishFailed(published);
      await reached('published');
    }
    try {
      await afterPublish(record, entry, step, repository, notes, reached);
    } catch (error) {
      // The new root is on the server: a cancel or a failed check after it must not read "nothing was sent".
      throw published === undefined ? error : new StoppedAfterPublish([published], error);
    }
    return { ...(published === undefined ? {} : { published }), notes };
  }

  /** The steps after the new root is on the server: check that old clients follow it, retire the old keys. */
  async function afterPublish(record: RotationRecord, entry: RotationEntry, step: StepReporter, repository: RepositoryContext, notes: string[], reached: (next: RotationEntry['step']) => Promise<void>): Promise<void> {
    if (entry.step === 'published') {
      step('checking with a fresh client that trusted the old root');
      const version = await checkFollowed(repository, record, entry);
      entry.followedByOldRoot = true;
      notes.push(`a client that trusted only the old root followed the rotation to root version ${version}`);
      await reached('verified');
    }
    if (entry.step === 'verified') {
      step('retiring the old keys');
      const retired = await retireRotatedKeys({ home: env.homeDir, vault: repository.vault }, { role: record.role, oldKeyIds: entry.oldKeyIds, newKeyIds: entry.newKeyIds });
      entry.retired = retired;
      notes.push(...retired.removed.map((id) => `old key ${id.slice(0, 12)} removed from the keychain`));
      // The core words its reason for the command line; here the next step offers to take it offline.
      const why = (reason: string) => (record.role === 'root' ? 'old root keys are kept (other repositories may trust them); take it offline below' : reason);
      notes.push(...retired.kept.map(({ id, reason }) => `old key ${id.slice(0, 12)} kept: ${why(reason)}`));
      await reached('done');
    }
  }

  /** Makes the new key and stages the rotation — unless an interrupted run staged it already. */
  async function stageRotation(repository: RepositoryContext, record: RotationRecord, entry: RotationEntry): Promise<void> {
    const latest = await fetchVerified(repository, new Date());
    if (latest === undefined) throw new CountersignError('repository-not-found', `${entry.gun} does not exist on ${repository.notary.serverUrl}`);
    entry.oldRoot ??= Buffer.from(latest.trusted.root.bytes).toString('base64');
    entry.oldKeyIds = roleKeyIds(latest.trusted.root.signed, record.role);
    const staged = (await stagingArea(repository).list()).find((change) => change.kind === 'key-rotation' && change.role === record.role);
    if (staged?.kind === 'key-rotation') {
      // This rotation's own, when a run stopped after staging it; one staged before this rotation
      // began (rotate --stage, perhaps of another kind of key) is an earlier change, never sent silently.
      if (Date.parse(staged.stagedAt) < Date.parse(record.createdAt)) throw new CountersignError('staged-changes-pending', earlierRotationProblem(entry.gun, staged));
      entry.newKeyIds = staged.keys.map((key) => canonicalKeyIdOf(key));
      return;
    }
    const plan = await stageKeyRotation(repository, record.role, { serverManaged: record.serverManaged });
    entry.newKeyIds = plan.newKeyIds;
  }

  /** A client holding only the old root must reach the new one and find the new keys in it. */
  async function checkFollowed(repository: RepositoryContext, record: RotationRecord, entry: RotationEntry): Promise<number> {
    if (entry.oldRoot === undefined) throw new CountersignError('internal', `the rotation record of ${entry.gun} lost the old root`);
    const result = await refreshRepository({
      gun: entry.gun,
      fetcher: repository.notary.fetcher(entry.gun),
      stored: { files: new Map([['root', new Uint8Array(Buffer.from(entry.oldRoot, 'base64'))]]), versions: {}, verifiedAt: record.createdAt },
      ...(repository.signal === undefined ? {} : { signal: repository.signal }),
    });
    const root = result.trusted.root.signed;
    const listed = roleKeyIds(root, record.role);
    if (listed.length !== entry.newKeyIds.length || !entry.newKeyIds.every((id) => listed.includes(id))) {
      throw new CountersignError('root-rotation', `the root the server serves lists ${listed.map((id) => id.slice(0, 12)).join(', ')} for ${record.role}, not the new key ${entry.newKeyIds.map((id) => id.slice(0, 12)).join(', ')}`, {
        role: 'root',
      });
    }
    return root.version;
  }

  async function run(record: RotationRecord, context: FlowContext): Promise<RotationSummary> {
    const { outcomes, cancelled } = await forEachRepository(
      record.repositories.filter((entry) => entry.step !== 'done'),
      context,
      async (entry, step) => {
        delete entry.error;
        try {
          return await advance(record, entry, step, context.signal);
        } catch (error) {
          // A cancel leaves the record at the last step reached: resuming goes on from there.
          if (!context.signal.aborted) {
            entry.error = toErrorInfo(error);
            await records.save(record);
          }
          throw error;
        }
      },
      (entry, { published, notes }) =>
        published === undefined ? emptyOutcome(entry, 'unchanged', notes) : publishedOutcome(entry, published, notes),
    );
    if (isFinished(record)) await records.remove(record.id);
    const inKeychain = new Set((await env.vault().list()).filter((key) => key.location === 'keychain').map((key) => key.id));
    const rootRotation = record.role === 'root';
    const rotated = (pick: (entry: RotationEntry) => string[]) => [...new Set(record.repositories.flatMap(pick))].filter((id) => rootRotation && inKeychain.has(id));
    return {
      outcomes,
      ...(cancelled ? { cancelled } : {}),
      rotation: recordView(record),
      newRootKeys: rotated((entry) => entry.newKeyIds),
      oldRootKeysOnline: rotated((entry) => entry.oldKeyIds),
    };
  }

  return {
    async preflight(request: RotationRequest, context: FlowContext): Promise<RotationPreflight> {
      const serverManaged = request.role === 'timestamp' || request.serverManaged;
      if (serverManaged && (request.role === 'root' || request.role === 'targets')) {
        throw new CountersignError('invalid-input', `the server can only hold timestamp and snapshot keys, not the ${request.role} key`);
      }
      const keys = new Map((await env.vault().list()).map((key) => [key.id, key]));
      const { outcomes, results } = await forEachRepository(
        distinctRepositories(request.repositories),
        context,
        async (ref, step) => {
          step('checking keys and delegations');
          return preflightOf(repositoryContext(env, ref, context.signal), request.role, keys);
        },
        (ref) => emptyOutcome(ref, 'unchanged'),
      );
      const repositories = outcomes.map(
        (outcome): PreflightRepository =>
          [...results].find(([ref]) => ref.gun === outcome.gun && ref.serverId === outcome.serverId)?.[1] ?? {
            gun: outcome.gun,
            serverId: outcome.serverId,
            currentKeys: [],
            rootKeys: [],
            rootThreshold: 1,
            delegationsVerified: 0,
            delegationsFailing: [],
            alreadyStaged: 0,
            problems: [outcome.error?.message ?? 'could not be checked'],
            ready: false,
          },
      );
      const offlineRoots = new Map<string, string | undefined>();
      for (const repository of repositories) {
        if (repository.rootKeys.filter((k) => k.presence === 'keychain').length >= repository.rootThreshold) continue;
        for (const key of repository.rootKeys) if (key.presence === 'offline') offlineRoots.set(key.keyId, key.offlineFile);
      }
      return {
        role: request.role,
        serverManaged,
        repositories,
        offlineRoots: [...offlineRoots].map(([keyId, offlineFile]) => (offlineFile === undefined ? { keyId } : { keyId, offlineFile })),
      };
    },

    /** The offline key's file, decrypted with the passphrase the user typed; the key goes to the keychain. */
    async bringKeyOnline(input: { keyId?: string | undefined; file?: string | undefined; passphrase: string }): Promise<{ keyId: string; role: string }> {
      const vault = env.vault([input.passphrase]);
      const known = input.keyId === undefined ? undefined : (await vault.list()).find((key) => key.id === input.keyId);
      if (known !== undefined) {
        const online = await vault.bringOnline(known.id, input.file === undefined ? { passphrase: input.passphrase } : { file: input.file, passphrase: input.passphrase });
        return { keyId: online.id, role: online.role };
      }
      if (input.file === undefined) throw new CountersignError('invalid-input', 'Choose the encrypted key file to bring in.');
      const report = await vault.importFiles([input.file], { passphrase: input.passphrase, role: 'root' });
      const imported = report.imported.find((key) => input.keyId === undefined || key.id === input.keyId);
      if (imported === undefined) {
        throw new CountersignError('key-not-found', `${input.file} does not hold key ${input.keyId?.slice(0, 12) ?? ''}; it held ${report.imported.map((key) => key.id.slice(0, 12)).join(', ') || 'no key'} (now in the keychain)`);
      }
      return { keyId: imported.id, role: imported.role };
    },

    async start(request: RotationRequest, context: FlowContext): Promise<RotationSummary> {
      const serverManaged = request.role === 'timestamp' || request.serverManaged;
      const record = await records.create(request.role, serverManaged, distinctRepositories(request.repositories));
      return run(record, context);
    },

    async resume(rotationId: string, context: FlowContext): Promise<RotationSummary> {
      return run(await records.load(rotationId), context);
    },

    async pending() {
      return (await records.unfinished()).map(recordView);
    },

    async dismiss(rotationId: string): Promise<{ dismissed: boolean }> {
      await records.load(rotationId);
      await records.remove(rotationId);
      return { dismissed: true };
    },

    takeKeyOffline(input: { keyId: string; file: string; passphrase: string }): Promise<{ keyId: string; file: string }> {
      return takeKeyOffline(env, input);
    },
  };
}

/** Canonical IDs of a top-level role's keys, as the vault and docker name them. */
function roleKeyIds(root: Readonly<RootSigned>, role: RotatableRole): string[] {
  return root.roles[role].keyids.map((id) => canonicalIdOrUndefined(root.keys[id]) ?? id);
}

async function preflightOf(repository: RepositoryContext, role: RotatableRole, keys: ReadonlyMap<string, KeyRecord>): Promise<PreflightRepository> {
  const now = new Date();
  const latest = await fetchVerified(repository, now);
  if (latest === undefined) throw new CountersignError('repository-not-found', `${repository.gun} does not exist on ${repository.notary.serverUrl}`);
  const root = latest.trusted.root.signed;
  const presence = (keyId: string, heldByServer = false): PreflightRepository['rootKeys'][number] => {
    const key = keys.get(keyId);
    if (key === undefined) return { keyId, presence: heldByServer ? 'server' : 'missing' };
    return key.location === 'offline' && key.offlineFile !== undefined ? { keyId, presence: 'offline', offlineFile: key.offlineFile } : { keyId, presence: key.location };
  };
  const rootKeys = roleKeyIds(root, 'root').map((id) => presence(id));
  const rootThreshold = root.roles.root.threshold;
  const view = viewOf(repository, latest);
  const delegations = view.roles.filter((r) => r.name.startsWith('targets/'));
  const problems: string[] = [];
  const online = rootKeys.filter((key) => key.presence === 'keychain').length;
  if (online < rootThreshold) {
    const offline = rootKeys.filter((key) => key.presence === 'offline').length;
    problems.push(
      offline > 0 && online + offline >= rootThreshold
        ? 'The root key is offline: bring it in from its encrypted file first.'
        : `The new root must be signed by ${rootThreshold} of the current root keys; the keychain holds ${online}.`,
    );
  } else {
    try {
      // Every rotation publishes a new root: sign one in a dry run (nothing leaves this process).
      await checkPublishable(repository, [{ kind: 'witness', role: 'root', until: defaultExpiry('root', now) }]);
    } catch (error) {
      problems.push(toErrorInfo(error).message);
    }
  }
  const staged = await stagingArea(repository).list();
  const earlierRotation = staged.find((change) => change.kind === 'key-rotation' && change.role === role);
  if (earlierRotation !== undefined) problems.push(earlierRotationProblem(repository.gun, earlierRotation));
  return {
    gun: repository.gun,
    serverId: repository.ref.serverId,
    currentKeys: roleKeyIds(root, role).map((id) => presence(id, role === 'timestamp')),
    rootKeys,
    rootThreshold,
    delegationsVerified: delegations.filter((r) => r.status === 'verified').length,
    delegationsFailing: delegations.filter((r) => r.status === 'failed').map((r) => r.name),
    alreadyStaged: staged.length,
    problems,
    ready: problems.length === 0,
  };
}

/** A rotation of the same key staged before: it must be published or dropped first, by the user's word. */
function earlierRotationProblem(gun: string, staged: StagedChange): string {
  return `A rotation of this key was staged for ${gun} earlier (${staged.id}, ${describeChange(staged)}): publish it (countersign publish ${gun}) or drop it (countersign reset ${gun}) before starting another.`;
}
