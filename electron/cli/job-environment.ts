// The command line's answers to what the core's write jobs ask (electron/core/jobs/environment.ts):
// a repository reference's serverId is the notary server's URL; the registry is --registry (with
// --registry-ca), else https://<the GUN's host>.
import type { RepositoryRef } from '../../shared/schemas/flows';
import type { JobEnvironment } from '../core/jobs/environment';
import { registryRepositoryOf } from '../core/publish/digest-guard';
import type { CliContext } from './context';
import { openVault } from './commands/key';

export function cliJobEnvironment(cli: CliContext, options: { registryCaFile?: string } = {}): JobEnvironment {
  return {
    homeDir: cli.home,
    notary: (ref) => cli.notary(ref.serverId),
    vault: () => openVault(cli),
    registry: (ref, source) => ({
      client: cli.registry(source.url ?? `https://${ref.gun.slice(0, ref.gun.indexOf('/'))}`, options.registryCaFile),
      repository: registryRepositoryOf(ref.gun),
      // The CLI's clients live until the command ends (CliContext.close).
      close: () => undefined,
    }),
  };
}

/** The reference the jobs work on for a GUN: its notary server by URL. */
export function cliRepositoryRef(cli: CliContext, gun: string): RepositoryRef {
  return { gun, serverId: cli.serverFor(gun) };
}
