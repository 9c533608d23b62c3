// Running one job over many repositories: one after the other, each failure kept to its repository,
// progress before each step and after each repository (with its outcome). A cancel stops before the
// next step; a repository whose upload had started reports what the server was then found to have
// (core/publish/publish.ts), and the summary says it was cancelled instead of throwing it away.
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { FlowProgress, FlowSummary, RepositoryOutcome, RepositoryRef } from '../../../shared/schemas/flows';
import { describeChange } from '../publish/changes';
import type { PublishResult } from '../publish/publish';
import { PublishFailed } from '../publish/publish';
import { stagingArea } from '../publish/stage';
import { repositoryContext, type JobContext, type JobEnvironment } from './environment';

export type FlowContext = JobContext<FlowProgress>;

/** Reports the step a repository is at ("publishing"); throws once the flow is cancelled. */
export type StepReporter = (step: string) => void;

export async function forEachRepository<T extends RepositoryRef, R>(
  items: readonly T[],
  context: FlowContext,
  work: (item: T, step: StepReporter) => Promise<R>,
  outcomeOf: (item: T, result: R) => RepositoryOutcome,
  /** What to add to a failed repository's outcome (e.g. that changes stay staged). */
  failureNotes: (item: T) => Promise<string[]> = async () => [],
): Promise<{ outcomes: RepositoryOutcome[]; results: Map<T, R>; cancelled: boolean }> {
  const { signal, progress } = context;
  const outcomes: RepositoryOutcome[] = [];
  const results = new Map<T, R>();
  for (const [index, item] of items.entries()) {
    const ref = { gun: item.gun, serverId: item.serverId };
    if (signal.aborted) {
      outcomes.push(notReached(ref, ['cancelled before this repository was started: nothing was sent']));
      continue;
    }
    const step: StepReporter = (name) => {
      signal.throwIfAborted();
      progress({ done: index, total: items.length, current: { ...ref, step: name } });
    };
    let outcome: RepositoryOutcome;
    try {
      const result = await work(item, step);
      results.set(item, result);
      outcome = outcomeOf(item, result);
    } catch (error) {
      if (error instanceof PublishFailed) {
        outcome = publishedOutcome(ref, error.outcome, await failureNotes(item).catch(() => []));
      } else if (error instanceof StoppedAfterPublish) {
        const why = signal.aborted ? toErrorInfo(signal.reason) : toErrorInfo(error);
        const stopped = `${signal.aborted ? 'cancelled' : 'stopped'} after publishing (${why.message}): what is listed as published is on the server`;
        outcome = { ...mergedOutcome(ref, error.results, [stopped, ...(await failureNotes(item).catch(() => []))]), error: why };
      } else if (signal.aborted) {
        // Thrown before any upload started (jobs only throw a cancel then): nothing was sent.
        outcome = notReached(ref, ['cancelled before anything was sent to the server', ...(await failureNotes(item).catch(() => []))]);
      } else {
        outcome = { ...emptyOutcome(ref, 'failed', await failureNotes(item).catch(() => [])), error: toErrorInfo(error) };
      }
    }
    outcomes.push(outcome);
    progress({ done: index + 1, total: items.length, finished: outcome });
  }
  return { outcomes, results, cancelled: signal.aborted };
}

/**
 * Thrown by a job that published and then stopped in a later step (a cancel, a failed check): the
 * repository's outcome keeps what the server has instead of "nothing was sent". Carries the code and
 * message of what stopped it.
 */
export class StoppedAfterPublish extends CountersignError {
  constructor(
    readonly results: readonly PublishResult[],
    stoppedBy: unknown,
  ) {
    const why = toErrorInfo(stoppedBy);
    super(why.code, why.message, why.role === undefined ? {} : { role: why.role });
  }
}

/** What a job of one publish per repository ends with. */
export interface PublishedWork {
  result: PublishResult;
  /** Shown whatever happened (e.g. what was kept, and why). */
  notes?: string[];
  /** What the change did: shown only when the server has it (published, or already there). */
  effects?: string[];
}

/** The common case: each repository ends with one publish. */
export async function publishEach<T extends RepositoryRef>(env: JobEnvironment, items: readonly T[], context: FlowContext, work: (item: T, step: StepReporter) => Promise<PublishedWork>): Promise<FlowSummary> {
  const { outcomes, cancelled } = await forEachRepository(
    items,
    context,
    work,
    (item, { result, notes = [], effects = [] }) => publishedOutcome(item, result, onServer(result) ? [...notes, ...effects] : notes),
    (item) => stagedNotes(env, item),
  );
  return cancelled ? { outcomes, cancelled } : { outcomes };
}

/** After a failure: what is left staged for the repository (nothing is lost; it is published next time). */
export async function stagedNotes(env: JobEnvironment, ref: RepositoryRef): Promise<string[]> {
  const staged = await stagingArea(repositoryContext(env, ref, new AbortController().signal)).list();
  return staged.length === 0
    ? []
    : [`${staged.length} change(s) are staged for this repository: publish them from Staged changes once the problem is solved, or discard them there.`];
}

/** The server has what the publish was about: it published it, or had it already. */
export function onServer(result: PublishResult): boolean {
  return result.status === 'published' || result.status === 'unchanged';
}

export function publishedOutcome(ref: RepositoryRef, result: PublishResult, notes: readonly string[] = []): RepositoryOutcome {
  return {
    gun: ref.gun,
    serverId: ref.serverId,
    status: result.status,
    changes: onServer(result) ? result.changes.map(describeChange) : [],
    stillStaged: result.stillStaged.map(describeChange),
    versions: result.versions,
    serverSigned: result.serverSigned,
    notes: [...notes, ...statusNotes(result)],
    ...(result.checkedAt === undefined ? {} : { checkedAt: result.checkedAt }),
    ...(result.view === undefined ? {} : { view: result.view }),
    ...(result.attempts > 0 ? { attempts: result.attempts } : {}),
    ...(result.error === undefined ? {} : { error: result.error }),
  };
}

function statusNotes(result: PublishResult): string[] {
  const notes: string[] = [];
  if (result.attempts > 1 && result.published) notes.push(`published after ${result.attempts - 1} conflict(s) with other publishers`);
  if (result.status === 'published' && result.error?.code === 'cancelled') notes.push('the upload was under way when you cancelled; the server accepted it');
  if (result.status === 'cancelled' || result.status === 'failed') notes.push(notOnServer(result));
  if (result.status === 'unknown') notes.push('whether the server took the upload could not be found out: the changes stay staged and the next publish checks');
  return notes;
}

/** Why a failed or cancelled publish is not on the server: asked afterwards, or never sent. */
function notOnServer(result: PublishResult): string {
  const stopped = result.status === 'cancelled' ? 'cancelled' : 'stopped';
  if (result.checkedAt !== undefined) return `${result.status === 'cancelled' ? 'cancelled; ' : ''}the server was asked afterwards and does not have these changes`;
  if (result.attempts === 0) return `${stopped} before anything was sent to the server`;
  return `${stopped} after the server refused the upload (someone else published first): it has none of these changes`;
}

/** Several publishes of one repository (a signer replacement) as one summary row. */
export function mergedOutcome(ref: RepositoryRef, results: readonly PublishResult[], notes: readonly string[] = []): RepositoryOutcome {
  const rows = results.map((result) => publishedOutcome(ref, result));
  const worst = rows.find((row) => row.status !== 'published' && row.status !== 'unchanged');
  return {
    gun: ref.gun,
    serverId: ref.serverId,
    status: worst?.status ?? (rows.some((row) => row.status === 'published') ? 'published' : 'unchanged'),
    changes: rows.flatMap((row) => row.changes),
    stillStaged: rows.flatMap((row) => row.stillStaged),
    versions: Object.assign({}, ...rows.map((row) => row.versions)) as Record<string, number>,
    serverSigned: [...new Set(rows.flatMap((row) => row.serverSigned))],
    notes: [...notes, ...rows.flatMap((row) => row.notes)],
    ...(rows.at(-1)?.view === undefined ? {} : { view: rows.at(-1)!.view! }),
    ...(worst?.error === undefined ? {} : { error: worst.error }),
  };
}

/**
 * A repository the run was cancelled before finishing, with nothing sent: it carries the cancel as its
 * error, so that a reader of the results (a preview, a list) cannot take "nothing found" for "checked".
 */
function notReached(ref: RepositoryRef, notes: string[]): RepositoryOutcome {
  return { ...emptyOutcome(ref, 'cancelled', notes), error: { code: 'cancelled', message: 'Cancelled before this repository was checked.' } };
}

export function emptyOutcome(ref: RepositoryRef, status: RepositoryOutcome['status'], notes: string[] = []): RepositoryOutcome {
  return { gun: ref.gun, serverId: ref.serverId, status, changes: [], stillStaged: [], versions: {}, serverSigned: [], notes };
}
