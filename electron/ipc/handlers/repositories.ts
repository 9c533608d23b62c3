import { join } from 'node:path';
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import type { ServerConfig, Settings, WatchedRepository } from '../../../shared/schemas/settings';
import type { DomainHandlers } from '../router';
import type { Cancellable, Services } from '../services';
import { failedStatus, statusFromView, type WatchStatusBook } from '../watch-status';

export function serverById(settings: Settings, id: string): ServerConfig {
  const server = settings.servers.find((s) => s.id === id);
  if (server === undefined) throw new CountersignError('not-found', `There is no server "${id}" in the settings.`);
  return server;
}

/** Inspects one repository and records its status, whether it verified or not. */
export async function inspectAndRecord(
  services: Services,
  book: WatchStatusBook,
  repository: WatchedRepository,
  options: Cancellable,
): Promise<RepositoryView> {
  const server = serverById(services.settings.read(), repository.serverId);
  try {
    const view = await services.trust.inspect({ gun: repository.gun, server }, options);
    book.record(statusFromView(view, repository.serverId));
    return view;
  } catch (error) {
    if (!options.signal.aborted) book.record(failedStatus(repository, toErrorInfo(error), new Date(), book.last(repository)));
    throw error;
  }
}

export function repositoryHandlers(services: Services, book: WatchStatusBook): DomainHandlers<'repositories'> {
  return {
    'repositories.inspect': (repository, { signal }) => inspectAndRecord(services, book, repository, { signal }),
    'repositories.servedDigests': ({ serverId, gun, tags }, context) => {
      serverById(services.settings.read(), serverId);
      return services.flows.sign.servedDigests({ serverId, gun }, tags, context);
    },
    'repositories.acknowledgeRoot': async (repository) => {
      await services.trust.acknowledgeRoot({ gun: repository.gun, server: serverById(services.settings.read(), repository.serverId) });
      return { acknowledged: true };
    },
    'repositories.inspectCached': ({ gun }, { signal }) =>
      services.trust.inspectCached({ gun, trustDir: join(services.discovery.dockerConfigDir, 'trust') }, { signal }),
  };
}
