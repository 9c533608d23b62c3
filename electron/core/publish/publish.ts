// Publishing staged changes, as notary's changelist does it, like a `git rebase`: fetch and verify the
// latest, apply the staged changes to it, sign, upload everything in one POST. When someone published
// meanwhile (400 VERSION) we start over from their newer metadata, a few times. The staged changes are
// dropped only after the server accepted them, so a failure or a killed process leaves them to retry;
// applying them again to metadata that already has them changes nothing.
import { CountersignError } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import type { TrustedSet } from '../tuf/trusted-set';
import { applyChanges } from './apply-changes';
import { buildUpdate, type BuiltUpdate } from './build-update';
import type { RepositoryInitChange, StagedChange } from './changes';
import { RepositoryDraft } from './draft';
import { fetchVerified, takeRemembered, viewOf, type RepositoryTarget } from './latest';
import { draftForNewRepository } from './new-repository';
import type { SigningKeys } from './signing';
import { StagedChanges } from './staged-store';

/** Attempts when the server keeps answering that someone else published first. */
export const DEFAULT_PUBLISH_ATTEMPTS = 5;

export interface PublishOptions extends RepositoryTarget {
  keys: SigningKeys;
  now?: () => Date;
  maxAttempts?: number;
}

export interface PublishResult {
  gun: string;
  /** False when nothing was staged, or the staged changes were already in the repository. */
  published: boolean;
  /** The staged changes this publish applied (and dropped from the staging area). */
  changes: StagedChange[];
  /** Role -> version uploaded. */
  versions: Record<string, number>;
  serverSigned: BuiltUpdate['serverSigned'];
  /** Uploads tried (1 unless someone else published meanwhile). */
  attempts: number;
  /** The repository as re-read and verified from the server afterwards (absent when nothing was published and it does not exist). */
  view?: RepositoryView;
}

/** Publishes everything staged for the repository. */
export async function publishStaged(options: PublishOptions): Promise<PublishResult> {
  const staging = new StagedChanges(options.home, options.notary.serverUrl, options.gun);
  const changes = await staging.list();
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? DEFAULT_PUBLISH_ATTEMPTS;
  const result: PublishResult = { gun: options.gun, published: false, changes, versions: {}, serverSigned: [], attempts: 0 };
  if (changes.length === 0) return result;

  let reuse = takeRemembered(options);
  for (;;) {
    const latest = reuse ? reuse.result : await fetchVerified(options, now());
    reuse = undefined;
    const draft = latest ? RepositoryDraft.fromVerified(latest.trusted, latest.failedDelegations) : await newRepositoryDraft(options, changes);
    applyChanges(draft, changes);
    const update = await buildUpdate(draft, options.keys, now());
    if (update.files.size === 0) {
      // Already there (an earlier publish got through unrecorded, or the changes undo each other).
      await staging.drop(changes.map((change) => change.id));
      if (latest) result.view = viewOf(options, latest);
      return result;
    }
    result.attempts += 1;
    try {
      await options.notary.publish(options.gun, update.files, options.signal);
    } catch (error) {
      if (error instanceof CountersignError && error.code === 'publish-conflict' && result.attempts < maxAttempts) continue;
      throw error;
    }
    await staging.drop(changes.map((change) => change.id));
    Object.assign(result, { published: true, versions: update.versions, serverSigned: update.serverSigned });
    result.view = await verifyPublished(options, update, now());
    return result;
  }
}

/** With no repository on the server, the staged changes must begin with creating it. */
async function newRepositoryDraft(options: PublishOptions, changes: readonly StagedChange[]): Promise<RepositoryDraft> {
  const init = changes.find((change): change is StagedChange & RepositoryInitChange => change.kind === 'repository-init');
  if (!init) {
    throw new CountersignError('repository-not-found', `${options.gun} does not exist on ${options.notary.serverUrl}; create it with countersign init`);
  }
  return draftForNewRepository(options.gun, init, options);
}

/**
 * Re-reads and verifies what the server now serves (and caches it). A root we just created is the
 * one root we trust on first use: anything else served right after our upload is refused.
 */
async function verifyPublished(options: PublishOptions, update: BuiltUpdate, now: Date): Promise<RepositoryView> {
  const uploadedRoot = update.files.get('root');
  const sameRoot = (set: TrustedSet) => {
    if (uploadedRoot && !Buffer.from(set.root.bytes).equals(Buffer.from(uploadedRoot))) {
      throw new CountersignError('root-pin-mismatch', 'the server serves another root than the one just published', { role: 'root' });
    }
  };
  const after = await fetchVerified(options, now, sameRoot);
  if (!after) throw new CountersignError('repository-not-found', `${options.gun} is not on the server after publishing`);
  return viewOf(options, after);
}
