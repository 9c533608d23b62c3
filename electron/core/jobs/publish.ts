// Staged changes: list them, publish them (every chosen repository, with progress), or discard them.
// Publishing here is the one place that sends everything staged; every other job sends only its own
// changes unless told otherwise (open.ts).
import { toErrorInfo } from '../../../shared/errors';
import type { FlowSummary, RepositoryRef, StagedView } from '../../../shared/schemas/flows';
import { describeChange } from '../publish/changes';
import { publishChanges } from '../publish/publish';
import { stagingArea } from '../publish/stage';
import { distinctRepositories, repositoryContext, type JobEnvironment } from './environment';
import { publishEach, type FlowContext } from './run';

export function publishJobs(env: JobEnvironment) {
  return {
    async staged(repositories: readonly RepositoryRef[], signal: AbortSignal): Promise<StagedView[]> {
      return Promise.all(
        repositories.map(async (ref) => {
          try {
            const changes = await stagingArea(repositoryContext(env, ref, signal)).list();
            return { ...ref, changes: changes.map((c) => ({ id: c.id, kind: c.kind, stagedAt: c.stagedAt, description: describeChange(c) })) };
          } catch (error) {
            return { ...ref, changes: [], error: toErrorInfo(error) };
          }
        }),
      );
    },

    run(repositories: readonly RepositoryRef[], context: FlowContext): Promise<FlowSummary> {
      return publishEach(env, distinctRepositories(repositories), context, async (ref, step) => {
        step('publishing');
        return { result: await publishChanges(repositoryContext(env, ref, context.signal)) };
      });
    },

    /** `unreadableFiles`: damaged files dropped too, whose changes could not be counted. */
    async discard(input: RepositoryRef & { ids?: string[] | undefined }, signal: AbortSignal): Promise<{ dropped: number; unreadableFiles: number }> {
      const staging = stagingArea(repositoryContext(env, input, signal));
      if (input.ids !== undefined) return { dropped: (await staging.drop(input.ids)).length, unreadableFiles: 0 };
      // By file, so that a damaged file (which list() refuses to read) goes too.
      const { changes, unreadableFiles } = await staging.dropAll();
      return { dropped: changes, unreadableFiles };
    },
  };
}
