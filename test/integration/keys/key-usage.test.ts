// Where each key is trusted: `key list` joins the vault with the verified metadata of every
// repository Countersign has read, and `key remove` warns before deleting a key still in use.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import type { KeyUse } from '../../../electron/core/trust/key-usage';
import { dockerTrust, type DockerTrust } from '../../stack/docker-trust';
import { startNotaryServer, type NotaryServer } from '../../stack/notary-server';
import { makeTempDir, removeTempDir } from '../../stack/process';
import { countersign } from '../inspect/run-countersign';
import { requireKeyringSession } from './support/vault-fixture';

let server: NotaryServer;
let docker: DockerTrust;
let work: string;
let env: NodeJS.ProcessEnv;
const gun = 'example.com/usage/app';

before(async () => {
  requireKeyringSession();
  server = await startNotaryServer();
  docker = await dockerTrust({ server: server.url, caFile: server.caFile });
  work = makeTempDir('key-usage');
  // Exports use docker's repository passphrase, so `docker trust key load` takes them as they are.
  env = { ...process.env, COUNTERSIGN_HOME: join(work, 'home'), COUNTERSIGN_PASSPHRASE: docker.env()['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'] };
});

after(async () => {
  await docker?.dispose();
  await server?.stop();
  if (work) await removeTempDir(work);
});

async function ok(argv: string[]): Promise<string> {
  const result = await countersign(argv, env);
  assert.equal(result.code, 0, `countersign ${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('the key inventory', () => {
  it('shows, for a collaborator key added by docker trust signer add, the repository and roles that trust it', async () => {
    const generated = JSON.parse(await ok(['key', 'generate', 'carol', '--dir', work, '--json'])) as { key: KeyRecord; publicKeyFile: string };
    await docker.signerAdd('carol', gun, [generated.publicKeyFile]);
    // Usage comes from verified data: nothing is known until the repository has been read once.
    const unread = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    assert.deepEqual(unread.find((k) => k.id === generated.key.id)?.usage, []);

    await ok(['--server', server.url, '--tls-ca', server.caFile, 'inspect', gun]);
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    const uses = listed.find((k) => k.id === generated.key.id)?.usage ?? [];
    assert.deepEqual(uses.map((u) => `${u.gun} ${u.role}`).sort(), [`${gun} targets/carol`, `${gun} targets/releases`]);
    assert.ok(uses.every((u) => u.server === server.url), JSON.stringify(uses));
    // docker publishes the delegation but no metadata for it until the signer signs: no expiry to show yet.
    assert.ok(uses.every((u) => u.expires === undefined), JSON.stringify(uses));
    assert.match(await ok(['key', 'list']), new RegExp(`${gun.replace(/[/.]/g, '\\$&')} \\(targets/carol\\)`));
  });

  it('adds the expiry of a role once it has been signed', async () => {
    const carolId = (JSON.parse(await ok(['key', 'list', '--json'])) as KeyRecord[]).find((k) => k.role === 'carol')!.id;
    const exported = join(work, 'carol-export.pem');
    await ok(['key', 'export', carolId, '--out', exported]);
    await docker.keyLoad(exported, 'carol');
    await docker.signLikeDocker(gun, 'v1', 7, '56'.repeat(32));
    await ok(['--server', server.url, '--tls-ca', server.caFile, 'inspect', gun]);
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    const carol = listed.find((k) => k.role === 'carol');
    const releases = carol?.usage.find((u) => u.role === 'targets/releases');
    assert.match(releases?.expires ?? '', /^\d{4}-\d{2}-\d{2}T/);
  });

  it('warns before removing a key that published metadata still trusts', async () => {
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as KeyRecord[];
    const carol = listed.find((k) => k.role === 'carol');
    assert.ok(carol);
    const removed = await countersign(['key', 'remove', carol.id, '--yes'], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, new RegExp(`warning: ${carol.id} is still trusted by ${gun.replace(/[/.]/g, '\\$&')} \\(targets/carol`));
  });
});
