// The one place where the app's core is plugged into the handlers. The Electron main process and the
// loopback test host both build their Services here, so they answer the contract identically.
import { CountersignError } from '../../shared/errors';
import type { AppInfo } from '../../shared/schemas/views';
import { discoverMachine } from './machine-discovery';
import type { KeyVault, ServerProbe, Services, TrustService } from './services';
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

// Stand-ins until the core modules land; each is replaced by one line in createServices.
const pendingTrust: TrustService = {
  inspect: async () => notYetAvailable('Verifying a repository'),
  inspectCached: async () => notYetAvailable('Verifying cached trust data'),
};
const pendingProbe: ServerProbe = { probe: async () => notYetAvailable('Checking a server') };
const pendingKeys: KeyVault = {
  list: async () => [],
  generate: async () => notYetAvailable('Generating a key'),
  importTrustDir: async () => notYetAvailable('Importing keys'),
  remove: async () => notYetAvailable('Removing a key'),
};

export function createServices(options: ServiceOptions): Services {
  const { runtime, version, homeDir, dockerConfigDir } = options;
  return {
    app: { info: () => ({ name: 'Countersign', version, platform: process.platform, runtime, homeDir }) },
    settings: new SettingsStore(options.settingsBackend),
    trust: options.overrides?.trust ?? pendingTrust,
    servers: options.overrides?.servers ?? pendingProbe,
    keys: options.overrides?.keys ?? pendingKeys,
    discovery: { dockerConfigDir, scan: () => discoverMachine(dockerConfigDir) },
  };
}
