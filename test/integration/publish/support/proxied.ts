// The publish world behind a man in the middle, as the specifications of failures and of honest
// outcomes both use it: the real notary-server, a proxy in front of it, and the CLI pointed at the proxy.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startMitm, type MitmProxy } from '../../../stack';
import { fakeDigest, PASSPHRASE, startWorld, type World } from './world';

export interface ProxiedWorld {
  readonly world: World;
  readonly mitm: MitmProxy;
  /** Countersign through the proxy (its staged changes and cache are kept per server URL). */
  readonly viaProxy: { server: string };
  /** The names of what is staged for `gun` (a tag's name, else the change's kind). */
  stagedNames(home: string, gun: string): Promise<string[]>;
  /** The CLI from source in a process of its own (never a stale bundle), through the proxy. */
  spawnCli(home: string, argv: readonly string[]): ReturnType<typeof spawn>;
}

/** Starts the world and its proxy before the file's tests and stops both after them. */
export function useProxiedWorld(): ProxiedWorld {
  let world: World | undefined;
  let mitm: MitmProxy | undefined;
  before(async () => {
    world = await startWorld();
    mitm = await startMitm({ upstream: world.server.url, ca: world.server.ca });
  });
  after(async () => {
    await mitm?.stop();
    await world?.dispose();
  });
  const started = () => {
    if (world === undefined || mitm === undefined) throw new Error('the proxied world is not started yet');
    return { world, mitm };
  };
  const viaProxy = { get server() { return started().mitm.url; } };
  return {
    get world() { return started().world; },
    get mitm() { return started().mitm; },
    viaProxy,
    async stagedNames(home, gun) {
      const { staged } = JSON.parse(await started().world.csOk(home, ['status', gun, '--json'], viaProxy)) as { staged: { name?: string; kind: string }[] };
      return staged.map((change) => change.name ?? change.kind);
    },
    spawnCli(home, argv) {
      const { world: w, mitm: m } = started();
      const bin = join(import.meta.dirname, '..', '..', '..', '..', 'electron', 'cli', 'bin.ts');
      return spawn(process.execPath, ['--import', 'tsx', bin, '--home', home, '--server', m.url, '--tls-ca', w.server.caFile, ...argv], {
        env: { ...process.env, COUNTERSIGN_HOME: undefined, COUNTERSIGN_PASSPHRASE: PASSPHRASE },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
  };
}

/** The upload path of a repository (notary's one POST). */
export const postPath = (gun: string) => `/v2/${gun}/_trust/tuf/`;

/** `sign GUN:TAG` with a made-up digest derived from `seed`. */
export function signArgs(ref: string, seed: string): string[] {
  const { digest, size } = fakeDigest(seed);
  return ['sign', ref, '--digest', digest, '--size', String(size)];
}
