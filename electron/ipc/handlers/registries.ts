// Registries the security review reads: kept in settings beside the notary servers, their passwords in
// the keychain (their own service, by registry id) exactly like a server's.
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { explainError } from '../../../shared/schemas/plain-words';
import type { RegistryCheck } from '../../../shared/schemas/audit';
import type { RegistryConfig, RegistryInput, Settings } from '../../../shared/schemas/settings';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { newServerId } from './settings';
import { withOwnSignIn } from '../own-sign-in';

export function registryById(settings: Settings, id: string): RegistryConfig {
  const registry = settings.registries.find((r) => r.id === id);
  if (registry === undefined) throw new CountersignError('not-found', `There is no registry "${id}" in the settings.`);
  return registry;
}

function saveRegistry(settings: Settings, input: RegistryInput): Settings {
  const ids = settings.registries.map((r) => r.id);
  if (input.id !== undefined && !ids.includes(input.id)) {
    throw new CountersignError('not-found', `There is no registry "${input.id}" to update.`);
  }
  if (input.serverId !== undefined && !settings.servers.some((s) => s.id === input.serverId)) {
    throw new CountersignError('not-found', `There is no server "${input.serverId}" to read this registry's trust data from.`);
  }
  const registry: RegistryConfig = { ...input, id: input.id ?? newServerId(input.name, ids) };
  const registries = input.id === undefined ? [...settings.registries, registry] : settings.registries.map((r) => (r.id === registry.id ? registry : r));
  return { ...settings, registries };
}

/** Plain words that take what the user typed into account. */
function explainRegistryFailure(error: ErrorInfo, registry: RegistryInput): string {
  switch (error.code) {
    case 'tls-failed':
      return registry.caPem === undefined
        ? "The registry's certificate is not trusted. If your organisation runs its own CA, add that CA's certificate (PEM)."
        : "The registry's certificate was not issued by the CA you gave, or it does not name this host.";
    case 'auth-required':
      return registry.username === undefined
        ? 'The registry wants you to sign in: add your user name, then save your password in the keychain.'
        : 'The registry wants you to sign in, and no password is stored for this user yet.';
    case 'auth-failed':
      return 'The registry refused the user name and password.';
    case 'access-denied':
      return 'The registry accepted the sign-in, but this user may not list every repository: name the repositories to review instead.';
    case 'http-status':
      return `Something answered, but not as a registry that lists its repositories would: ${error.message}`;
    default:
      return explainError(error).summary;
  }
}

export function registryHandlers(services: Services): DomainHandlers<'registries'> {
  const { settings } = services;
  return {
    'registries.save': ({ registry }) => settings.update((current) => saveRegistry(current, registry)),
    'registries.remove': async ({ registryId }) => {
      // As for servers: a locked or absent keychain must not keep the user from removing a registry.
      await services.registryCredentials.forget(registryId).catch((error: unknown) => {
        if (toErrorInfo(error).code !== 'keychain-unavailable') throw error;
      });
      return settings.update((current) => ({ ...current, registries: current.registries.filter((r) => r.id !== registryId) }));
    },
    'registries.setPassword': async ({ registryId, password }) => {
      registryById(settings.read(), registryId);
      await services.registryCredentials.setPassword(registryId, password);
      return { stored: true };
    },
    'registries.forgetPassword': async ({ registryId }) => ({ forgotten: await services.registryCredentials.forget(registryId) }),
    'registries.check': async ({ registry }, { signal }): Promise<RegistryCheck> => {
      try {
        const repositories = await services.audit.catalog(withOwnSignIn(registry, settings.read().registries), { signal });
        const count = repositories.length === 1 ? '1 repository' : `${repositories.length} repositories`;
        return { url: registry.url, ok: true, explanation: `Connected: the registry lists ${count}.`, repositories: repositories.length };
      } catch (error) {
        if (signal.aborted) throw error;
        const info = toErrorInfo(error);
        return { url: registry.url, ok: false, explanation: explainRegistryFailure(info, registry), error: info };
      }
    },
  };
}
