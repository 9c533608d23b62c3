// From staged changes to the files one publish uploads: what changes, what is signed by whom, what the
// snapshot lists — judged by the same verifier that reads repositories, after a simulated server
// accepted the upload.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { applyChanges } from '../../../electron/core/publish/apply-changes';
import { buildUpdate } from '../../../electron/core/publish/build-update';
import { RepositoryDraft } from '../../../electron/core/publish/draft';
import type { Change } from '../../../electron/core/publish/changes';
import { canonicalKeyIdOf } from '../../../electron/core/crypto/key-id';
import { decodeFile, newKey, newRootKey, RepoSimulator, type SnapshotJson, type TargetsJson } from '../../helpers/repo-simulator';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import { acceptUpload, draftOf, heldKeys, simKeysOf } from './support/sim-publish';

const NOW = new Date('2026-03-01T12:00:00.250Z');

function add(role: string, name: string, seed = name, length = 1234): Change {
  return { kind: 'target-add', role, name, meta: { length, hashes: { sha256: createHash('sha256').update(seed).digest('base64') } } };
}

async function signedTagsAfter(sim: RepoSimulator): Promise<Record<string, string[]>> {
  const result = await refreshSim(sim);
  assert.deepEqual(result.failedDelegations, []);
  const out: Record<string, string[]> = { targets: Object.keys(result.trusted.targets!.signed.targets).sort() };
  for (const [role, envelope] of result.trusted.delegations) out[role] = Object.keys(envelope.signed.targets).sort();
  return out;
}

describe('signing a tag into targets', () => {
  it('re-signs targets (version + 1, three years) and a snapshot listing the exact bytes, which the verifier accepts', async () => {
    const sim = new RepoSimulator().addTarget('targets', 'v0').publish();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [add('targets', 'v1')]);
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW);

    assert.deepEqual([...update.files.keys()], ['targets', 'snapshot']);
    assert.deepEqual(update.versions, { targets: sim.version('targets') + 1, snapshot: sim.version('snapshot') + 1 });
    assert.deepEqual(update.serverSigned, ['timestamp']);
    const targets = decodeFile<TargetsJson>(update.files.get('targets')!).signed;
    assert.equal(targets.expires, '2029-02-28T12:00:00.25Z');
    const snapshot = decodeFile<SnapshotJson>(update.files.get('snapshot')!).signed;
    const bytes = update.files.get('targets')!;
    assert.deepEqual(snapshot.meta['targets'], {
      hashes: { sha256: createHash('sha256').update(bytes).digest('base64'), sha512: createHash('sha512').update(bytes).digest('base64') },
      length: bytes.length,
    });
    assert.deepEqual(snapshot.meta['root'], decodeFile<SnapshotJson>(sim.file('snapshot')).signed.meta['root']);

    acceptUpload(sim, update);
    assert.deepEqual(await signedTagsAfter(sim), { targets: ['v0', 'v1'] });
  });

  it('changes nothing when the tag is already signed with the same digest and size (a retried publish)', async () => {
    const sim = new RepoSimulator();
    const { draft: first } = await draftOf(sim);
    applyChanges(first, [add('targets', 'v1')]);
    acceptUpload(sim, await buildUpdate(first, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW));

    const { draft: again } = await draftOf(sim);
    applyChanges(again, [add('targets', 'v1'), { kind: 'target-remove', role: 'targets', name: 'never-signed' }]);
    const update = await buildUpdate(again, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW);
    assert.equal(update.files.size, 0);
  });

  it('re-signs a tag whose digest changed, and revokes one', async () => {
    const sim = new RepoSimulator().addTarget('targets', 'v1').addTarget('targets', 'v2').publish();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [add('targets', 'v1', 'new content'), { kind: 'target-remove', role: 'targets', name: 'v2' }]);
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW);
    const targets = decodeFile<TargetsJson>(update.files.get('targets')!).signed;
    assert.deepEqual(Object.keys(targets.targets), ['v1']);
    assert.equal(targets.targets['v1']!.hashes['sha256'], createHash('sha256').update('new content').digest('base64'));
  });

  it('leaves the snapshot to the server when the vault holds no snapshot key', async () => {
    const sim = new RepoSimulator();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [add('targets', 'v1')]);
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'targets')), NOW);
    assert.deepEqual([...update.files.keys()], ['targets']);
    assert.deepEqual(update.serverSigned, ['snapshot', 'timestamp']);
    acceptUpload(sim, update);
    assert.deepEqual(await signedTagsAfter(sim), { targets: ['v1'] });
  });
});

describe('keys', () => {
  it('refuses with key-not-found, naming the role, when the vault holds no targets key (nothing is signed)', async () => {
    const sim = new RepoSimulator();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [add('targets', 'v1')]);
    const keys = heldKeys([newKey(), ...simKeysOf(sim, 'snapshot')]);
    await assert.rejects(buildUpdate(draft, keys, NOW), refusal('key-not-found', 'targets'));
    assert.equal(keys.signed.size, 0);
  });

  it('signs a threshold-2 delegation with two keys, and refuses when only one is held', async () => {
    const sim = new RepoSimulator();
    const [a, b] = sim.addDelegation('targets/releases', { keys: [newKey(), newKey()], threshold: 2 });
    sim.publish();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [add('targets/releases', 'v1')]);
    await assert.rejects(buildUpdate(draft, heldKeys([a!, ...simKeysOf(sim, 'snapshot')]), NOW), refusal('key-not-found', 'targets/releases'));

    const update = await buildUpdate(draft, heldKeys([a!, b!, ...simKeysOf(sim, 'snapshot')]), NOW);
    assert.equal(decodeFile(update.files.get('targets/releases')!).signatures.length, 2);
    acceptUpload(sim, update);
    assert.deepEqual((await signedTagsAfter(sim))['targets/releases'], ['v1']);
  });

  it('signs a root change with the new root key and the old one, so clients that trust the old root follow it', async () => {
    const sim = new RepoSimulator();
    const oldRoot = sim.keys.get('root')![0]!;
    const { draft, result } = await draftOf(sim);
    const newRoot = newRootKey(sim.gun);
    const root = draft.editRoot();
    delete root.keys[oldRoot.id];
    root.keys[newRoot.id] = newRoot.public as (typeof root.keys)[string];
    root.roles.root = { keyids: [newRoot.id], threshold: 1 };
    const keys = heldKeys([oldRoot, newRoot, ...simKeysOf(sim, 'snapshot')]);
    const update = await buildUpdate(draft, keys, NOW);

    assert.deepEqual([...update.files.keys()], ['root', 'snapshot']);
    assert.deepEqual(decodeFile(update.files.get('root')!).signatures.map((s) => s.keyid).sort(), [oldRoot.id, newRoot.id].sort());
    acceptUpload(sim, update);
    const after = await refreshSim(sim, { stored: result.toStore });
    assert.deepEqual(after.trusted.root.signed.roles.root.keyids, [newRoot.id]);
    assert.equal(after.trusted.root.signed.version, 2);
    assert.equal(keys.signed.get(canonicalKeyIdOf(oldRoot.public)), 1);
  });
});

describe('delegations', () => {
  it('signs into a delegated role that was never published, starting at version 1', async () => {
    // As notary: targets delegates the role, but no metadata was ever uploaded for it.
    const key = newKey();
    const fresh = new RepoSimulator();
    fresh.editTargets('targets', (t) => {
      t.delegations.keys[key.id] = key.public as (typeof t.delegations.keys)[string];
      t.delegations.roles.push({ keyids: [key.id], name: 'targets/releases', paths: [''], threshold: 1 });
    });
    fresh.publish();
    const { draft } = await draftOf(fresh);
    applyChanges(draft, [add('targets/releases', 'v1')]);
    const update = await buildUpdate(draft, heldKeys([key, ...simKeysOf(fresh, 'snapshot')]), NOW);
    assert.equal(update.versions['targets/releases'], 1);
    acceptUpload(fresh, update);
    assert.deepEqual((await signedTagsAfter(fresh))['targets/releases'], ['v1']);
  });

  it('refuses a tag outside the paths of the role or of any delegation above it (delegation-path)', async () => {
    const sim = new RepoSimulator();
    sim.addDelegation('targets/team', { paths: ['team/'] });
    sim.addDelegation('targets/team/sub', { paths: [''] });
    sim.publish();
    const { draft } = await draftOf(sim);
    assert.throws(() => applyChanges(draft, [add('targets/team', 'other')]), refusal('delegation-path', 'targets/team'));
    assert.throws(() => applyChanges(draft, [add('targets/team/sub', 'other')]), refusal('delegation-path', 'targets/team/sub'));
    applyChanges(draft, [add('targets/team/sub', 'team/app')]);
    assert.deepEqual(draft.dirtyTargetsRoles(), ['targets/team/sub']);
  });

  it('refuses a role nobody delegates (role-missing), but revoking from one is simply done', async () => {
    const { draft } = await draftOf(new RepoSimulator());
    assert.throws(() => applyChanges(draft, [add('targets/ghost', 'v1')]), refusal('role-missing', 'targets/ghost'));
    applyChanges(draft, [{ kind: 'target-remove', role: 'targets/ghost', name: 'v1' }]);
    assert.deepEqual(draft.dirtyTargetsRoles(), []);
  });

  it('refuses to build on a delegation that failed verification, with that failure', async () => {
    const sim = new RepoSimulator();
    sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v1').publish();
    const fetcher = sim.fetcher().tamper('targets/releases', (bytes) => {
      const file = decodeFile<TargetsJson>(bytes);
      file.signed.targets['evil'] = { hashes: { sha256: 'AAAA' }, length: 1 };
      return new TextEncoder().encode(JSON.stringify(file));
    });
    const result = await refreshSim(sim, { fetcher });
    const draft = RepositoryDraft.fromVerified(result.trusted, result.failedDelegations);
    const failure = result.failedDelegations[0]!;
    assert.throws(() => applyChanges(draft, [add('targets/releases', 'v2')]), refusal(failure.error.code, 'targets/releases'));
  });
});
