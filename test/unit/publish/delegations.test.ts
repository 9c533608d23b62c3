// Delegation changes with notary's semantics, judged by the verifier after a simulated server accepted
// them: creating and extending delegations, paths that may only narrow the parent's, removing keys
// (by canonical ID, also for certificate keys) and paths, deleting a delegation with what it delegated,
// and re-signing a role whose remaining keys no longer carry its signatures. Also the public key files
// delegations are given, read as notary and docker read them.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRootCertificateKey } from '../../../electron/core/crypto/certificate';
import { canonicalKeyIdOf, keyId } from '../../../electron/core/crypto/key-id';
import { encodePemBlock } from '../../../electron/core/crypto/pem';
import { generatePrivateKey } from '../../../electron/core/crypto/private-key';
import { spkiOf } from '../../../electron/core/crypto/public-key';
import { applyChanges } from '../../../electron/core/publish/apply-changes';
import { buildUpdate } from '../../../electron/core/publish/build-update';
import type { Change, DelegationUpdateChange } from '../../../electron/core/publish/changes';
import { witnessToKeepVerifying } from '../../../electron/core/publish/delegations';
import { delegationKeyOfPem, readDelegationKeyFiles } from '../../../electron/core/publish/delegations-keys';
import { certificateKeyOf, decodeFile, newKey, RepoSimulator, type SimKey, type SnapshotJson } from '../../helpers/repo-simulator';
import { compressedP256Spki } from '../../helpers/x509-forms';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import { acceptUpload, draftOf, heldKeys, simKeysOf } from './support/sim-publish';

// An hour after the simulator signed its metadata, so what we sign expires later than what it signed.
const NOW = new Date(Date.now() + 60 * 60 * 1000);

function grant(role: string, keys: readonly SimKey[], paths: string[] = [''], extra: Partial<DelegationUpdateChange> = {}): DelegationUpdateChange {
  return {
    kind: 'delegation-update',
    role,
    addKeys: keys.map((k) => ({ keytype: k.public.keytype as 'ecdsa', keyval: { private: null, public: k.public.keyval.public } })),
    removeKeyIds: [],
    addPaths: paths,
    removePaths: [],
    clearPaths: false,
    ...extra,
  };
}

function edit(role: string, change: Partial<DelegationUpdateChange>): DelegationUpdateChange {
  return grant(role, [], [], change);
}

/** Applies the changes, signs with `held` (plus targets and snapshot keys), lets the simulated server accept them, and refreshes. */
async function publishChanges(sim: RepoSimulator, changes: readonly Change[], held: readonly SimKey[] = []) {
  const { draft } = await draftOf(sim);
  applyChanges(draft, changes);
  const update = await buildUpdate(draft, heldKeys([...simKeysOf(sim, 'targets', 'snapshot'), ...held]), NOW);
  acceptUpload(sim, update);
  return { update, after: await refreshSim(sim) };
}

function delegatedRoles(targets: { delegations?: { roles: { name: string; keyids: string[]; paths?: string[]; threshold: number }[] } }) {
  return (targets.delegations?.roles ?? []).map(({ name, keyids, paths, threshold }) => ({ name, keyids, paths: paths ?? [], threshold }));
}

describe('adding a delegation (notary delegation add)', () => {
  it('delegates the role with its keys and paths from targets; a tag it then signs is trusted', async () => {
    const sim = new RepoSimulator();
    const alice = newKey();
    const { update, after } = await publishChanges(sim, [grant('targets/alice', [alice], ['apps/'])]);
    assert.deepEqual([...update.files.keys()], ['targets', 'snapshot']);
    assert.deepEqual(delegatedRoles(after.trusted.targets!.signed), [{ name: 'targets/alice', keyids: [alice.id], paths: ['apps/'], threshold: 1 }]);
    assert.deepEqual(Object.keys(after.trusted.targets!.signed.delegations!.keys), [alice.id]);

    const signed = await publishChanges(sim, [{ kind: 'target-add', role: 'targets/alice', name: 'apps/web', meta: { length: 10, hashes: { sha256: 'AAAA' } } }], [alice]);
    assert.equal(signed.update.versions['targets/alice'], 1);
    assert.deepEqual(Object.keys(signed.after.trusted.delegations.get('targets/alice')!.signed.targets), ['apps/web']);
  });

  it('changes nothing when the same keys and paths are added again (a retried publish)', async () => {
    const sim = new RepoSimulator();
    const alice = newKey();
    await publishChanges(sim, [grant('targets/alice', [alice])]);
    const { draft } = await draftOf(sim);
    applyChanges(draft, [grant('targets/alice', [alice])]);
    assert.equal((await buildUpdate(draft, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW)).files.size, 0);
  });

  it('adds keys and paths to an existing delegation, keeping its threshold unless one is given', async () => {
    const sim = new RepoSimulator();
    const [alice, bob] = [newKey(), newKey()];
    await publishChanges(sim, [grant('targets/team', [alice], ['a/'])]);
    const { after } = await publishChanges(sim, [grant('targets/team', [bob], ['b/'])]);
    assert.deepEqual(delegatedRoles(after.trusted.targets!.signed), [{ name: 'targets/team', keyids: [alice.id, bob.id], paths: ['a/', 'b/'], threshold: 1 }]);
    const raised = await publishChanges(sim, [edit('targets/team', { threshold: 2 })]);
    assert.equal(delegatedRoles(raised.after.trusted.targets!.signed)[0]!.threshold, 2);
  });

  it('delegates from a delegation, but only paths inside its own (delegation-path)', async () => {
    const sim = new RepoSimulator();
    const [team] = sim.addDelegation('targets/team', { paths: ['team/'] });
    sim.publish();
    const { draft } = await draftOf(sim);
    assert.throws(() => applyChanges(draft, [grant('targets/team/sub', [newKey()], ['other/'])]), refusal('delegation-path', 'targets/team/sub'));

    const sub = newKey();
    const { update, after } = await publishChanges(sim, [grant('targets/team/sub', [sub], ['team/sub/'])], [team!]);
    assert.deepEqual([...update.files.keys()], ['targets/team', 'snapshot'], 'only the parent changes');
    assert.deepEqual(delegatedRoles(after.trusted.delegations.get('targets/team')!.signed), [{ name: 'targets/team/sub', keyids: [sub.id], paths: ['team/sub/'], threshold: 1 }]);
  });

  it('refuses to create a delegation without a key (role-missing), as notary does', async () => {
    const { draft } = await draftOf(new RepoSimulator());
    assert.throws(() => applyChanges(draft, [edit('targets/nobody', { addPaths: [''] })]), refusal('role-missing', 'targets/nobody'));
  });
});

describe('removing from a delegation (notary delegation remove)', () => {
  it('removes a certificate key by its canonical ID, and the parent stops listing keys no role uses', async () => {
    const sim = new RepoSimulator();
    const certified = certificateKeyOf(newKey(), 'alice');
    const bob = newKey();
    await publishChanges(sim, [grant('targets/team', [certified, bob])]);
    const { after } = await publishChanges(sim, [edit('targets/team', { removeKeyIds: [canonicalKeyIdOf(certified.public)] })]);
    assert.deepEqual(delegatedRoles(after.trusted.targets!.signed)[0]!.keyids, [bob.id]);
    assert.deepEqual(Object.keys(after.trusted.targets!.signed.delegations!.keys), [bob.id]);
  });

  it('removes paths, or all of them', async () => {
    const sim = new RepoSimulator();
    await publishChanges(sim, [grant('targets/team', [newKey()], ['a/', 'b/', 'c/'])]);
    const some = await publishChanges(sim, [edit('targets/team', { removePaths: ['b/'] })]);
    assert.deepEqual(delegatedRoles(some.after.trusted.targets!.signed)[0]!.paths, ['a/', 'c/']);
    const all = await publishChanges(sim, [edit('targets/team', { clearPaths: true })]);
    assert.deepEqual(delegatedRoles(all.after.trusted.targets!.signed)[0]!.paths, []);
  });

  it('deletes a delegation with what it delegated: the parent stops listing it and the snapshot forgets their files', async () => {
    const sim = new RepoSimulator();
    const [team] = sim.addDelegation('targets/team', { paths: ['team/'] });
    sim.addDelegation('targets/team/sub', { paths: ['team/sub/'] });
    sim.addTarget('targets/team', 'team/app').addTarget('targets/team/sub', 'team/sub/app').publish();

    const { update, after } = await publishChanges(sim, [{ kind: 'delegation-delete', role: 'targets/team' }], [team!]);
    assert.deepEqual([...update.files.keys()], ['targets', 'snapshot']);
    assert.deepEqual(Object.keys(decodeFile<SnapshotJson>(update.files.get('snapshot')!).signed.meta).sort(), ['root', 'targets']);
    assert.deepEqual(delegatedRoles(after.trusted.targets!.signed), []);
    assert.equal(after.trusted.delegations.size, 0);
    assert.deepEqual(after.failedDelegations, []);
  });

  it('changes nothing when the delegation is already gone', async () => {
    const { draft } = await draftOf(new RepoSimulator());
    applyChanges(draft, [{ kind: 'delegation-delete', role: 'targets/ghost' }]);
    assert.deepEqual(draft.dirtyTargetsRoles(), []);
    assert.deepEqual([...draft.deleted], []);
  });
});

describe('keeping a role trusted after removing keys from it', () => {
  async function releasesSignedBy(signer: 'alice' | 'bob') {
    const sim = new RepoSimulator();
    const keys = sim.addDelegation('targets/releases', { keys: [newKey(), newKey()] });
    const [alice, bob] = keys as [SimKey, SimKey];
    sim.setSigners('targets/releases', [signer === 'alice' ? alice : bob]);
    sim.addTarget('targets/releases', 'v1').publish();
    const { draft, result } = await draftOf(sim);
    const removeAlice = edit('targets/releases', { removeKeyIds: [canonicalKeyIdOf(alice.public)] });
    applyChanges(draft, [removeAlice]);
    return { sim, alice, bob, draft, removeAlice, served: result.trusted.delegations.get('targets/releases') };
  }

  it('needs nothing when the keys that stay signed it', async () => {
    const { draft, served } = await releasesSignedBy('bob');
    assert.deepEqual(witnessToKeepVerifying(draft, served, new Set(), 'targets/releases', NOW), {});
  });

  it('re-signs it in the same publish when it was signed by a removed key and we hold a key that stays', async () => {
    const { sim, bob, draft, removeAlice, served } = await releasesSignedBy('alice');
    const { witness } = witnessToKeepVerifying(draft, served, new Set([canonicalKeyIdOf(bob.public)]), 'targets/releases', NOW);
    assert.ok(witness);
    const { after } = await publishChanges(sim, [removeAlice, witness], [bob]);
    assert.deepEqual(after.failedDelegations, []);
    assert.deepEqual(Object.keys(after.trusted.delegations.get('targets/releases')!.signed.targets), ['v1'], 'its tags are still trusted');
  });

  it('says what is lost when nobody here can re-sign it', async () => {
    const { draft, served } = await releasesSignedBy('alice');
    const { witness, unverifiable } = witnessToKeepVerifying(draft, served, new Set(), 'targets/releases', NOW);
    assert.equal(witness, undefined);
    assert.match(unverifiable ?? '', /its 1 signed tag\(s\) are no longer trusted/);
  });
});

describe('delegation public key files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-delegation-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a PUBLIC KEY with a role header (docker trust key generate) under the ID notary gives it', () => {
    const key = newKey();
    const pem = encodePemBlock({ type: 'PUBLIC KEY', headers: { role: 'alice' }, bytes: spkiOf(key.public) });
    const read = delegationKeyOfPem(pem, 'alice.pub');
    assert.equal(read.key.keytype, 'ecdsa');
    assert.equal(read.id, key.id);
    assert.equal(read.canonicalId, key.id);
  });

  it('reads a certificate as an ecdsa-x509 key over the certificate as Go re-encodes it, whose canonical ID is its bare key', () => {
    const material = generatePrivateKey('ecdsa');
    const certificate = createRootCertificateKey(material, 'alice');
    const pem = Buffer.from(certificate.keyval.public, 'base64').toString('utf8');
    const read = delegationKeyOfPem(`some text before\r\n${pem.replace(/\n/g, '\r\n')}`, 'alice.crt');
    assert.equal(read.key.keytype, 'ecdsa-x509');
    assert.equal(read.id, keyId(certificate));
    assert.equal(read.canonicalId, canonicalKeyIdOf(certificate));
  });

  it('refuses ed25519 keys (notary and docker cannot use them for delegations), private keys and expired certificates', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => delegationKeyOfPem(ed, 'ed.pub'), refusal('key-unsupported'));
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => delegationKeyOfPem(privatePem, 'key.pem'), refusal('invalid-input'));
    const expired = createRootCertificateKey(generatePrivateKey('ecdsa'), 'old', { notBefore: new Date('2020-01-01T00:00:00Z'), validityDays: 30 });
    assert.throws(() => delegationKeyOfPem(Buffer.from(expired.keyval.public, 'base64').toString(), 'old.crt', NOW), refusal('key-unsupported'));
    const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => delegationKeyOfPem(weakRsa, 'weak.pub'), refusal('key-unsupported'));
  });

  it('refuses an ECDSA key whose point is compressed: notary (Go\'s x509) could not verify a thing it signs', () => {
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    const pem = encodePemBlock({ type: 'PUBLIC KEY', headers: {}, bytes: compressedP256Spki(spki) });
    assert.throws(() => delegationKeyOfPem(pem, 'squeezed.pub'), { code: 'key-unsupported', message: /squeezed\.pub: .*not written uncompressed/ });
  });

  it('reads files, once per key, and names a file it cannot read', async () => {
    const key = newKey();
    const file = join(dir, 'alice.pub');
    writeFileSync(file, encodePemBlock({ type: 'PUBLIC KEY', headers: { role: 'alice' }, bytes: spkiOf(key.public) }));
    const keys = await readDelegationKeyFiles([file, file]);
    assert.deepEqual(keys.map((k) => k.id), [key.id]);
    await assert.rejects(readDelegationKeyFiles([join(dir, 'missing.pub')]), (error: Error) => /missing\.pub/.test(error.message));
  });
});
