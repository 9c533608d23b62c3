// Arbitrary-software attacks: metadata that is not signed by a threshold of the keys its parent
// names for it is refused, for every role. Thresholds count distinct keys, not signatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_ROLES, attack, flippedSignature, releasedRepository, resignedBy, verdictOf, withSignatures, type Role } from '../../helpers/tamper';
import { certificateKeyOf, newKey, newRootKey, type KeyJson, type RepoSimulator, type SimKey } from '../../helpers/repo-simulator';
import { keyId } from '../../../electron/core/crypto/key-id';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { refreshSim } from '../../helpers/tuf-harness';
import type { TufPublicKey } from '../../../electron/core/crypto/types';

/** A key of the kind notary uses for the role: certificates for root, ed25519 for timestamp. */
function keyFor(sim: RepoSimulator, role: Role): SimKey {
  if (role === 'root') return newRootKey(sim.gun);
  return newKey(role === 'timestamp' ? 'ed25519' : 'ecdsa');
}

/**
 * Gives `role` two keys and a threshold of 2, and has it signed by `signers(k1, k2)`. `keys` makes
 * the two keys (default: two fresh keys of the role's kind).
 */
function thresholdTwo(role: Role, signers: (k1: SimKey, k2: SimKey) => SimKey[], keys?: (sim: RepoSimulator) => [SimKey, SimKey]): RepoSimulator {
  let pair: [SimKey, SimKey] | undefined;
  const sim = releasedRepository((s) => {
    pair = keys ? keys(s) : [keyFor(s, role), keyFor(s, role)];
    const [k1, k2] = pair;
    if (role === 'targets/releases') {
      s.editTargets('targets', (t) => {
        const releases = t.delegations.roles.find((r) => r.name === role)!;
        releases.keyids = [k1.id, k2.id];
        releases.threshold = 2;
        t.delegations.keys[k1.id] = k1.public as KeyJson;
        t.delegations.keys[k2.id] = k2.public as KeyJson;
      });
    } else {
      s.replaceRoleKeys(role, [k1, k2], 2);
    }
    s.setSigners(role, signers(k1, k2));
  });
  return sim;
}

describe('a signature that does not verify', () => {
  for (const role of ALL_ROLES) {
    it(`refuses ${role} when its only signature does not verify`, async () => {
      const sim = releasedRepository();
      const fetcher = attack(sim, role, flippedSignature);
      assert.deepEqual(await verdictOf(sim, role, { fetcher }), { code: 'signature-threshold', role });
    });
  }
});

describe('a signature by a key the role does not list', () => {
  for (const role of ALL_ROLES) {
    it(`refuses ${role} signed by an unknown key of the right kind`, async () => {
      const sim = releasedRepository();
      const fetcher = attack(sim, role, resignedBy([keyFor(sim, role)]));
      assert.deepEqual(await verdictOf(sim, role, { fetcher }), { code: 'signature-threshold', role });
    });
  }

  it('does not let a trusted key sign for a role it is not listed for (targets key signing timestamp)', async () => {
    const sim = releasedRepository();
    const fetcher = attack(sim, 'timestamp', resignedBy(sim.keys.get('targets')!));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'signature-threshold', role: 'timestamp' });
  });
});

describe('a threshold of 2', () => {
  for (const role of ALL_ROLES) {
    it(`verifies ${role} signed by two distinct keys`, async () => {
      const sim = thresholdTwo(role, (k1, k2) => [k1, k2]);
      assert.deepEqual(await verdictOf(sim, role), { code: 'verified' });
    });

    it(`refuses ${role} carrying two signatures by the same key`, async () => {
      const sim = thresholdTwo(role, (k1) => [k1, k1]);
      assert.deepEqual(await verdictOf(sim, role), { code: 'signature-threshold', role });
    });

    it(`refuses ${role} whose parent lists one key twice to make a threshold of 2`, async () => {
      const sim = thresholdTwo(role, (k1, k2) => [k1, k2], (s) => {
        const key = keyFor(s, role);
        return [key, key];
      });
      assert.deepEqual(await verdictOf(sim, role), { code: 'signature-threshold', role });
    });

    it(`counts one public key listed under a bare and a certificate ID once, for ${role}`, async () => {
      // Root keys must both be certificates: two certificates of one key have two IDs but one key.
      // (The timestamp key is ecdsa here: ed25519 keys have no certificate form.)
      const sameKeyTwice = (sim: RepoSimulator): [SimKey, SimKey] => {
        const bare = newKey('ecdsa');
        const first = role === 'root' ? certificateKeyOf(bare, sim.gun) : bare;
        return [first, certificateKeyOf(bare, sim.gun)];
      };
      const sim = thresholdTwo(role, (k1, k2) => [k1, k2], sameKeyTwice);
      assert.deepEqual(await verdictOf(sim, role), { code: 'signature-threshold', role });
    });
  }
});

describe('a key listed under an ID that is not the hash of its content', () => {
  for (const role of ['root', 'timestamp', 'snapshot', 'targets'] as const) {
    it(`refuses the root that lists the ${role} key under another key's ID`, async () => {
      const sim = releasedRepository((s) => {
        s.editRoot((root) => {
          const id = root.roles[role].keyids[0]!;
          root.keys[id] = keyFor(s, role).public as KeyJson;
        });
      });
      assert.deepEqual(await verdictOf(sim, role), { code: 'key-id-mismatch', role: 'root' });
    });
  }

  it('refuses a delegation whose key is listed under another key ID by its parent', async () => {
    const sim = releasedRepository((s) => {
      s.editTargets('targets', (t) => {
        const id = t.delegations.roles[0]!.keyids[0]!;
        t.delegations.keys[id] = newKey('ecdsa').public as KeyJson;
      });
    });
    assert.deepEqual(await verdictOf(sim, 'targets/releases'), { code: 'key-id-mismatch', role: 'targets/releases' });
  });
});

describe('a signature with a method the key cannot use', () => {
  it('is ignored when a threshold of valid signatures is there (notary skips it too)', async () => {
    const sim = releasedRepository();
    const fetcher = attack(sim, 'timestamp', withSignatures((sigs) => [{ ...sigs[0]!, method: 'rsapss' }, ...sigs]));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'verified' });
  });

  it('does not count towards the threshold', async () => {
    const sim = releasedRepository();
    const fetcher = attack(sim, 'timestamp', withSignatures((sigs) => sigs.map((s) => ({ ...s, method: 'ecdsa' }))));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'signature-threshold', role: 'timestamp' });
  });
});

describe('a key whose certificate cannot be parsed', () => {
  const unparseable: KeyJson = {
    keytype: 'ecdsa-x509',
    keyval: { private: null, public: Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64') },
  };
  const unparseableId = keyId(unparseable as TufPublicKey);
  const junkSignature = { keyid: unparseableId, method: 'ecdsa', sig: Buffer.alloc(64, 1).toString('base64') };

  it('is an unusable extra root key, not a reason to refuse a root its other keys sign', async () => {
    const sim = releasedRepository((s) =>
      s.editRoot((root) => {
        root.keys[unparseableId] = unparseable;
        root.roles.root.keyids.push(unparseableId);
      }),
    );
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'verified' });
  });

  it('is shown without a canonical ID in the view of a repository that lists it', async () => {
    const sim = releasedRepository((s) => {
      s.editRoot((root) => {
        root.keys[unparseableId] = unparseable;
        root.roles.root.keyids.push(unparseableId);
      });
      s.addDelegation('targets/alice', { keys: [newKey('ecdsa')] });
      s.editTargets('targets', (t) => {
        t.delegations.keys[unparseableId] = unparseable;
        t.delegations.roles.find((r) => r.name === 'targets/alice')!.keyids.push(unparseableId);
      });
    });
    const result = await refreshSim(sim);
    const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: 's', source: 'server', verifiedAt: '' });
    assert.deepEqual(view.keys.find((k) => k.id === unparseableId), { id: unparseableId, keytype: 'ecdsa-x509' });
    assert.ok(view.signers.find((signer) => signer.name === 'alice')?.keyIds.includes(unparseableId));
  });

  it('leaves a root whose only root key it is without a usable certificate', async () => {
    const sim = releasedRepository((s) =>
      s.editRoot((root) => {
        root.keys[unparseableId] = unparseable;
        root.roles.root.keyids = [unparseableId];
      }),
    );
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
  });

  /** Lists the unparseable key for `role`, beside its real key or instead of it. */
  function listedFor(role: 'targets' | 'targets/releases', how: 'beside' | 'instead'): RepoSimulator {
    const list = (keyids: string[]) => (how === 'beside' ? [...keyids, unparseableId] : [unparseableId]);
    return releasedRepository((s) => {
      if (role === 'targets') {
        s.editRoot((root) => {
          root.keys[unparseableId] = unparseable;
          root.roles.targets.keyids = list(root.roles.targets.keyids);
        });
      } else {
        s.editTargets('targets', (t) => {
          t.delegations.keys[unparseableId] = unparseable;
          t.delegations.roles[0]!.keyids = list(t.delegations.roles[0]!.keyids);
        });
      }
    });
  }

  for (const role of ['targets', 'targets/releases'] as const) {
    it(`counts as no signature for ${role}, beside a valid one`, async () => {
      const sim = listedFor(role, 'beside');
      const fetcher = attack(sim, role, withSignatures((sigs) => [junkSignature, ...sigs]));
      assert.deepEqual(await verdictOf(sim, role, { fetcher }), { code: 'verified' });
    });

    it(`does not count towards ${role}'s threshold`, async () => {
      const sim = listedFor(role, 'instead');
      const fetcher = attack(sim, role, withSignatures(() => [junkSignature]));
      assert.deepEqual(await verdictOf(sim, role, { fetcher }), { code: 'signature-threshold', role });
    });
  }
});
