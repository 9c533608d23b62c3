// countersign delegation add|remove|list and witness on a real notary-server with the real keychain:
// after every command the real `notary delegation list` shows the delegations Countersign lists, and
// `notary list` (fresh trust dir) and `docker trust inspect` see what Countersign reports. A delegation
// restricted to paths signs inside them, and notary and docker see it. Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DelegationListing } from '../../../electron/core/publish/delegations';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { assertClientsAgree, fakeDigest, publishedJson, startWorld, verifiedView, type World } from './support/world';

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.dispose();
});

/** `countersign key generate NAME` in `home`: the public key file and the key's canonical ID. */
async function generateKey(home: string, name: string): Promise<{ file: string; id: string }> {
  const dir = join(world.work, `${name}-${Math.random().toString(16).slice(2, 8)}`);
  await mkdir(dir);
  const out = JSON.parse(await world.csOk(home, ['key', 'generate', name, '--dir', dir, '--json'])) as { key: KeyRecord; publicKeyFile: string };
  return { file: out.publicKeyFile, id: out.key.id };
}

/** A repository made by `countersign init` in a new home. */
async function newRepository(label: string): Promise<{ home: string; gun: string }> {
  const home = world.newHome();
  const gun = world.newGun(label);
  await world.csOk(home, ['init', gun]);
  return { home, gun };
}

/** A new repository delegating targets/releases (every path) to a key made in its home. */
async function withReleases(label: string): Promise<{ home: string; gun: string }> {
  const repo = await newRepository(label);
  const rel = await generateKey(repo.home, 'rel');
  await world.csOk(repo.home, ['delegation', 'add', repo.gun, 'targets/releases', '--key', rel.file, '--all-paths']);
  return repo;
}

/** `countersign delegation list --json` equals the real `notary delegation list` (fresh trust dir). */
async function assertDelegationsAgree(home: string, gun: string): Promise<DelegationListing[]> {
  const { delegations } = JSON.parse(await world.csOk(home, ['delegation', 'list', gun, '--json'])) as { delegations: DelegationListing[] };
  const ours = delegations.map(({ role, paths, keyIds, threshold }) => ({ role, paths: [...paths].sort(), keyIds: [...keyIds].sort(), threshold }));
  const notary = (await world.notary().delegationList(gun)).map(({ role, paths, keyIds, threshold }) => ({ role, paths: [...paths].sort(), keyIds: [...keyIds].sort(), threshold }));
  const byRole = (a: { role: string }, b: { role: string }) => a.role.localeCompare(b.role);
  assert.deepEqual(ours.sort(byRole), notary.sort(byRole), 'notary delegation list shows what countersign delegation list shows');
  return delegations;
}

async function sign(home: string, ref: string, ...extra: string[]) {
  const { digest, size } = fakeDigest(ref);
  return publishedJson(await world.csOk(home, ['sign', ref, '--digest', digest, '--size', String(size), '--json', ...extra]));
}

describe('countersign delegation add and list', () => {
  it('delegates a role restricted to paths; it signs inside them, is refused outside, and notary and docker see it', async () => {
    const { home, gun } = await newRepository('paths');
    const team = await generateKey(home, 'team');
    const added = publishedJson(await world.csOk(home, ['delegation', 'add', gun, 'targets/team', '--key', team.file, '--paths', 'team-', '--paths', 'shared-', '--json']));
    assert.deepEqual(added.versions, { targets: 2, snapshot: 2 });
    assert.deepEqual(added.view!.signers, [{ name: 'team', keyIds: [team.id] }]);
    await assertClientsAgree(world, home, added.view);
    assert.deepEqual(await assertDelegationsAgree(home, gun), [
      { role: 'targets/team', paths: ['team-', 'shared-'], keyIds: [team.id], threshold: 1, status: 'verified' },
    ]);

    const inside = await sign(home, `${gun}:team-app`, '--role', 'targets/team');
    assert.deepEqual(Object.keys(inside.versions).sort(), ['snapshot', 'targets/team']);
    // Only targets and targets/releases count for docker; notary lists what the delegation signs.
    const signedByTeam = { name: 'team-app', ...pick(fakeDigest(`${gun}:team-app`)) };
    assert.deepEqual(await assertClientsAgree(world, home, inside.view, [signedByTeam]), [signedByTeam]);
    const outside = await world.cs(home, ['sign', `${gun}:other`, '--digest', fakeDigest('x').digest, '--size', '1', '--role', 'targets/team']);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /delegation-path \[targets\/team\]: targets\/team may not sign "other"/);
  });

  it('nests a delegation inside its parent’s paths (and refuses one outside them), with a threshold of two keys', async () => {
    const { home, gun } = await newRepository('nested');
    const team = await generateKey(home, 'team');
    const [a, b] = [await generateKey(home, 'sub-a'), await generateKey(home, 'sub-b')];
    await world.csOk(home, ['delegation', 'add', gun, 'targets/team', '--key', team.file, '--paths', 'team-']);
    const refused = await world.cs(home, ['delegation', 'add', gun, 'targets/team/sub', '--key', a.file, '--paths', 'elsewhere-']);
    assert.match(refused.stderr, /delegation-path \[targets\/team\/sub\]: .*outside the paths delegated to targets\/team/);
    const tooMany = await world.cs(home, ['delegation', 'add', gun, 'targets/team/sub', '--key', a.file, '--paths', 'team-sub-', '--threshold', '2']);
    assert.match(tooMany.stderr, /invalid-input: targets\/team\/sub would need 2 signatures but has 1 key/);

    const nested = publishedJson(await world.csOk(home, ['delegation', 'add', gun, 'targets/team/sub', '--key', a.file, '--key', b.file, '--paths', 'team-sub-', '--threshold', '2', '--json']));
    assert.deepEqual(Object.keys(nested.versions).sort(), ['snapshot', 'targets/team'], 'the parent delegation lists it');
    await assertDelegationsAgree(home, gun);
    const signed = await sign(home, `${gun}:team-sub-app`, '--role', 'targets/team/sub');
    assert.equal(signed.versions['targets/team/sub'], 1);
    const row = { name: 'team-sub-app', ...pick(fakeDigest(`${gun}:team-sub-app`)) };
    await assertClientsAgree(world, home, signed.view, [row]);
  });

  it('refuses a new delegation without paths, an ed25519 key, and a name notary would refuse, staging nothing', async () => {
    const { home, gun } = await newRepository('add-refusals');
    const key = await generateKey(home, 'k');
    const ed = JSON.parse(await world.csOk(home, ['key', 'generate', 'edk', '--algorithm', 'ed25519', '--dir', world.work, '--json'])) as { publicKeyFile: string };
    const refusals: [string[], RegExp][] = [
      [['delegation', 'add', gun, 'targets/nopaths', '--key', key.file], /invalid-input: a new delegation needs --paths or --all-paths/],
      [['delegation', 'add', gun, 'targets/ed', '--key', ed.publicKeyFile, '--all-paths'], /key-unsupported: .*ed25519/],
      [['delegation', 'add', gun, 'targets/Bad.Name', '--key', key.file, '--all-paths'], /invalid-input: "targets\/Bad.Name" is not a delegation name/],
      [['delegation', 'add', gun, 'releases', '--key', key.file, '--all-paths'], /invalid-input: "releases" is not a delegation name/],
    ];
    for (const [argv, expected] of refusals) {
      const result = await world.cs(home, argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.stderr, expected);
    }
    assert.match(await world.csOk(home, ['status', gun]), /No staged changes/);
    assert.deepEqual(await assertDelegationsAgree(home, gun), []);
  });
});

describe('countersign delegation remove', () => {
  it('removes a key (the role re-signed by a key that stays), paths, then the whole role after confirmation', async () => {
    const { home, gun } = await newRepository('remove');
    const [a, b] = [await generateKey(home, 'rel-a'), await generateKey(home, 'rel-b')];
    await world.csOk(home, ['delegation', 'add', gun, 'targets/releases', '--key', a.file, '--key', b.file, '--all-paths']);
    await world.csOk(home, ['delegation', 'add', gun, 'targets/releases', '--paths', 'extra-']);
    await sign(home, `${gun}:v1`);

    // The vault holds both keys: releases, signed by the first, is re-signed by the other in the same publish.
    const withoutA = publishedJson(await world.csOk(home, ['delegation', 'remove', gun, 'targets/releases', '--key', a.id.slice(0, 10), '--json']));
    assert.ok('targets/releases' in withoutA.versions, 'releases is re-signed');
    assert.deepEqual(withoutA.view!.warnings, []);
    assert.deepEqual((await assertClientsAgree(world, home, withoutA.view)).map((r) => r.name), ['v1']);
    assert.deepEqual((await assertDelegationsAgree(home, gun))[0]!.keyIds, [b.id]);

    await world.csOk(home, ['delegation', 'remove', gun, 'targets/releases', '--paths', 'extra-']);
    assert.deepEqual((await assertDelegationsAgree(home, gun))[0]!.paths, ['']);

    const unconfirmed = await world.cs(home, ['delegation', 'remove', gun, 'targets/releases']);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /confirmation-required \[targets\/releases\]: not changing targets\/releases: Remove targets\/releases .* --yes/);
    const removed = publishedJson(await world.csOk(home, ['delegation', 'remove', gun, 'targets/releases', '--yes', '--json']));
    assert.deepEqual(await assertClientsAgree(world, home, removed.view), []);
    assert.deepEqual(await assertDelegationsAgree(home, gun), []);
  });

  it('refuses a key the role does not have, naming the keys it has', async () => {
    const { home, gun } = await newRepository('remove-unknown');
    const a = await generateKey(home, 'only');
    await world.csOk(home, ['delegation', 'add', gun, 'targets/releases', '--key', a.file, '--all-paths']);
    const result = await world.cs(home, ['delegation', 'remove', gun, 'targets/releases', '--key', 'ffff']);
    assert.match(result.stderr, new RegExp(`key-not-found \\[targets/releases\\]: targets/releases has no key ffff \\(its keys: ${a.id.slice(0, 12)}\\)`));
  });
});

describe('countersign witness', () => {
  it('re-signs a delegation and targets as they are, renewing their expiry; docker and notary see the same tags', async () => {
    const { home, gun } = await withReleases('witness');
    await sign(home, `${gun}:v1`);
    const before = rolesOf(await verifiedView(world, home, gun));

    const witnessed = publishedJson(await world.csOk(home, ['witness', gun, 'targets/releases', 'targets', '--json']));
    assert.deepEqual(witnessed.versions, { targets: before['targets']!.version + 1, 'targets/releases': before['targets/releases']!.version + 1, snapshot: before['snapshot']!.version + 1 });
    const afterRoles = rolesOf(witnessed.view!);
    for (const role of ['targets', 'targets/releases']) assert.ok(afterRoles[role]!.expires > before[role]!.expires, `${role} expires later`);
    assert.deepEqual((await assertClientsAgree(world, home, witnessed.view)).map((r) => r.name), ['v1']);
  });

  it('refuses the snapshot and timestamp (renewed by every publish, and by the server) and a role never signed', async () => {
    const { home, gun } = await withReleases('witness-refusals');
    for (const [role, expected] of [
      ['snapshot', /invalid-input: the snapshot is signed again with every publish/],
      ['timestamp', /invalid-input: the notary server signs the timestamp/],
      ['targets/releases', /not-found \[targets\/releases\]: targets\/releases has never been signed/],
      ['targets/ghost', /role-missing \[targets\/ghost\]/],
    ] as const) {
      const result = await world.cs(home, ['witness', gun, role]);
      assert.equal(result.code, 1, role);
      assert.match(result.stderr, expected);
    }
  });
});

function rolesOf(view: { roles: { name: string; version?: number; expires?: string }[] }): Record<string, { version: number; expires: string }> {
  return Object.fromEntries(view.roles.map((role) => [role.name, { version: role.version ?? 0, expires: role.expires ?? '' }]));
}

function pick(facts: { hex: string; size: number }): { digest: string; size: number } {
  return { digest: facts.hex, size: facts.size };
}
