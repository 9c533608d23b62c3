// Creating a repository (notary init): its root, targets and snapshot keys are made in the vault
// before any metadata names them, then the new repository is published. When the server does not
// take it (refused, cancelled), the job undoes what it did: the staged creation goes, and so do the
// keys it generated (never a root key the user chose with rootKeyId). When it cannot find out whether
// the server took it, it keeps both and says where they are.
import { toErrorInfo } from '../../../shared/errors';
import type { FlowSummary, RepositoryRef } from '../../../shared/schemas/flows';
import type { RepositoryInitChange, StagedChange } from '../publish/changes';
import type { PublishResult } from '../publish/publish';
import { stageInit, stagingArea } from '../publish/stage';
import { repositoryContext, type JobEnvironment } from './environment';
import { takeKeyOffline } from './offline-key';
import { finishOwn, openForWrite, type EarlierStaged } from './open';
import { publishEach, type FlowContext } from './run';

export interface InitRequest extends RepositoryRef {
  serverManagedSnapshot?: boolean;
  /** A root key already in the vault, instead of a new one. */
  rootKeyId?: string;
  earlierStaged: EarlierStaged;
  stageOnly?: boolean;
  /** Once the server has the repository, the new root key leaves the keychain for this encrypted file. */
  rootOffline?: { file: string; passphrase: string } | undefined;
}

export function initJobs(env: JobEnvironment) {
  return {
    repository(request: InitRequest, context: FlowContext): Promise<FlowSummary> {
      return publishEach(env, [request], context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        step('reading the repository');
        await openForWrite(repository, request.earlierStaged);
        step('making the keys');
        const own = await stageInit(repository, {
          ...(request.serverManagedSnapshot === true ? { serverManagedSnapshot: true } : {}),
          ...(request.rootKeyId === undefined ? {} : { rootKeyId: request.rootKeyId }),
        });
        const result = await finishOwn(repository, own, step, request.stageOnly);
        const notes = await undoUnpublished(env, repository, own, result, request.rootKeyId);
        if (request.rootOffline !== undefined && result.status === 'published') notes.push(await rootKeyOffline(env, own, request.rootOffline));
        return { result, notes };
      });
    },
  };
}

/**
 * The new root key, moved to its encrypted file once the server has the repository (never before:
 * until then a refused init must be able to remove it). A failure here leaves it in the keychain, said so.
 */
async function rootKeyOffline(env: JobEnvironment, own: readonly StagedChange[], target: { file: string; passphrase: string }): Promise<string> {
  const init = own.find((change): change is StagedChange & RepositoryInitChange => change.kind === 'repository-init');
  if (init === undefined) return 'no root key was made, so none was taken offline';
  try {
    const offline = await takeKeyOffline(env, { keyId: init.rootKeyId, ...target });
    return `the root key ${offline.keyId.slice(0, 12)} left the keychain: it is offline in ${offline.file}, encrypted with your passphrase`;
  } catch (error) {
    return `the root key ${init.rootKeyId.slice(0, 12)} stays in the keychain: taking it offline failed (${toErrorInfo(error).message})`;
  }
}

/** The generated keys of a creation the server does not have, removed (or, when unknown, named). */
async function undoUnpublished(env: JobEnvironment, repository: ReturnType<typeof repositoryContext>, own: readonly StagedChange[], result: PublishResult, chosenRoot: string | undefined): Promise<string[]> {
  const init = own.find((change): change is StagedChange & RepositoryInitChange => change.kind === 'repository-init');
  if (init === undefined) return [];
  const generated = [init.rootKeyId === chosenRoot ? undefined : init.rootKeyId, init.targetsKeyId, init.snapshotKeyId].filter((id): id is string => id !== undefined);
  if (result.status === 'unknown') {
    return [`the keys made for ${repository.gun} stay in the keychain (${generated.map((id) => id.slice(0, 12)).join(', ')}) with the staged creation, until a publish finds out whether the server has it`];
  }
  if (result.status !== 'failed' && result.status !== 'cancelled') return [];
  await stagingArea(repository).drop([init.id]);
  result.stillStaged = result.stillStaged.filter((change) => change.id !== init.id);
  const vault = env.vault();
  const removed: string[] = [];
  for (const id of generated) {
    try {
      await vault.remove(id);
      removed.push(id.slice(0, 12));
    } catch {
      // Reported below as kept: a key we could not remove is never silently lost track of.
    }
  }
  const kept = generated.map((id) => id.slice(0, 12)).filter((id) => !removed.includes(id));
  return [
    `the server does not have ${repository.gun}: the keys made for it were removed from the keychain (${removed.join(', ') || 'none'})`,
    ...(kept.length > 0 ? [`could not remove ${kept.join(', ')}: remove with countersign key remove`] : []),
  ];
}
