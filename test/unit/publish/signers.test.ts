// Signers with docker trust's semantics: `signer add` delegates targets/NAME and adds the keys to
// targets/releases; `signer remove` takes the keys out of targets/releases and removes targets/NAME,
// asking first when releases would be left unsignable or its tags untrusted, re-signing releases when
// that keeps its tags trusted, and removing releases with its last signer. Judged by the verifier
// after a simulated server accepted each publish.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalKeyIdOf } from '../../../electron/core/crypto/key-id';
import { encodePemBlock } from '../../../electron/core/crypto/pem';
import { spkiOf } from '../../../electron/core/crypto/public-key';
import { applyChanges } from '../../../electron/core/publish/apply-changes';
import { buildUpdate } from '../../../electron/core/publish/build-update';
import type { Change } from '../../../electron/core/publish/changes';
import { delegationKeyOfPem } from '../../../electron/core/publish/delegations-keys';
import { checkSignerName, signerAddChanges, signerRemovalPlan } from '../../../electron/core/publish/signers';
import { newKey, RepoSimulator, type SimKey } from '../../helpers/repo-simulator';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import { acceptUpload, draftOf, heldKeys, simKeysOf } from './support/sim-publish';

// An hour after the simulator signed its metadata, so what we sign expires later than what it signed.
const NOW = new Date(Date.now() + 60 * 60 * 1000);

function publicKeyFile(key: SimKey, name: string) {
  return delegationKeyOfPem(encodePemBlock({ type: 'PUBLIC KEY', headers: { role: name }, bytes: spkiOf(key.public) }), `${name}.pub`);
}

async function publish(sim: RepoSimulator, changes: readonly Change[], held: readonly SimKey[] = [], now = NOW) {
  const { draft } = await draftOf(sim);
  applyChanges(draft, changes);
  acceptUpload(sim, await buildUpdate(draft, heldKeys([...simKeysOf(sim, 'root', 'targets', 'snapshot'), ...held]), now));
  return refreshSim(sim);
}

function rolesOf(result: Awaited<ReturnType<typeof refreshSim>>) {
  return Object.fromEntries((result.trusted.targets!.signed.delegations?.roles ?? []).map((role) => [role.name, role.keyids]));
}

/** A repository where the admin added alice and bob as signers, and `lastSigner` signed v1 into releases. */
async function twoSigners(lastSigner: 'alice' | 'bob', options: { releasesThreshold?: number } = {}) {
  const sim = new RepoSimulator();
  const alice = newKey();
  const bob = newKey();
  await publish(sim, [...signerAddChanges('alice', [publicKeyFile(alice, 'alice')]), ...signerAddChanges('bob', [publicKeyFile(bob, 'bob')])]);
  if (options.releasesThreshold) await publish(sim, [{ kind: 'delegation-update', role: 'targets/releases', addKeys: [], removeKeyIds: [], addPaths: [], removePaths: [], clearPaths: false, threshold: options.releasesThreshold }]);
  const signer = lastSigner === 'alice' ? alice : bob;
  const v1 = { length: 500, hashes: { sha256: 'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=' } };
  const signers = options.releasesThreshold ? [alice, bob] : [signer];
  await publish(sim, [{ kind: 'target-add', role: 'targets/releases', name: 'v1', meta: v1 }, { kind: 'target-add', role: `targets/${lastSigner}`, name: 'v1', meta: v1 }], signers);
  return { sim, alice, bob };
}

async function planRemoval(sim: RepoSimulator, name: string, held: readonly SimKey[] = []) {
  const { draft, result } = await draftOf(sim);
  const served = result.trusted.delegations.get('targets/releases');
  // Planned a minute after the last publish (a witness asks for a later expiry than what is there).
  const now = new Date(NOW.getTime() + 60_000);
  return signerRemovalPlan({ draft, served, held: new Set(held.map((key) => canonicalKeyIdOf(key.public))), name, now });
}

describe('signer add', () => {
  it('delegates targets/NAME and targets/releases with every path and the signer’s keys, as docker does', async () => {
    const sim = new RepoSimulator();
    const alice = newKey();
    const after = await publish(sim, signerAddChanges('alice', [publicKeyFile(alice, 'alice')]));
    const roles = after.trusted.targets!.signed.delegations!.roles.map(({ name, keyids, paths, threshold }) => ({ name, keyids, paths, threshold }));
    assert.deepEqual(roles, [
      { name: 'targets/alice', keyids: [alice.id], paths: [''], threshold: 1 },
      { name: 'targets/releases', keyids: [alice.id], paths: [''], threshold: 1 },
    ]);
  });

  it('adds a second signer’s keys to targets/releases beside the first one’s', async () => {
    const { sim, alice, bob } = await twoSigners('alice');
    assert.deepEqual(rolesOf(await refreshSim(sim)), { 'targets/alice': [alice.id], 'targets/releases': [alice.id, bob.id], 'targets/bob': [bob.id] });
  });

  it('follows docker’s name rules', () => {
    for (const name of ['alice', 'a', '0ps', 'ci_bot-2']) checkSignerName(name);
    for (const name of ['Alice', '-x', '_x', 'a/b', 'a.b', '']) assert.throws(() => checkSignerName(name), refusal('invalid-input'), name);
    assert.throws(() => checkSignerName('releases'), /reserved/);
  });
});

describe('signer remove', () => {
  it('takes the signer’s keys out of releases and removes its role; releases, signed by a remaining signer, stays trusted', async () => {
    const { sim, alice, bob } = await twoSigners('bob');
    const plan = await planRemoval(sim, 'alice');
    assert.equal(plan.confirm, undefined);
    assert.deepEqual(plan.keyIds, [canonicalKeyIdOf(alice.public)]);
    assert.deepEqual(plan.changes.map((change) => `${change.kind} ${'role' in change ? change.role : ''}`), ['delegation-update targets/releases', 'delegation-delete targets/alice']);
    const after = await publish(sim, plan.changes);
    assert.deepEqual(rolesOf(after), { 'targets/releases': [bob.id], 'targets/bob': [bob.id] });
    assert.deepEqual(after.failedDelegations, []);
    assert.deepEqual(Object.keys(after.trusted.delegations.get('targets/releases')!.signed.targets), ['v1']);
  });

  it('re-signs releases in the same publish when the removed signer signed it last and we hold a remaining key', async () => {
    const { sim, bob } = await twoSigners('alice');
    const plan = await planRemoval(sim, 'alice', [bob]);
    assert.equal(plan.confirm, undefined);
    assert.equal(plan.releasesResigned, true);
    const after = await publish(sim, plan.changes, [bob], new Date(NOW.getTime() + 120_000));
    assert.deepEqual(after.failedDelegations, []);
    assert.deepEqual(Object.keys(after.trusted.delegations.get('targets/releases')!.signed.targets), ['v1']);
  });

  it('asks first, as docker does, when the removed signer signed releases last and nobody here can re-sign it', async () => {
    const { sim } = await twoSigners('alice');
    const plan = await planRemoval(sim, 'alice');
    assert.match(plan.confirm ?? '', /signed the last released version/);
    assert.equal(plan.releasesResigned, false);
  });

  it('asks first when releases would keep fewer keys than its threshold', async () => {
    const { sim } = await twoSigners('alice', { releasesThreshold: 2 });
    const plan = await planRemoval(sim, 'bob');
    assert.match(plan.confirm ?? '', /would keep 1 key\(s\) but needs 2 signatures/);
  });

  it('removes releases with the last signer (asking first), leaving a repository the admin can sign into targets again', async () => {
    const sim = new RepoSimulator();
    const alice = newKey();
    await publish(sim, signerAddChanges('alice', [publicKeyFile(alice, 'alice')]));
    const plan = await planRemoval(sim, 'alice');
    assert.equal(plan.releasesRemoved, true);
    assert.match(plan.confirm ?? '', /holds the last keys of targets\/releases/);
    const after = await publish(sim, plan.changes);
    assert.deepEqual(rolesOf(after), {});
    assert.deepEqual(after.failedDelegations, []);
  });

  it('refuses an unknown signer and the reserved name releases', async () => {
    const { sim } = await twoSigners('bob');
    await assert.rejects(planRemoval(sim, 'carol'), refusal('not-found'));
    await assert.rejects(planRemoval(sim, 'releases'), refusal('invalid-input'));
  });
});
