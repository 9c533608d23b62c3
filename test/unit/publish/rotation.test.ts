// Key rotation (notary key rotate) as a staged change: root lists the new key, keys nothing uses leave
// root, the role is re-signed with its new key in the same publish, and a rotated root is signed by
// the old root and the new one, so a client that trusted the old root follows it. Judged by the
// verifier, from a fresh start and from a cache that trusted the old root.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalKeyIdOf } from '../../../electron/core/crypto/key-id';
import { applyChanges } from '../../../electron/core/publish/apply-changes';
import { buildUpdate } from '../../../electron/core/publish/build-update';
import type { KeyRotationChange } from '../../../electron/core/publish/changes';
import { decodeFile, newKey, newRootKey, RepoSimulator, type SimKey } from '../../helpers/repo-simulator';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import { acceptUpload, draftOf, heldKeys, simKeysOf } from './support/sim-publish';

const NOW = new Date(Date.now() + 60 * 60 * 1000);

function rotation(role: KeyRotationChange['role'], key: SimKey, serverManaged = false): KeyRotationChange {
  return { kind: 'key-rotation', role, keys: [{ keytype: key.public.keytype, keyval: { private: null, public: key.public.keyval.public } }], serverManaged };
}

/** A repository, a cache that trusts it as it is, and the draft of a rotation applied to it. */
async function rotating(change: KeyRotationChange, sim = new RepoSimulator()) {
  const { draft, result } = await draftOf(sim);
  const oldRoot = simKeysOf(sim, 'root');
  applyChanges(draft, [change]);
  return { sim, draft, oldRoot, cached: result.toStore };
}

describe('rotating the targets key', () => {
  it('lists the new key in root (the old one leaves) and re-signs targets with it in the same publish', async () => {
    const newTargets = newKey();
    const { sim, draft, cached } = await rotating(rotation('targets', newTargets));
    const oldTargets = simKeysOf(sim, 'targets')[0]!;
    const update = await buildUpdate(draft, heldKeys([...simKeysOf(sim, 'root', 'snapshot'), newTargets]), NOW);
    assert.deepEqual([...update.files.keys()], ['root', 'targets', 'snapshot']);
    assert.deepEqual(decodeFile(update.files.get('targets')!).signatures.map((s) => s.keyid), [newTargets.id]);

    acceptUpload(sim, update);
    const after = await refreshSim(sim, { stored: cached });
    assert.deepEqual(after.trusted.root.signed.roles.targets.keyids, [newTargets.id]);
    assert.equal(after.trusted.root.signed.keys[oldTargets.id], undefined);
    assert.equal(after.trusted.targets!.signed.version, 2);
  });

  it('changes nothing when root already lists the new key (a retried publish)', async () => {
    const newTargets = newKey();
    const { sim, draft } = await rotating(rotation('targets', newTargets));
    acceptUpload(sim, await buildUpdate(draft, heldKeys([...simKeysOf(sim, 'root', 'snapshot'), newTargets]), NOW));
    const { draft: again } = await draftOf(sim);
    applyChanges(again, [rotation('targets', newTargets)]);
    assert.equal((await buildUpdate(again, heldKeys([newTargets]), NOW)).files.size, 0);
  });
});

describe('rotating the root key', () => {
  it('signs the new root with the old root key and the new one; a client that trusted the old root follows it', async () => {
    const sim = new RepoSimulator();
    const newRoot = newRootKey(sim.gun);
    const { draft, oldRoot, cached } = await rotating(rotation('root', newRoot), sim);
    const keys = heldKeys([...oldRoot, newRoot, ...simKeysOf(sim, 'snapshot')]);
    const update = await buildUpdate(draft, keys, NOW);
    assert.deepEqual([...update.files.keys()], ['root', 'snapshot']);
    const rootFile = decodeFile<{ keys: Record<string, unknown> }>(update.files.get('root')!);
    assert.deepEqual(rootFile.signatures.map((s) => s.keyid).sort(), [oldRoot[0]!.id, newRoot.id].sort());
    assert.equal(rootFile.signed.keys[oldRoot[0]!.id], undefined, 'the old root certificate leaves root.json');

    acceptUpload(sim, update);
    for (const stored of [cached, undefined]) {
      const after = await refreshSim(sim, stored ? { stored } : {});
      assert.deepEqual(after.trusted.root.signed.roles.root.keyids, [newRoot.id]);
    }
  });

  it('refuses without the old root key (key-not-found, root), signing nothing', async () => {
    const sim = new RepoSimulator();
    const newRoot = newRootKey(sim.gun);
    const { draft } = await rotating(rotation('root', newRoot), sim);
    const keys = heldKeys([newRoot, ...simKeysOf(sim, 'snapshot')]);
    await assert.rejects(buildUpdate(draft, keys, NOW), refusal('key-not-found', 'root'));
    assert.equal(keys.signed.size, 0);
  });
});

describe('rotating the snapshot and timestamp keys', () => {
  it('moves the snapshot key to the server: root names the server’s key and the server signs the snapshot', async () => {
    const serverSnapshot = newKey('ed25519');
    const { sim, draft, cached } = await rotating(rotation('snapshot', serverSnapshot, true));
    // We still hold the old local snapshot key, but root no longer trusts it.
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'root', 'targets', 'snapshot')), NOW);
    assert.deepEqual([...update.files.keys()], ['root']);
    assert.deepEqual(update.serverSigned, ['snapshot', 'timestamp']);

    sim.keys.set('snapshot', [serverSnapshot]);
    acceptUpload(sim, update);
    const after = await refreshSim(sim, { stored: cached });
    assert.deepEqual(after.trusted.root.signed.roles.snapshot.keyids, [serverSnapshot.id]);
  });

  it('rotates the local snapshot key, signing the next snapshot with the new one', async () => {
    const localSnapshot = newKey();
    const { sim, draft } = await rotating(rotation('snapshot', localSnapshot));
    const update = await buildUpdate(draft, heldKeys([...simKeysOf(sim, 'root'), localSnapshot]), NOW);
    assert.deepEqual([...update.files.keys()], ['root', 'snapshot']);
    assert.deepEqual(decodeFile(update.files.get('snapshot')!).signatures.map((s) => s.keyid), [canonicalKeyIdOf(localSnapshot.public)]);
  });

  it('names the server’s new timestamp key in root; the server signs timestamps with it', async () => {
    const serverTimestamp = newKey('ed25519');
    const { sim, draft, cached } = await rotating(rotation('timestamp', serverTimestamp, true));
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'root', 'snapshot')), NOW);
    assert.deepEqual([...update.files.keys()], ['root', 'snapshot']);
    sim.keys.set('timestamp', [serverTimestamp]);
    acceptUpload(sim, update);
    const after = await refreshSim(sim, { stored: cached });
    assert.deepEqual(after.trusted.root.signed.roles.timestamp.keyids, [serverTimestamp.id]);
  });

  it('keeps a threshold no higher than the number of new keys, which would lock the role', async () => {
    const { draft } = await draftOf(new RepoSimulator());
    draft.editRoot().roles.targets.threshold = 2;
    applyChanges(draft, [rotation('targets', newKey())]);
    assert.equal(draft.root.roles.targets.threshold, 1);
  });
});
