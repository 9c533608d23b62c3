// Repositories pass between Countersign, notary and docker trust: a repository Countersign created is
// extended by notary with keys exported from the vault, a repository notary created is signed by
// Countersign after importing notary's keys, and docker collaborators added as signers sign beside
// Countersign. After every write the real clients see what Countersign reports.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { assertClientsAgree, fakeDigest, publishedJson, startWorld, type World } from './support/world';

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.dispose();
});

async function sign(home: string, ref: string, seed: string, ...extra: string[]) {
  const { digest, size } = fakeDigest(seed);
  return publishedJson(await world.csOk(home, ['sign', ref, '--digest', digest, '--size', String(size), '--json', ...extra]));
}

async function keysOf(home: string, gun: string): Promise<KeyRecord[]> {
  return (JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).filter((key) => key.gun === gun);
}

/** The repository's targets and snapshot keys from the vault, as one encrypted file notary and docker load. */
async function exportRepositoryKeys(home: string, gun: string, file: string): Promise<void> {
  const ids = (await keysOf(home, gun)).filter((key) => key.role === 'targets' || key.role === 'snapshot').map((key) => key.id);
  assert.equal(ids.length, 2);
  await world.csOk(home, ['key', 'export', ...ids, '--out', file]);
}

const names = (rows: { name: string }[]) => rows.map((row) => row.name);

describe('a repository Countersign created', () => {
  it('is extended by notary with keys exported from the vault, and Countersign signs on top of notary', async () => {
    const home = world.newHome();
    const gun = world.newGun('cs-then-notary');
    await world.csOk(home, ['init', gun]);
    await sign(home, `${gun}:v1`, 'v1');

    const keyFile = join(world.work, `${gun.replaceAll('/', '_')}.keys.pem`);
    await exportRepositoryKeys(home, gun, keyFile);
    const notary = world.notary();
    await notary.keyImport(keyFile);
    const fromNotary = fakeDigest('from-notary');
    await notary.addHash(gun, 'from-notary', fromNotary.size, fromNotary.hex);

    const after = await sign(home, `${gun}:v2`, 'v2');
    assert.deepEqual(after.versions, { targets: 4, snapshot: 4 }, 'built on notary’s version 3');
    assert.deepEqual(names(await assertClientsAgree(world, home, after.view)), ['from-notary', 'v1', 'v2']);
    await notary.remove(gun, 'v1');
    const revoked = publishedJson(await world.csOk(home, ['revoke', `${gun}:from-notary`, '--json']));
    assert.deepEqual(names(await assertClientsAgree(world, home, revoked.view)), ['v2']);
  });

  it('gets docker signers, and Countersign signs as such a signer into targets/NAME and targets/releases', async () => {
    const home = world.newHome();
    const gun = world.newGun('cs-docker-signers');
    await world.csOk(home, ['init', gun]);
    const admin = await world.docker();
    const keyFile = join(world.work, `${gun.replaceAll('/', '_')}.keys.pem`);
    await exportRepositoryKeys(home, gun, keyFile);
    await admin.notary().keyImport(keyFile);
    const alice = await admin.keyGenerate('alice');
    await admin.signerAdd('alice', gun, [alice.publicKeyFile]);
    const byDocker = fakeDigest('by-docker');
    assert.deepEqual(await admin.signLikeDocker(gun, 'v1', byDocker.size, byDocker.hex), ['targets/alice', 'targets/releases']);

    // Countersign holds alice's key now: docker's rule picks both roles alice's key signs.
    await world.csOk(home, ['key', 'import', admin.trustDir]);
    const asAlice = await sign(home, `${gun}:v2`, 'v2');
    assert.deepEqual(Object.keys(asAlice.versions).sort(), ['snapshot', 'targets/alice', 'targets/releases']);
    assert.deepEqual(names(await assertClientsAgree(world, home, asAlice.view)), ['v1', 'v2']);
    assert.deepEqual(asAlice.view!.signedTags.find((row) => row.tag === 'v2')!.signers, ['alice']);

    const asAdmin = await sign(home, `${gun}:v3`, 'v3', '--role', 'targets');
    assert.deepEqual(asAdmin.view!.signedTags.find((row) => row.tag === 'v3')!.signers, ['Repo Admin']);
    await assertClientsAgree(world, home, asAdmin.view);

    const revoked = publishedJson(await world.csOk(home, ['revoke', `${gun}:v1`, '--json']));
    assert.deepEqual(names(await assertClientsAgree(world, home, revoked.view)), ['v2', 'v3']);
    const afterUs = fakeDigest('docker-again');
    await admin.signLikeDocker(gun, 'v4', afterUs.size, afterUs.hex);
    const onTop = await sign(home, `${gun}:v5`, 'v5');
    assert.deepEqual(names(await assertClientsAgree(world, home, onTop.view)), ['v2', 'v3', 'v4', 'v5']);

    // bob's key stays with docker: revoking removes the tag where we can sign, and says where we cannot.
    const bob = await admin.keyGenerate('bob');
    await admin.signerAdd('bob', gun, [bob.publicKeyFile]);
    const both = fakeDigest('both');
    assert.deepEqual((await admin.signLikeDocker(gun, 'v6', both.size, both.hex)).sort(), ['targets/alice', 'targets/bob', 'targets/releases']);
    const partly = await world.cs(home, ['revoke', `${gun}:v6`, '--json']);
    assert.equal(partly.code, 0, partly.stderr);
    assert.match(partly.stderr, /Note: \S+: targets\/bob still signs v6: the keychain holds none of its keys/);
    const afterRevoke = publishedJson(partly.stdout);
    assert.deepEqual(Object.keys(afterRevoke.versions).sort(), ['snapshot', 'targets/alice', 'targets/releases']);
    const keptByBob = { name: 'v6', digest: both.hex, size: both.size };
    assert.deepEqual(names(await assertClientsAgree(world, home, afterRevoke.view, [keptByBob])), ['v2', 'v3', 'v4', 'v5', 'v6']);
    assert.ok(!afterRevoke.view!.signedTags.some((row) => row.tag === 'v6'), 'docker no longer shows v6: targets/releases dropped it');
  });
});

describe('a repository notary created', () => {
  it('is signed by Countersign after importing notary’s trust dir, and notary keeps working on it', async () => {
    const home = world.newHome();
    const gun = world.newGun('notary-then-cs');
    const notary = world.notary();
    await notary.init(gun);
    const v1 = fakeDigest('n-v1');
    await notary.addHash(gun, 'v1', v1.size, v1.hex);

    await world.csOk(home, ['key', 'import', notary.trustDir]);
    const served = (await world.server.roleJson(gun, 'targets')) as { signed: { version: number } };
    const ours = await sign(home, `${gun}:v2`, 'n-v2');
    assert.equal(ours.versions['targets'], served.signed.version + 1);
    assert.deepEqual(names(await assertClientsAgree(world, home, ours.view)), ['v1', 'v2']);

    const v3 = fakeDigest('n-v3');
    await notary.addHash(gun, 'v3', v3.size, v3.hex);
    const revoked = publishedJson(await world.csOk(home, ['revoke', `${gun}:v1`, '--json']));
    assert.deepEqual(names(await assertClientsAgree(world, home, revoked.view)), ['v2', 'v3']);
  });
});
