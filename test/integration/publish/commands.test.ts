// countersign init, sign, revoke, publish, status and reset on a real notary-server with the real
// keychain: after every write, the real `notary list` (fresh trust dir) and `docker trust inspect`
// see exactly what Countersign reported. Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { keychainAccounts } from '../keys/support/vault-fixture';
import { assertClientsAgree, fakeDigest, publishedJson, startWorld, type World } from './support/world';

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.dispose();
});

async function sign(home: string, ref: string, seed: string, ...extra: string[]): Promise<string> {
  const { digest, size } = fakeDigest(seed);
  return world.csOk(home, ['sign', ref, '--digest', digest, '--size', String(size), ...extra]);
}

describe('countersign init', () => {
  it('creates the repository with new keys in the keychain; notary and docker see an empty signed repository', async () => {
    const home = world.newHome();
    const gun = world.newGun('init');
    const out = publishedJson(await world.csOk(home, ['init', gun, '--json']));
    assert.deepEqual(out.versions, { root: 1, targets: 1, snapshot: 1 });
    assert.deepEqual(out.serverSigned, ['timestamp']);
    assert.deepEqual(await assertClientsAgree(world, home, out.view), []);

    const keys = JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[];
    const roles = keys.filter((key) => key.gun === gun || key.certificates?.some((c) => c.gun === gun)).map((key) => key.role).sort();
    assert.deepEqual(roles, ['root', 'snapshot', 'targets']);
    const inKeychain = await keychainAccounts();
    for (const key of keys) assert.ok(inKeychain.includes(key.id), `${key.role} key ${key.id} is in the keychain`);
    // root.json names our root key's certificate for this GUN, as docker shows it.
    const root = keys.find((key) => key.role === 'root' && key.certificates?.some((c) => c.gun === gun))!;
    assert.deepEqual(out.view!.administrativeKeys.root, [root.certificates!.find((c) => c.gun === gun)!.keyId]);
  });

  it('with --server-managed-snapshot keeps no snapshot key, and the server signs every snapshot', async () => {
    const home = world.newHome();
    const gun = world.newGun('server-snapshot');
    const out = publishedJson(await world.csOk(home, ['init', gun, '--server-managed-snapshot', '--json']));
    assert.deepEqual(out.versions, { root: 1, targets: 1 });
    assert.deepEqual(out.serverSigned, ['snapshot', 'timestamp']);
    const signed = publishedJson(await sign(home, `${gun}:v1`, 'sm-v1', '--json'));
    assert.deepEqual(signed.versions, { targets: 2 });
    assert.deepEqual(await assertClientsAgree(world, home, signed.view), [{ name: 'v1', ...pick(fakeDigest('sm-v1')) }]);
  });

  it('refuses a repository that exists, making no keys', async () => {
    const home = world.newHome();
    const gun = world.newGun('twice');
    await world.csOk(home, ['init', gun]);
    const before = (JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length;
    const again = await world.cs(home, ['init', gun]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /invalid-input: .* already exists/);
    assert.equal((JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length, before);
  });
});

describe('countersign sign, revoke, publish, status and reset', () => {
  it('signs, stages, publishes and revokes, and the real clients agree after every step', async () => {
    const home = world.newHome();
    const gun = world.newGun('everyday');
    await world.csOk(home, ['init', gun]);

    const v1 = publishedJson(await sign(home, `${gun}:v1`, 'v1', '--json'));
    assert.deepEqual(v1.versions, { targets: 2, snapshot: 2 });
    assert.deepEqual(await assertClientsAgree(world, home, v1.view), [{ name: 'v1', ...pick(fakeDigest('v1')) }]);

    // Staged: nothing reaches the server until publish, and status lists it.
    assert.match(await sign(home, `${gun}:v2`, 'v2', '--stage'), /^Staged: sign v2 in targets/);
    assert.match(await sign(home, `${gun}:v3`, 'v3', '--stage'), /^Staged: sign v3 in targets/);
    assert.deepEqual((await world.notary().list(gun)).map((row) => row.name), ['v1']);
    const status = JSON.parse(await world.csOk(home, ['status', gun, '--json'])) as { staged: { kind: string; name: string }[] };
    assert.deepEqual(status.staged.map((c) => `${c.kind} ${c.name}`), ['target-add v2', 'target-add v3']);

    const published = publishedJson(await world.csOk(home, ['publish', gun, '--json']));
    assert.deepEqual(published.versions, { targets: 3, snapshot: 3 }, 'both staged tags go out in one publish');
    assert.deepEqual((await assertClientsAgree(world, home, published.view)).map((row) => row.name), ['v1', 'v2', 'v3']);
    assert.match(await world.csOk(home, ['status', gun]), /No staged changes/);

    // A new digest for a signed tag replaces the old one.
    const resigned = publishedJson(await sign(home, `${gun}:v1`, 'v1-rebuilt', '--json'));
    assert.deepEqual((await assertClientsAgree(world, home, resigned.view)).find((row) => row.name === 'v1'), { name: 'v1', ...pick(fakeDigest('v1-rebuilt')) });

    const revoked = publishedJson(await world.csOk(home, ['revoke', `${gun}:v2`, '--json']));
    assert.deepEqual((await assertClientsAgree(world, home, revoked.view)).map((row) => row.name), ['v1', 'v3']);

    const refused = await world.cs(home, ['revoke', gun]);
    assert.equal(refused.code, 1, 'revoking every tag needs --yes without a terminal');
    assert.match(refused.stderr, /confirmation-required/);
    const all = publishedJson(await world.csOk(home, ['revoke', gun, '--yes', '--json']));
    assert.deepEqual(await assertClientsAgree(world, home, all.view), []);
  });

  it('reset drops staged changes, one or all, and nothing reaches the server', async () => {
    const home = world.newHome();
    const gun = world.newGun('reset');
    await world.csOk(home, ['init', gun]);
    await sign(home, `${gun}:keep`, 'keep', '--stage');
    await sign(home, `${gun}:drop`, 'drop', '--stage');
    const { staged } = JSON.parse(await world.csOk(home, ['status', gun, '--json'])) as { staged: { id: string; name: string }[] };
    await world.csOk(home, ['reset', gun, '--id', staged.find((c) => c.name === 'drop')!.id]);
    const published = publishedJson(await world.csOk(home, ['publish', gun, '--json']));
    assert.deepEqual((await assertClientsAgree(world, home, published.view)).map((row) => row.name), ['keep']);

    await sign(home, `${gun}:never`, 'never', '--stage');
    assert.match(await world.csOk(home, ['reset', gun]), /Dropped 1 staged change/);
    assert.match(await world.csOk(home, ['publish', gun]), /Nothing is staged/);
    assert.deepEqual((await world.notary().list(gun)).map((row) => row.name), ['keep']);
  });

  it('stages init and signatures together, and publishes them as the repository’s first version', async () => {
    const home = world.newHome();
    const gun = world.newGun('staged-init');
    await world.csOk(home, ['init', gun, '--stage']);
    await sign(home, `${gun}:v1`, 'first', '--stage');
    const published = publishedJson(await world.csOk(home, ['publish', gun, '--json']));
    assert.deepEqual(published.versions, { root: 1, targets: 1, snapshot: 1 });
    assert.deepEqual(await assertClientsAgree(world, home, published.view), [{ name: 'v1', ...pick(fakeDigest('first')) }]);
  });

  it('refuses a tag that was never signed, and a digest that is not sha256:HEX, staging nothing', async () => {
    const home = world.newHome();
    const gun = world.newGun('refusals');
    await world.csOk(home, ['init', gun]);
    const missing = await world.cs(home, ['revoke', `${gun}:nope`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not-found: "nope" is not signed/);
    const badDigest = await world.cs(home, ['sign', `${gun}:v1`, '--digest', 'md5:abc', '--size', '1']);
    assert.match(badDigest.stderr, /invalid-input: sign needs --digest sha256:/);
    assert.match(await world.csOk(home, ['status', gun]), /No staged changes/);
  });
});

function pick(facts: { hex: string; size: number }): { digest: string; size: number } {
  return { digest: facts.hex, size: facts.size };
}
