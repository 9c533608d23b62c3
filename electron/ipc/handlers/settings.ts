import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { ServerConfig, ServerInput, Settings, WatchedRepository } from '../../../shared/schemas/settings';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';

/** A readable, stable id from the server's name: "Team notary" -> "team-notary", "team-notary-2", ... */
export function newServerId(name: string, taken: readonly string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'server';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

function saveServer(settings: Settings, input: ServerInput): Settings {
  const ids = settings.servers.map((s) => s.id);
  if (input.id !== undefined && !ids.includes(input.id)) {
    throw new CountersignError('not-found', `There is no server "${input.id}" to update.`);
  }
  const server: ServerConfig = { ...input, id: input.id ?? newServerId(input.name, ids) };
  const servers = input.id === undefined
    ? [...settings.servers, server]
    : settings.servers.map((s) => (s.id === server.id ? server : s));
  return { ...settings, servers };
}

function sameRepository(a: WatchedRepository, b: WatchedRepository): boolean {
  return a.gun === b.gun && a.serverId === b.serverId;
}

export function settingsHandlers(services: Services): DomainHandlers<'settings'> {
  const { settings } = services;
  return {
    'settings.get': () => settings.read(),
    'settings.saveServer': ({ server }) => settings.update((current) => saveServer(current, server)),
    'settings.removeServer': async ({ id }) => {
      // A removed server's password has no reason to stay in the keychain. A locked or absent
      // keychain must not keep the user from removing a server, so that case is let go.
      await services.credentials.forget(id).catch((error: unknown) => {
        if (toErrorInfo(error).code !== 'keychain-unavailable') throw error;
      });
      return settings.update((current) => ({
        ...current,
        servers: current.servers.filter((s) => s.id !== id),
        // A watched repository without its server could never be refreshed again.
        watched: current.watched.filter((w) => w.serverId !== id),
      }));
    },
    'settings.watch': (repository) =>
      settings.update((current) => {
        if (!current.servers.some((s) => s.id === repository.serverId)) {
          throw new CountersignError('not-found', `There is no server "${repository.serverId}".`);
        }
        if (current.watched.some((w) => sameRepository(w, repository))) return current;
        return { ...current, watched: [...current.watched, repository] };
      }),
    'settings.unwatch': (repository) =>
      settings.update((current) => ({ ...current, watched: current.watched.filter((w) => !sameRepository(w, repository)) })),
    'settings.setUi': (prefs) => settings.update((current) => ({ ...current, ui: { ...current.ui, ...prefs } })),
  };
}
