// Arbitrary-software attacks: metadata that is not signed by a threshold of the keys its parent
// names for it is refused, for every role. Thresholds count distinct keys, not signatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_ROLES, attack, flippedSignature, releasedRepository, resignedBy, verdictOf, withSignatures, type Role } from '../../helpers/tamper';
import { certificateKeyOf, newKey, newRootKey, type KeyJson, type RepoSimulator, type SimKey } from '../../helpers/repo-simulator';

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
