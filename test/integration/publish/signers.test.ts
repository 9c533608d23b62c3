// countersign signer add|remove on a real notary-server with the real keychain and the real notary and
// docker clients: after every command `notary list` (fresh trust dir) and `docker trust inspect` see
// exactly what Countersign reports; a collaborator added as a signer signs with docker trust; removing
// a signer leaves the repository verifying, or asks first. Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import type { DockerTrust } from '../../stack';
import { assertClientsAgree, fakeDigest, publishedJson, startWorld, verifiedView, type World } from './support/world';

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.dispose();
});

const names = (rows: { name: string }[]) => rows.map((row) => row.name);

/** A collaborator with docker trust: a key made by `docker trust key generate NAME`. */
async function dockerCollaborator(name: string): Promise<{ docker: DockerTrust; publicKeyFile: string; keyId: string }> {
  const docker = await world.docker();
  const key = await docker.keyGenerate(name);
  return { docker, publicKeyFile: key.publicKeyFile, keyId: key.keyId };
}

/** Signs GUN:TAG as docker trust sign would from the collaborator's trust dir; returns the roles. */
async function signAs(collaborator: { docker: DockerTrust }, gun: string, tag: string): Promise<string[]> {
  const { size, hex } = fakeDigest(`${gun}:${tag}`);
  return (await collaborator.docker.signLikeDocker(gun, tag, size, hex)).sort();
}

describe('countersign signer add', () => {
  it('creates the repository as docker does (snapshot key on the server), delegates the signer, and the collaborator signs with docker trust', async () => {
    const home = world.newHome();
    const gun = world.newGun('signer-add');
    const alice = await dockerCollaborator('alice');
    const added = publishedJson(await world.csOk(home, ['signer', 'add', 'alice', gun, '--key', alice.publicKeyFile, '--json']));
    assert.deepEqual(added.versions, { root: 1, targets: 1 });
    assert.deepEqual(added.serverSigned, ['snapshot', 'timestamp'], 'the server holds the snapshot key, as after docker trust signer add');
    assert.deepEqual(added.view!.signers, [{ name: 'alice', keyIds: [alice.keyId] }]);
    await assertClientsAgree(world, home, added.view);
    const keys = JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[];
    assert.deepEqual(keys.map((k) => k.role).sort(), ['root', 'targets'], 'no snapshot key in the vault');

    assert.deepEqual(await signAs(alice, gun, 'v1'), ['targets/alice', 'targets/releases']);
    const view = await verifiedView(world, home, gun);
    assert.deepEqual(view.signedTags.map((row) => [row.tag, row.signers]), [['v1', ['alice']]]);
    await assertClientsAgree(world, home, view);
  });

  it('adds a signer whose key Countersign made, and who signs with docker trust after docker trust key load', async () => {
    const admin = world.newHome('admin');
    const gun = world.newGun('signer-loaded');
    // Delegates publish only what the server can complete: it must hold the snapshot key (as after docker trust signer add).
    await world.csOk(admin, ['init', gun, '--server-managed-snapshot']);

    const bobHome = world.newHome('bob');
    const generated = JSON.parse(await world.csOk(bobHome, ['key', 'generate', 'bob', '--dir', world.work, '--json'])) as { key: KeyRecord; publicKeyFile: string };
    const exported = join(world.work, `bob-${generated.key.id.slice(0, 8)}.key`);
    await world.csOk(bobHome, ['key', 'export', generated.key.id, '--out', exported]);
    const bob = { docker: await world.docker() };
    assert.equal(await bob.docker.keyLoad(exported, 'bob'), generated.key.id);

    const added = publishedJson(await world.csOk(admin, ['signer', 'add', 'bob', gun, '--key', generated.publicKeyFile, '--json']));
    assert.deepEqual(added.versions, { targets: 2 });
    await assertClientsAgree(world, admin, added.view);

    assert.deepEqual(await signAs(bob, gun, 'v1'), ['targets/bob', 'targets/releases']);
    const view = await verifiedView(world, admin, gun);
    assert.deepEqual(view.signedTags.map((row) => [row.tag, row.signers]), [['v1', ['bob']]]);
    await assertClientsAgree(world, admin, view);
  });

  it('adds one signer to several repositories, and a second signer beside the first', async () => {
    const home = world.newHome();
    const [one, two] = [world.newGun('multi-a'), world.newGun('multi-b')];
    const alice = await dockerCollaborator('alice');
    const bob = await dockerCollaborator('bob');
    const out = await world.csOk(home, ['signer', 'add', 'alice', one, two, '--key', alice.publicKeyFile]);
    assert.match(out, new RegExp(`Adding signer "alice" to ${one}[\\s\\S]*Adding signer "alice" to ${two}`));
    const both = publishedJson(await world.csOk(home, ['signer', 'add', 'bob', one, '--key', bob.publicKeyFile, '--json']));
    assert.deepEqual(both.view!.signers, [{ name: 'bob', keyIds: [bob.keyId] }, { name: 'alice', keyIds: [alice.keyId] }]);
    await assertClientsAgree(world, home, both.view);
    assert.deepEqual(await signAs(bob, one, 'v1'), ['targets/bob', 'targets/releases']);
    assert.deepEqual(await signAs(alice, two, 'v1'), ['targets/alice', 'targets/releases']);
  });

  it('refuses ed25519 keys, unreadable key files and docker’s reserved or invalid names, publishing and staging nothing', async () => {
    const home = world.newHome();
    const gun = world.newGun('signer-refused');
    await world.csOk(home, ['init', gun]);
    const { publicKeyFile: ed } = JSON.parse(await world.csOk(home, ['key', 'generate', 'edsigner', '--algorithm', 'ed25519', '--dir', world.work, '--json'])) as { publicKeyFile: string };
    const refusals: [string[], RegExp][] = [
      [['signer', 'add', 'ed', gun, '--key', ed], /key-unsupported: .*ed25519/],
      [['signer', 'add', 'ghost', gun, '--key', join(world.work, 'missing.pub')], /invalid-input: cannot read the public key file .*missing\.pub/],
      [['signer', 'add', 'releases', gun, '--key', ed], /invalid-input: releases is a reserved name/],
      [['signer', 'add', 'Alice', gun, '--key', ed], /invalid-input: signer name "Alice"/],
    ];
    for (const [argv, expected] of refusals) {
      const result = await world.cs(home, argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.stderr, expected);
    }
    assert.match(await world.csOk(home, ['status', gun]), /No staged changes/);
    assert.deepEqual((await verifiedView(world, home, gun)).signers, []);
  });

  it('refuses without the repository’s targets key: a clear error, and nothing staged or published', async () => {
    const owner = world.newHome('owner');
    const gun = world.newGun('signer-no-key');
    await world.csOk(owner, ['init', gun]);
    const stranger = world.newHome('stranger');
    const alice = await dockerCollaborator('alice');
    const refused = await world.cs(stranger, ['signer', 'add', 'alice', gun, '--key', alice.publicKeyFile]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /key-not-found \[targets\]: signing targets needs 1 of its keys/);
    assert.match(await world.csOk(stranger, ['status', gun]), /No staged changes/);
    assert.deepEqual((await verifiedView(world, owner, gun)).signers, []);
  });
});

describe('countersign signer remove', () => {
  async function twoSigners(label: string) {
    const home = world.newHome();
    const gun = world.newGun(label);
    const alice = await dockerCollaborator('alice');
    const bob = await dockerCollaborator('bob');
    await world.csOk(home, ['signer', 'add', 'alice', gun, '--key', alice.publicKeyFile]);
    await world.csOk(home, ['signer', 'add', 'bob', gun, '--key', bob.publicKeyFile]);
    return { home, gun, alice, bob };
  }

  it('takes the signer’s keys out of releases and removes its role; the repository keeps verifying', async () => {
    const { home, gun, alice, bob } = await twoSigners('remove');
    await signAs(alice, gun, 'v1');
    await signAs(bob, gun, 'v2');
    const removed = publishedJson(await world.csOk(home, ['signer', 'remove', 'alice', gun, '--json']));
    assert.deepEqual(removed.view!.signers, [{ name: 'bob', keyIds: [bob.keyId] }]);
    assert.deepEqual(removed.view!.warnings, []);
    // bob signed releases last, so both tags stay trusted; v1 is now signed by the repository's releases only.
    assert.deepEqual(removed.view!.signedTags.map((row) => [row.tag, row.signers]), [['v1', ['Repo Admin']], ['v2', ['bob']]]);
    assert.deepEqual(names(await assertClientsAgree(world, home, removed.view)), ['v1', 'v2']);
    assert.deepEqual(await signAs(bob, gun, 'v3'), ['targets/bob', 'targets/releases'], 'bob still signs');
  });

  it('asks first when the removed signer signed releases last (its tags would stop being trusted); --force removes it', async () => {
    const { home, gun, alice, bob } = await twoSigners('remove-last-signed');
    await signAs(alice, gun, 'v1');
    const refused = await world.cs(home, ['signer', 'remove', 'alice', gun]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /confirmation-required: .*signed the last released version.*--force/);
    assert.match(await world.csOk(home, ['status', gun]), /No staged changes/);
    assert.deepEqual((await verifiedView(world, home, gun)).signers.map((s) => s.name), ['bob', 'alice']);

    const forced = publishedJson(await world.csOk(home, ['signer', 'remove', 'alice', gun, '--force', '--json']));
    assert.deepEqual(forced.view!.signers.map((s) => s.name), ['bob']);
    assert.deepEqual(forced.view!.warnings.map((w) => w.role), ['targets/releases'], 'releases no longer verifies until bob signs');
    assert.deepEqual(await assertClientsAgree(world, home, forced.view), [], 'v1 was only trusted through releases');
    // docker cannot sign into a releases role that no longer verifies; notary witness (bob's key) re-signs it.
    await bob.docker.notary().runOk(['witness', gun, 'targets/releases', '-p']);
    await signAs(bob, gun, 'v2');
    const healed = await verifiedView(world, home, gun);
    assert.deepEqual(healed.warnings, []);
    await assertClientsAgree(world, home, healed);
  });

  it('removes targets/releases with its last signer (after --force), leaving a repository the admin signs into targets', async () => {
    const home = world.newHome();
    const gun = world.newGun('remove-only');
    const alice = await dockerCollaborator('alice');
    await world.csOk(home, ['signer', 'add', 'alice', gun, '--key', alice.publicKeyFile]);
    await signAs(alice, gun, 'v1');
    const refused = await world.cs(home, ['signer', 'remove', 'alice', gun]);
    assert.match(refused.stderr, /confirmation-required: .*"alice" holds the last keys of targets\/releases/);
    const removed = publishedJson(await world.csOk(home, ['signer', 'remove', 'alice', gun, '--force', '--json']));
    assert.deepEqual(removed.view!.signers, []);
    assert.deepEqual(removed.view!.warnings, []);
    assert.deepEqual(await assertClientsAgree(world, home, removed.view), []);
    const { digest, size } = fakeDigest('admin-v2');
    const signed = publishedJson(await world.csOk(home, ['sign', `${gun}:v2`, '--digest', digest, '--size', String(size), '--json']));
    assert.deepEqual(Object.keys(signed.versions).sort(), ['targets']);
    assert.deepEqual(names(await assertClientsAgree(world, home, signed.view)), ['v2']);
  });

  it('refuses a signer the repository does not have', async () => {
    const { home, gun } = await twoSigners('remove-unknown');
    const result = await world.cs(home, ['signer', 'remove', 'carol', gun]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`not-found: no signer carol for repository ${gun}`));
  });
});
