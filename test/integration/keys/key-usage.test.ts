// Where each key is trusted: `key list` joins the vault with the verified metadata of every
// repository Countersign has read, and `key remove` warns before deleting a key still in use.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import type { KeyUse } from '../../../electron/core/trust/key-usage';
import { startKeyCliWorld, type KeyCliWorld } from './support/cli-world';

let world: KeyCliWorld;
const gun = 'example.com/usage/app';

before(async () => {
  world = await startKeyCliWorld('key-usage');
});
after(async () => {
  await world?.dispose();
});

const ok = (argv: string[]) => world.ok(argv);

describe('the key inventory', () => {
  it('shows, for a collaborator key added by docker trust signer add, the repository and roles that trust it', async () => {
    const generated = JSON.parse(await ok(['key', 'generate', 'carol', '--dir', world.work, '--json'])) as { key: KeyRecord; publicKeyFile: string };
    await world.docker.signerAdd('carol', gun, [generated.publicKeyFile]);
    // Usage comes from verified data: nothing is known until the repository has been read once.
    const unread = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    assert.deepEqual(unread.find((k) => k.id === generated.key.id)?.usage, []);

    await ok(['--server', world.server.url, '--tls-ca', world.server.caFile, 'inspect', gun]);
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    const uses = listed.find((k) => k.id === generated.key.id)?.usage ?? [];
    assert.deepEqual(uses.map((u) => `${u.gun} ${u.role}`).sort(), [`${gun} targets/carol`, `${gun} targets/releases`]);
    assert.ok(uses.every((u) => u.server === world.server.url), JSON.stringify(uses));
    // docker publishes the delegation but no metadata for it until the signer signs: no expiry to show yet.
    assert.ok(uses.every((u) => u.expires === undefined), JSON.stringify(uses));
    assert.match(await ok(['key', 'list']), new RegExp(`${gun.replace(/[/.]/g, '\\$&')} \\(targets/carol\\)`));
  });

  it('adds the expiry of a role once it has been signed', async () => {
    const carolId = (JSON.parse(await ok(['key', 'list', '--json'])) as KeyRecord[]).find((k) => k.role === 'carol')!.id;
    const exported = join(world.work, 'carol-export.pem');
    await ok(['key', 'export', carolId, '--out', exported]);
    await world.docker.keyLoad(exported, 'carol');
    await world.docker.signLikeDocker(gun, 'v1', 7, '56'.repeat(32));
    await ok(['--server', world.server.url, '--tls-ca', world.server.caFile, 'inspect', gun]);
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as (KeyRecord & { usage: KeyUse[] })[];
    const carol = listed.find((k) => k.role === 'carol');
    const releases = carol?.usage.find((u) => u.role === 'targets/releases');
    assert.match(releases?.expires ?? '', /^\d{4}-\d{2}-\d{2}T/);
  });

  it('warns before removing a key that published metadata still trusts', async () => {
    const listed = JSON.parse(await ok(['key', 'list', '--json'])) as KeyRecord[];
    const carol = listed.find((k) => k.role === 'carol');
    assert.ok(carol);
    const removed = await world.run(['key', 'remove', carol.id, '--yes']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, new RegExp(`warning: ${carol.id} is still trusted by ${gun.replace(/[/.]/g, '\\$&')} \\(targets/carol`));
  });
});
