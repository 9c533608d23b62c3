// Running one flow over many repositories: one after the other, each failure kept to its repository,
// progress before each step and after each repository (with its outcome, so a renderer that cancels
// still knows what was published), and a cancel that stops before the next step.
import { toErrorInfo } from '../../../shared/errors';
import type { FlowProgress, FlowSummary, RepositoryOutcome, RepositoryRef } from '../../../shared/schemas/flows';
import { describeChange } from '../../core/publish/changes';
import type { PublishResult } from '../../core/publish/publish';
import { stagingArea } from '../../core/publish/stage';
import type { HandlerContext } from '../router';
import { repositoryContext, type WriteEnvironment } from './environment';

export type FlowContext = HandlerContext<FlowProgress>;

/** Reports the step a repository is at ("publishing"); throws once the flow is cancelled. */
export type StepReporter = (step: string) => void;

export async function forEachRepository<T extends RepositoryRef, R>(
  items: readonly T[],
  context: FlowContext,
  work: (item: T, step: StepReporter) => Promise<R>,
  outcomeOf: (item: T, result: R) => RepositoryOutcome,
  /** What to add to a failed repository's outcome (e.g. that changes stay staged). */
  failureNotes: (item: T) => Promise<string[]> = async () => [],
): Promise<{ outcomes: RepositoryOutcome[]; results: Map<T, R> }> {
  const { signal, progress } = context;
  const outcomes: RepositoryOutcome[] = [];
  const results = new Map<T, R>();
  for (const [index, item] of items.entries()) {
    signal.throwIfAborted();
    const ref = { gun: item.gun, serverId: item.serverId };
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
      // A cancel is not this repository's failure: it ends the whole flow.
      signal.throwIfAborted();
      outcome = failedOutcome(ref, error, await failureNotes(item).catch(() => []));
    }
    outcomes.push(outcome);
    progress({ done: index + 1, total: items.length, finished: outcome });
  }
  return { outcomes, results };
}

/** The common case: each repository ends with one publish. */
export async function publishEach<T extends RepositoryRef>(
  env: WriteEnvironment,
  items: readonly T[],
  context: FlowContext,
  work: (item: T, step: StepReporter) => Promise<{ result: PublishResult; notes?: string[] }>,
): Promise<FlowSummary> {
  const { outcomes } = await forEachRepository(items, context, work, (item, { result, notes }) => publishedOutcome(item, result, notes), (item) => stagedNotes(env, item));
  return { outcomes };
}

/** After a failure: what is left staged for the repository (nothing is lost; it is published next time). */
export async function stagedNotes(env: WriteEnvironment, ref: RepositoryRef): Promise<string[]> {
  const staged = await stagingArea(repositoryContext(env, ref, new AbortController().signal)).list();
  return staged.length === 0
    ? []
    : [`${staged.length} change(s) stay staged for this repository: publish them from Staged changes once the problem is solved, or discard them there.`];
}

export function publishedOutcome(ref: RepositoryRef, result: PublishResult, notes: readonly string[] = []): RepositoryOutcome {
  return {
    gun: ref.gun,
    serverId: ref.serverId,
    status: result.published ? 'published' : 'unchanged',
    changes: result.changes.map(describeChange),
    versions: result.versions,
    serverSigned: result.serverSigned,
    notes: [...notes, ...(result.attempts > 1 ? [`published after ${result.attempts - 1} conflict(s) with other publishers`] : [])],
  };
}

/** Several publishes of one repository (a signer replacement) as one summary row. */
export function mergedOutcome(ref: RepositoryRef, results: readonly PublishResult[], notes: readonly string[] = []): RepositoryOutcome {
  const rows = results.map((result) => publishedOutcome(ref, result));
  return {
    gun: ref.gun,
    serverId: ref.serverId,
    status: rows.some((row) => row.status === 'published') ? 'published' : 'unchanged',
    changes: rows.flatMap((row) => row.changes),
    versions: Object.assign({}, ...rows.map((row) => row.versions)) as Record<string, number>,
    serverSigned: [...new Set(rows.flatMap((row) => row.serverSigned))],
    notes: [...notes, ...rows.flatMap((row) => row.notes)],
  };
}

function failedOutcome(ref: RepositoryRef, error: unknown, notes: string[]): RepositoryOutcome {
  return { ...ref, status: 'failed', changes: [], versions: {}, serverSigned: [], notes, error: toErrorInfo(error) };
}
