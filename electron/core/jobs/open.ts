// How every write job begins and ends.
//
// Begins: the repository is read and verified once, with the same refresh `inspect` uses (the cached
// root, else <home>/trust-pinning.json, else trust on first use), and that state is passed along
// explicitly to staging and publishing. Changes staged earlier — by another command, another user of
// this machine, or a publish the server refused — are never sent silently: the caller says whether
// to include them, leave them staged, or refuse to start (the default, which lists them).
//
// Ends: only this job's changes are published (plus the earlier ones when included), and what the
// outcome says is what the server was found to have (core/publish/publish.ts). A cancelled job drops
// the changes it staged itself and the server does not have — cancelled before the upload or found
// absent after it: the user asked for them not to happen, and a later publish must not send them.
import { CountersignError } from '../../../shared/errors';
import { describeChange, type StagedChange } from '../publish/changes';
import { fetchVerified } from '../publish/latest';
import { publishChanges, type PublishResult } from '../publish/publish';
import { stagingArea, type StageContext } from '../publish/stage';

/** What to do with changes that were staged before this job. */
export type EarlierStaged = 'refuse' | 'include' | 'leave';

/** Reads and verifies the repository for a write job, and settles what happens to earlier staged changes. */
export async function openForWrite(context: StageContext, earlierStaged: EarlierStaged): Promise<StagedChange[]> {
  const earlier = await stagingArea(context).list();
  if (earlier.length > 0 && earlierStaged === 'refuse') throw stagedChangesPending(context.gun, earlier);
  const latest = await fetchVerified(context, context.now?.() ?? new Date());
  context.opened = { latest, earlier: earlier.map((change) => change.id), includeEarlier: earlierStaged === 'include' };
  return earlier;
}

export function stagedChangesPending(gun: string, earlier: readonly StagedChange[]): CountersignError {
  const list = earlier.map((change) => `  ${change.id}  ${describeChange(change)}`).join('\n');
  return new CountersignError(
    'staged-changes-pending',
    `${earlier.length} change(s) were staged for ${gun} before this command and would be published with it:\n${list}\n` +
      `Publish them too (--include-staged), leave them staged and publish only this change (--leave-staged), or look at them first (countersign status ${gun}; drop with countersign reset ${gun}).`,
  );
}

/** Publishes what this job staged (and the earlier changes when the job includes them). */
export async function publishOwn(context: StageContext, own: readonly StagedChange[]): Promise<PublishResult> {
  const opened = context.opened;
  if (opened === undefined) throw new CountersignError('internal', 'a write job must open the repository before publishing');
  const ownIds = own.map((change) => change.id);
  const result = await publishChanges({ ...context, latest: opened.latest, ...(opened.includeEarlier ? {} : { only: ownIds }) });
  if (result.status === 'cancelled') {
    await stagingArea(context).drop(ownIds);
    result.stillStaged = result.stillStaged.filter((change) => !ownIds.includes(change.id));
  }
  return result;
}

/** The end of a job that staged `own`: published (and read back), or kept staged when asked to. */
export async function finishOwn(context: StageContext, own: readonly StagedChange[], step: (name: string) => void, stageOnly = false): Promise<PublishResult> {
  if (stageOnly) return { gun: context.gun, status: 'staged', published: false, changes: [...own], stillStaged: [...own], versions: {}, serverSigned: [], attempts: 0 };
  try {
    step('publishing');
  } catch (error) {
    // Cancelled between staging and sending: the user asked for this change not to happen.
    await stagingArea(context).drop(own.map((change) => change.id));
    throw error;
  }
  return publishOwn(context, own);
}
