// Builds the real handlers and router over in-memory settings, with the core parts a test chooses.
import type { ProgressMessage } from '../../../shared/contract';
import type { SecretStore } from '../../../electron/core/keys';
import { createHandlers } from '../../../electron/ipc/handlers/index';
import { createRouter, type Caller, type Router, type RouterOptions } from '../../../electron/ipc/router';
import type { Services } from '../../../electron/ipc/services';
import { memoryBackend } from '../../../electron/ipc/settings-store';
import { createServices, type ServiceOptions } from '../../../electron/ipc/wire-services';

export function servicesFor(
  overrides: ServiceOptions['overrides'] = {},
  dockerConfigDir = '/nonexistent/docker',
  serverSecrets: SecretStore = memorySecretStore(),
): Services {
  return createServices({
    runtime: 'test-host',
    version: '0.0.0-test',
    homeDir: '/nonexistent/home',
    dockerConfigDir,
    settingsBackend: memoryBackend(),
    overrides,
    serverSecrets,
    loginSecrets: memorySecretStore(),
  });
}

/** Services for the security review's tests: settings and every secret in memory, core parts as chosen. */
export function reviewServicesFor(options: Pick<ServiceOptions, 'overrides' | 'files' | 'registrySecrets'>): Services {
  return createServices({
    runtime: 'test-host',
    version: '0.0.0-test',
    homeDir: '/nonexistent/home',
    dockerConfigDir: '/nonexistent/docker',
    settingsBackend: memoryBackend(),
    serverSecrets: memorySecretStore(),
    registrySecrets: memorySecretStore(),
    loginSecrets: memorySecretStore(),
    ...options,
  });
}

/** Server passwords in memory: the keychain itself is exercised by the key vault's integration tests. */
export function memorySecretStore(): SecretStore & { secrets: Map<string, string> } {
  const secrets = new Map<string, string>();
  return {
    secrets,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => secrets.delete(account),
    list: async () => [...secrets.keys()],
  };
}

export function routerFor(services: Services, options?: RouterOptions): Router {
  return createRouter(createHandlers(services), options);
}

/** A caller that records the progress it is sent. */
export function recordingCaller(session = 'window-1'): Caller & { progress: ProgressMessage[] } {
  const progress: ProgressMessage[] = [];
  return { session, progress, emitProgress: (message) => progress.push(message) };
}

/** Resolves once `signal` is aborted, then throws its reason, as a cancellable core call does. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export const SERVER = { name: 'Team notary', url: 'https://notary.example.test:4443' };
