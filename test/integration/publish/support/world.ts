// One real notary-server, the real keychain (scripts/with-keyring.sh), Countersign's CLI run in this
// process, and fresh notary and docker clients to check every write against: after each command,
// `notary list` (fresh trust dir) and `docker trust inspect` (fresh config) must see exactly what
// Countersign reported.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepositoryView } from '../../../../shared/domain';
import { HttpClient } from '../../../../electron/core/net/http';
import { NotaryClient } from '../../../../electron/core/notary/notary-client';
import { loadRepository } from '../../../../electron/core/trust/load-repository';
import { dockerTrust, makeTempDir, notaryCli, removeTempDir, startNotaryServer, type DockerTrust, type NotaryCli, type NotaryServer } from '../../../stack';
import { countersign, dockerFieldsOf, type CliResult } from '../../inspect/run-countersign';
import { requireKeyringSession } from '../../keys/support/vault-fixture';

/** One passphrase for every exported key and every notary and docker key file, so keys move freely. */
export const PASSPHRASE = 'countersign-publish-tests';

export interface World {
  server: NotaryServer;
  work: string;
  /** A new, empty Countersign home. */
  newHome(label?: string): string;
  /** `countersign --server S --tls-ca CA ARGV...` in this process, with `home`. */
  cs(home: string, argv: readonly string[], options?: { server?: string }): Promise<CliResult>;
  /** Like cs, but fails the test unless it exits 0; returns stdout. */
  csOk(home: string, argv: readonly string[], options?: { server?: string }): Promise<string>;
  /** A notary client with a fresh trust dir and every passphrase set to PASSPHRASE. */
  notary(): NotaryCli;
  /** A docker trust client with a fresh $DOCKER_CONFIG and its passphrases set to PASSPHRASE. */
  docker(): Promise<DockerTrust>;
  /** A GUN nobody used yet on this server. */
  newGun(label: string): string;
  dispose(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  requireKeyringSession();
  const server = await startNotaryServer();
  const work = makeTempDir('publish');
  const disposers: (() => Promise<void>)[] = [];
  const cs = (home: string, argv: readonly string[], options: { server?: string } = {}) =>
    countersign(['--home', home, '--server', options.server ?? server.url, '--tls-ca', server.caFile, ...argv], {
      ...process.env,
      COUNTERSIGN_HOME: undefined,
      COUNTERSIGN_PASSPHRASE: PASSPHRASE,
    });
  let homes = 0;
  return {
    server,
    work,
    newHome: (label = 'home') => join(work, `${label}-${homes++}`),
    cs,
    async csOk(home, argv, options) {
      const result = await cs(home, argv, options);
      assert.equal(result.code, 0, `countersign ${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
      return result.stdout;
    },
    notary() {
      const client = notaryCli({ server: server.url, caFile: server.caFile, passphrases: { root: PASSPHRASE, targets: PASSPHRASE, snapshot: PASSPHRASE, delegation: PASSPHRASE } });
      disposers.push(() => client.dispose());
      return client;
    },
    async docker() {
      const client = await dockerTrust({ server: server.url, caFile: server.caFile, rootPassphrase: PASSPHRASE, repositoryPassphrase: PASSPHRASE });
      disposers.push(() => client.dispose());
      return client;
    },
    newGun: (label) => `localhost/publish/${label}-${randomBytes(3).toString('hex')}`,
    async dispose() {
      for (const dispose of disposers.splice(0)) await dispose();
      await server.stop();
      await removeTempDir(work);
    },
  };
}

/** What a write command printed with --json: the publish result, with the verified repository. */
export interface PublishedJson {
  gun: string;
  status: string;
  published: boolean;
  versions: Record<string, number>;
  serverSigned: string[];
  /** The changes now on the server, described. */
  changes: string[];
  stillStaged: string[];
  attempts?: number;
  view?: RepositoryView;
}

export function publishedJson(stdout: string): PublishedJson {
  return JSON.parse(stdout) as PublishedJson;
}

export interface TagRow {
  name: string;
  digest: string;
  size: number;
}

const byName = (a: TagRow, b: TagRow) => a.name.localeCompare(b.name);

/**
 * The real clients see what Countersign reported: `notary list` (fresh trust dir) lists exactly the
 * signed tags of the view (name, digest, size) — plus `elsewhere`, tags only signers docker does not
 * show hold (notary lists every role, docker only targets and targets/releases) — and `docker trust
 * inspect` prints exactly what `countersign inspect --json` prints (docker's fields). Returns notary's rows.
 */
export async function assertClientsAgree(world: World, home: string, view: RepositoryView | undefined, elsewhere: TagRow[] = []): Promise<TagRow[]> {
  assert.ok(view, 'the write command reported the repository it published');
  const gun = view.gun;
  const notary = world.notary();
  const listed = (await notary.list(gun)).map(({ name, digest, size }) => ({ name, digest, size })).sort(byName);
  const reported = [...view.signedTags.map((row) => ({ name: row.tag, digest: row.digest, size: row.size })), ...elsewhere].sort(byName);
  assert.deepEqual(listed, reported, 'notary list (fresh trust dir) lists what Countersign reported');

  const docker = await world.docker();
  const fromDocker = await docker.inspect(gun);
  assert.equal(fromDocker.code, 0, `docker trust inspect failed: ${fromDocker.stderr}`);
  const ours = dockerFieldsOf(await world.csOk(home, ['inspect', '--json', gun]));
  assert.deepEqual(ours, fromDocker.entries, 'docker trust inspect prints what countersign inspect prints');
  return listed;
}

/**
 * The repository as Countersign verifies it now from `home` (its cache, refreshed from the server):
 * for checking the real clients after a change made by someone else (docker, notary).
 */
export async function verifiedView(world: World, home: string, gun: string): Promise<RepositoryView> {
  const http = new HttpClient({ ca: await readFile(world.server.caFile, 'utf8') });
  try {
    const notary = new NotaryClient(world.server.url, http);
    return (await loadRepository({ home, server: notary.serverUrl, gun, fetcher: notary.fetcher(gun) })).view;
  } finally {
    http.close();
  }
}

/** A made-up manifest digest and size for a tag. */
export function fakeDigest(seed: string): { digest: string; hex: string; size: number } {
  const hex = createHash('sha256').update(seed).digest('hex');
  return { digest: `sha256:${hex}`, hex, size: 500 + seed.length };
}
