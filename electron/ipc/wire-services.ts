// The one place where the app's core is plugged into the handlers. The Electron main process and the
// loopback test host both build their Services here, so they answer the contract identically.
import { CountersignError } from '../../shared/errors';
import type { AppInfo } from '../../shared/schemas/views';
import { NotaryClients, notaryProbe, notaryTrustService } from './core-services';
import { discoverMachine } from './machine-discovery';
import type { KeyVault, Services } from './services';
import { SettingsStore, type KeyValueBackend } from './settings-store';

export interface ServiceOptions {
  runtime: AppInfo['runtime'];
  version: string;
  homeDir: string;
  dockerConfigDir: string;
  settingsBackend: KeyValueBackend;
  /** Replaces core parts, e.g. while a core module is still being written. */
  overrides?: Partial<Pick<Services, 'trust' | 'servers' | 'keys'>>;
}

function notYetAvailable(what: string): never {
  throw new CountersignError('internal', `${what} is not available in this build yet.`);
}

// Stand-in until the key vault lands; replaced by one line in createServices.
const pendingKeys: KeyVault = {
  list: async () => [],
  generate: async () => notYetAvailable('Generating a key'),
  importTrustDir: async () => notYetAvailable('Importing keys'),
  remove: async () => notYetAvailable('Removing a key'),
};

/** Services plus what must be released when the app or the test host stops. */
export interface RunningServices extends Services {
  close(): void;
}

export function createServices(options: ServiceOptions): RunningServices {
  const { runtime, version, homeDir, dockerConfigDir } = options;
  const clients = new NotaryClients();
  return {
    close: () => clients.close(),
    app: { info: () => ({ name: 'Countersign', version, platform: process.platform, runtime, homeDir }) },
    settings: new SettingsStore(options.settingsBackend),
    trust: options.overrides?.trust ?? notaryTrustService(homeDir, clients),
    servers: options.overrides?.servers ?? notaryProbe(clients),
    keys: options.overrides?.keys ?? pendingKeys,
    discovery: { dockerConfigDir, scan: () => discoverMachine(dockerConfigDir) },
  };
}
