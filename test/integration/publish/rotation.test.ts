// countersign rotate on a real notary-server with the real keychain: root (signed by the old and the
// new root key, so the real notary client and Countersign's own cache that trusted the old root follow
// it), targets and snapshot keys made in the vault, the snapshot key moved to the server, the timestamp
// key rotated on the server. After every rotation `notary list` (fresh trust dir) and `docker trust
// inspect` see what Countersign reports; old keys leave the vault only after the server accepted (old
// root keys stay); a missing key is a clear error and nothing is made, staged or published.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import type { RetiredKeys } from '../../../electron/core/publish/rotate';
import { startMitm, type NotaryCli } from '../../stack';
import { assertClientsAgree, fakeDigest, publishedJson, startWorld, verifiedView, type PublishedJson, type World } from './support/world';

let world: World;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.dispose();
});

type RotationJson = PublishedJson & { rotation: { id: string; role: string; finished: boolean; newKeyIds: string[]; oldKeyIds: string[] }; retired: RetiredKeys };

const names = (rows: { name: string }[]) => rows.map((row) => row.name);

async function keys(home: string): Promise<KeyRecord[]> {
  return JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[];
}

async function sign(home: string, ref: string) {
  const { digest, size } = fakeDigest(ref);
  return publishedJson(await world.csOk(home, ['sign', ref, '--digest', digest, '--size', String(size), '--json']));
}

/**
 * A repository with v1 signed, and readers that trusted it as it is now: a notary client (its trust dir
 * caches this root) and another Countersign home (its verified cache).
 */
async function watchedRepository(label: string, ...initOptions: string[]): Promise<{ home: string; gun: string; notary: NotaryCli; reader: string }> {
  const home = world.newHome();
  const gun = world.newGun(label);
  await world.csOk(home, ['init', gun, ...initOptions]);
  await sign(home, `${gun}:v1`);
  const notary = world.notary();
  assert.deepEqual(names(await notary.list(gun)), ['v1']);
  const reader = world.newHome('reader');
  await world.csOk(reader, ['inspect', gun]);
  return { home, gun, notary, reader };
}

/** The readers that trusted the old metadata follow the rotation, and see v1 and `more`. */
async function assertReadersFollow(repo: { gun: string; notary: NotaryCli; reader: string }, rootKeyIds: string[], ...more: string[]): Promise<void> {
  assert.deepEqual(names(await repo.notary.list(repo.gun)), ['v1', ...more], 'the notary client that trusted the old metadata follows');
  const view = await verifiedView(world, repo.reader, repo.gun);
  assert.deepEqual(view.administrativeKeys.root, rootKeyIds, 'Countersign’s cache that trusted the old metadata follows');
  assert.deepEqual(view.signedTags.map((row) => row.tag), ['v1', ...more]);
}

describe('countersign rotate root', () => {
  it('makes a new root key and certificate, signs the new root with the old and the new key, and every reader follows', async () => {
    const repo = await watchedRepository('root');
    const oldRoot = (await keys(repo.home)).find((k) => k.role === 'root')!;
    const rotated = JSON.parse(await world.csOk(repo.home, ['rotate', repo.gun, 'root', '--json'])) as RotationJson;
    assert.deepEqual(rotated.versions, { root: 2, snapshot: 3 });
    assert.deepEqual(rotated.rotation.oldKeyIds, [oldRoot.id]);
    const newRoot = (await keys(repo.home)).find((k) => k.role === 'root' && k.id !== oldRoot.id)!;
    assert.deepEqual(rotated.rotation.newKeyIds, [newRoot.id]);
    const newCertificateId = newRoot.certificates!.find((c) => c.gun === repo.gun)!.keyId;
    assert.deepEqual(rotated.view!.administrativeKeys.root, [newCertificateId]);
    assert.deepEqual(rotated.retired.removed, [], 'the old root key is kept');
    assert.deepEqual(rotated.retired.kept.map((k) => k.id), [oldRoot.id]);

    const served = JSON.parse((await world.server.fetchTrustFile(repo.gun, '2.root')).body.toString()) as { signatures: { keyid: string }[] };
    const oldCertificateId = oldRoot.certificates!.find((c) => c.gun === repo.gun)!.keyId;
    assert.deepEqual(served.signatures.map((s) => s.keyid).sort(), [oldCertificateId, newCertificateId].sort());

    await assertClientsAgree(world, repo.home, rotated.view);
    await assertReadersFollow(repo, [newCertificateId]);

    // The reader that pinned the old root is shown the change: old and new root, and who signed the new one.
    const anchor = (await verifiedView(world, repo.reader, repo.gun)).trustAnchor;
    assert.equal(anchor?.firstUse, false);
    assert.deepEqual(anchor?.change?.from.keys.map((k) => k.id), [oldCertificateId]);
    assert.deepEqual(anchor?.root.keys.map((k) => [k.id, k.canonicalId]), [[newCertificateId, newRoot.id]]);
    const byKey = (a: { keyId: string }, b: { keyId: string }) => a.keyId.localeCompare(b.keyId);
    assert.deepEqual(
      anchor?.change?.signedBy.sort(byKey),
      [
        { keyId: oldCertificateId, of: 'old root' },
        { keyId: newCertificateId, of: 'new root' },
      ].sort(byKey),
    );
    // A reader meeting the repository for the first time pins it, and is told so with the fingerprint.
    const first = (await verifiedView(world, world.newHome('first'), repo.gun)).trustAnchor;
    assert.deepEqual([first?.firstUse, first?.pinnedBy, first?.acknowledged, first?.change], [true, 'first-use', false, undefined]);
    assert.match(first?.root.keys[0]?.fingerprint ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(first?.root.keys[0]?.subject, `CN=${repo.gun}`);
    const v2 = await sign(repo.home, `${repo.gun}:v2`);
    assert.deepEqual(names(await assertClientsAgree(world, repo.home, v2.view)), ['v1', 'v2']);
    await assertReadersFollow(repo, [newCertificateId], 'v2');
  });

  it('refuses without the old root key in the keychain: a clear error, no new key, nothing staged or published', async () => {
    const repo = await watchedRepository('root-offline');
    const before = await keys(repo.home);
    const root = before.find((k) => k.role === 'root')!;
    await world.csOk(repo.home, ['key', 'offline', root.id, '--out', join(world.work, `root-${root.id.slice(0, 8)}.key`)]);

    const refused = await world.cs(repo.home, ['rotate', repo.gun, 'root']);
    assert.equal(refused.code, 1);
    // The app's preflight, from the command line too: the root key is offline, and where its file is.
    assert.match(refused.stderr, /key-not-found \[root\]: cannot rotate the root key of \S+: The root key is offline: bring it in from its encrypted file first\./);
    assert.deepEqual((await keys(repo.home)).map((k) => k.id).sort(), before.map((k) => k.id).sort(), 'no key was made');
    assert.match(await world.csOk(repo.home, ['status', repo.gun]), /No staged changes/);
    assert.equal((await verifiedView(world, repo.reader, repo.gun)).roles.find((r) => r.name === 'root')!.version, 1);
  });
});

describe('countersign rotate targets and snapshot', () => {
  it('rotates the targets key: the new key signs targets, the old one leaves the vault, readers follow', async () => {
    const repo = await watchedRepository('targets');
    const oldTargets = (await keys(repo.home)).find((k) => k.role === 'targets')!;
    const rotated = JSON.parse(await world.csOk(repo.home, ['rotate', repo.gun, 'targets', '--json'])) as RotationJson;
    assert.deepEqual(rotated.versions, { root: 2, targets: 3, snapshot: 3 });
    assert.deepEqual(rotated.retired.removed, [oldTargets.id]);
    const now = (await keys(repo.home)).filter((k) => k.role === 'targets').map((k) => k.id);
    assert.deepEqual(now, rotated.rotation.newKeyIds);
    assert.deepEqual(rotated.view!.administrativeKeys.repository, rotated.rotation.newKeyIds);
    await assertClientsAgree(world, repo.home, rotated.view);
    const root = rotated.view!.administrativeKeys.root;
    await assertReadersFollow(repo, root);
    await sign(repo.home, `${repo.gun}:v2`);
    await assertReadersFollow(repo, root, 'v2');
  });

  it('moves the snapshot key to the server: later publishes leave the snapshot to the server, and the local key goes', async () => {
    const repo = await watchedRepository('snapshot');
    const oldSnapshot = (await keys(repo.home)).find((k) => k.role === 'snapshot')!;
    const rotated = JSON.parse(await world.csOk(repo.home, ['rotate', repo.gun, 'snapshot', '--server-managed', '--json'])) as RotationJson;
    assert.deepEqual(rotated.versions, { root: 2 });
    assert.deepEqual(rotated.serverSigned, ['snapshot', 'timestamp']);
    assert.deepEqual(rotated.retired.removed, [oldSnapshot.id]);
    assert.ok(!(await keys(repo.home)).some((k) => k.role === 'snapshot'));
    await assertClientsAgree(world, repo.home, rotated.view);

    const v2 = await sign(repo.home, `${repo.gun}:v2`);
    assert.deepEqual(v2.versions, { targets: 3 });
    assert.deepEqual(v2.serverSigned, ['snapshot', 'timestamp']);
    await assertClientsAgree(world, repo.home, v2.view);
    await assertReadersFollow(repo, v2.view!.administrativeKeys.root, 'v2');

    // And back: a new local snapshot key, which signs the snapshots from now on.
    const local = JSON.parse(await world.csOk(repo.home, ['rotate', repo.gun, 'snapshot', '--json'])) as RotationJson;
    assert.deepEqual(local.versions, { root: 3, snapshot: local.versions['snapshot'] });
    assert.deepEqual((await keys(repo.home)).filter((k) => k.role === 'snapshot').map((k) => k.id), local.rotation.newKeyIds);
    await assertClientsAgree(world, repo.home, local.view);
  });

  it('stages a rotation with --stage: nothing changes until publish, and the old key stays in the vault', async () => {
    const repo = await watchedRepository('staged');
    const oldTargets = (await keys(repo.home)).find((k) => k.role === 'targets')!;
    assert.match(await world.csOk(repo.home, ['rotate', repo.gun, 'targets', '--stage']), /Staged: rotate the targets key to [0-9a-f]{12}[\s\S]*stays in the vault/);
    assert.equal((await verifiedView(world, repo.reader, repo.gun)).roles.find((r) => r.name === 'root')!.version, 1);
    const published = publishedJson(await world.csOk(repo.home, ['publish', repo.gun, '--json']));
    assert.deepEqual(published.versions, { root: 2, targets: 3, snapshot: 3 });
    assert.ok((await keys(repo.home)).some((k) => k.id === oldTargets.id));
    await assertClientsAgree(world, repo.home, published.view);
  });

  it('will not start a rotation while one of the same key is staged from before (it would publish that one instead)', async () => {
    const repo = await watchedRepository('staged-before');
    await world.csOk(repo.home, ['rotate', repo.gun, 'snapshot', '--stage']);
    const refused = await world.cs(repo.home, ['rotate', repo.gun, 'snapshot', '--server-managed']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /A rotation of this key was staged for \S+ earlier .*rotate the snapshot key/);
    const { staged } = JSON.parse(await world.csOk(repo.home, ['status', repo.gun, '--json'])) as { staged: { kind: string }[] };
    assert.deepEqual(staged.map((change) => change.kind), ['key-rotation'], 'the earlier rotation is left as it was');
    assert.equal((await verifiedView(world, repo.reader, repo.gun)).roles.find((r) => r.name === 'root')!.version, 1, 'nothing was published');
  });
});

describe('a rotation the server does not accept', () => {
  it('keeps the old key and the new one and leaves the rotation staged; publishing again completes it', async () => {
    const repo = await watchedRepository('refused');
    const mitm = await startMitm({ upstream: world.server.url, ca: world.server.ca });
    try {
      const oldTargets = (await keys(repo.home)).find((k) => k.role === 'targets')!;
      const down = mitm.respondWith(`/v2/${repo.gun}/_trust/tuf/`, { status: 503, body: 'maintenance' });
      const failed = await world.cs(repo.home, ['rotate', repo.gun, 'targets'], { server: mitm.url });
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /Not published: [\s\S]*Stays staged[\s\S]*rotate the targets key/);
      const rotationId = /the new key and the old one are kept: go on with countersign rotate --resume (\S+)/.exec(failed.stderr)?.[1];
      assert.ok(rotationId, failed.stderr);
      const targetsKeys = (await keys(repo.home)).filter((k) => k.role === 'targets').map((k) => k.id);
      assert.equal(targetsKeys.length, 2, 'the new key and the old one');
      assert.ok(targetsKeys.includes(oldTargets.id));
      assert.equal((await verifiedView(world, repo.reader, repo.gun)).roles.find((r) => r.name === 'root')!.version, 1, 'nothing was published');

      down();
      // Resumed from its record, as the app resumes it: published, followed by a fresh client, old key retired.
      const published = JSON.parse(await world.csOk(repo.home, ['rotate', '--resume', rotationId, '--json'], { server: mitm.url })) as RotationJson;
      assert.equal(published.rotation.finished, true);
      // (The old key is kept here: this home's cache of the same repository under the direct URL still lists it.)
      assert.deepEqual(published.versions, { root: 2, targets: 3, snapshot: 3 });
      assert.deepEqual(published.view!.administrativeKeys.repository, targetsKeys.filter((id) => id !== oldTargets.id));
      await assertClientsAgree(world, repo.home, published.view);
      await assertReadersFollow(repo, published.view!.administrativeKeys.root);
    } finally {
      await mitm.stop();
    }
  });
});

describe('countersign rotate timestamp', () => {
  it('asks the server for a new timestamp key and publishes a root naming it; the server signs with it and readers follow', async () => {
    const repo = await watchedRepository('timestamp');
    const before = (await verifiedView(world, repo.reader, repo.gun)).roles.find((r) => r.name === 'timestamp')!.keyIds;
    const rotated = JSON.parse(await world.csOk(repo.home, ['rotate', repo.gun, 'timestamp', '--json'])) as RotationJson;
    assert.deepEqual(rotated.versions, { root: 2, snapshot: 3 });
    const after = rotated.view!.roles.find((r) => r.name === 'timestamp')!.keyIds;
    assert.notDeepEqual(after, before);
    assert.deepEqual(rotated.retired, { removed: [], kept: [] }, 'the server’s keys are not ours to remove');
    await assertClientsAgree(world, repo.home, rotated.view);
    await assertReadersFollow(repo, rotated.view!.administrativeKeys.root);
  });

  it('refuses to hold the root or targets key on the server', async () => {
    const home = world.newHome();
    const gun = world.newGun('refuse-server');
    await world.csOk(home, ['init', gun]);
    for (const role of ['root', 'targets']) {
      const result = await world.cs(home, ['rotate', gun, role, '--server-managed']);
      assert.match(result.stderr, new RegExp(`invalid-input: the server can only hold timestamp and snapshot keys, not the ${role} key`));
    }
  });
});
