import { toErrorInfo } from '../../../shared/errors';
import type { WatchStatus } from '../../../shared/schemas/views';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import type { WatchStatusBook } from '../watch-status';
import { inspectAndRecord } from './repositories';

/** Enough to overlap network waits without flooding one notary server. */
export const REFRESH_CONCURRENCY = 4;

export function watchHandlers(services: Services, book: WatchStatusBook): DomainHandlers<'watch'> {
  return {
    'watch.status': () => book.statusOf(services.settings.read().watched),
    'watch.refresh': async ({ serverId }, { signal, progress }) => {
      const all = services.settings.read().watched;
      const watched = serverId === undefined ? all : all.filter((repository) => repository.serverId === serverId);
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < watched.length) {
          signal.throwIfAborted();
          const repository = watched[next++]!;
          let status: WatchStatus;
          try {
            await inspectAndRecord(services, book, repository, { signal });
            status = book.statusOf([repository])[0]!;
          } catch (error) {
            signal.throwIfAborted();
            const recorded = book.last(repository);
            status = recorded?.state === 'failed' ? recorded : { ...repository, state: 'failed', error: toErrorInfo(error) };
          }
          progress({ done: ++done, total: watched.length, status });
        }
      };
      await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, watched.length) }, worker));
      signal.throwIfAborted();
      return book.statusOf(all);
    },
  };
}
