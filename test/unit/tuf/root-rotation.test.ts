// Root rotation: a client that trusts root N follows N+1, N+2, ... only when each is signed by a
// threshold of the previous root's keys and of its own, and its root keys are certificates for this
// GUN that are valid now. Anything else would let whoever controls the server replace the root.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releasedRepository, verdictOf } from '../../helpers/tamper';
import { daysFrom, refreshSim, refusal } from '../../helpers/tuf-harness';
import { newRootKey, type RepoSimulator } from '../../helpers/repo-simulator';

/** A repository and a client that trusts its first root. */
async function trustedFirstRoot(): Promise<{ sim: RepoSimulator; stored: Awaited<ReturnType<typeof refreshSim>>['toStore'] }> {
  const sim = releasedRepository();
  const { toStore } = await refreshSim(sim);
  return { sim, stored: toStore };
}

describe('root rotation', () => {
  it('follows a chain of rotations, one version at a time', async () => {
    const { sim, stored } = await trustedFirstRoot();
    sim.rotateRoot();
    sim.publish();
    sim.rotateRoot();
    sim.addTarget('targets', 'v2').publish();
    const fetcher = sim.fetcher();
    const result = await refreshSim(sim, { fetcher, stored });
    assert.equal(result.trusted.root.signed.version, 3);
    assert.deepEqual(fetcher.requests.filter((name) => /^\d+\.root\.json$/.test(name)), ['2.root.json', '3.root.json', '4.root.json']);
    assert.deepEqual(result.toStore.files.get('root'), sim.file('root'));
  });

  for (const role of ['timestamp', 'snapshot', 'targets'] as const) {
    it(`follows a new root that rotated the ${role} key (\`notary key rotate GUN ${role}\`): the old root cannot verify the new ${role}`, async () => {
      const { sim, stored } = await trustedFirstRoot();
      sim.rotateKey(role);
      sim.publish();
      const result = await refreshSim(sim, { stored });
      assert.equal(result.trusted.root.signed.version, 2);
      assert.deepEqual(result.failedDelegations, []);
    });
  }

  it('follows a rotation of the root keys together with the timestamp key', async () => {
    const { sim, stored } = await trustedFirstRoot();
    sim.rotateKey('timestamp');
    sim.rotateRoot();
    sim.publish();
    const result = await refreshSim(sim, { stored });
    assert.equal(result.trusted.root.signed.version, 2);
  });

  it('refuses a chain that skips a version', async () => {
    const { sim, stored } = await trustedFirstRoot();
    sim.rotateRoot();
    sim.publish();
    sim.rotateRoot();
    sim.publish();
    const fetcher = sim.fetcher().intercept('2.root.json', () => null);
    await assert.rejects(refreshSim(sim, { fetcher, stored }), refusal('root-rotation', 'root'));
  });

  it('refuses a later root offered as the next version', async () => {
    const { sim, stored } = await trustedFirstRoot();
    sim.rotateRoot();
    sim.publish();
    sim.rotateRoot();
    sim.publish();
    const fetcher = sim.fetcher().intercept('2.root.json', () => sim.file('3.root'));
    await assert.rejects(refreshSim(sim, { fetcher, stored }), refusal('root-rotation', 'root'));
  });

  it('refuses a new root not signed by the old root keys', async () => {
    const { sim, stored } = await trustedFirstRoot();
    const fresh = [newRootKey(sim.gun)];
    sim.rotateRoot({ keys: fresh, signers: fresh });
    sim.publish();
    await assert.rejects(refreshSim(sim, { stored }), refusal('root-rotation', 'root'));
  });

  it('refuses a new root signed by only one of the two old root keys it needed', async () => {
    const sim = releasedRepository((s) => {
      const [a, b] = [newRootKey(s.gun), newRootKey(s.gun)];
      s.rotateRoot({ keys: [a, b], threshold: 2 });
    });
    const { toStore } = await refreshSim(sim);
    const [a] = sim.keys.get('root')!;
    const next = newRootKey(sim.gun);
    sim.rotateRoot({ keys: [next], signers: [a!, next] });
    sim.publish();
    await assert.rejects(refreshSim(sim, { stored: toStore }), refusal('root-rotation', 'root'));
  });

  it('refuses a new root not signed by its own root keys', async () => {
    const { sim, stored } = await trustedFirstRoot();
    const old = sim.keys.get('root')!;
    sim.rotateRoot({ signers: old });
    sim.publish();
    await assert.rejects(refreshSim(sim, { stored }), refusal('signature-threshold', 'root'));
  });

  describe('root certificates', () => {
    it('refuses a first root whose certificate is for another GUN', async () => {
      const sim = releasedRepository((s) => {
        const foreign = newRootKey('example.com/someone/else');
        s.replaceRoleKeys('root', [foreign], 1);
        s.setSigners('root', [foreign]);
      });
      assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
    });

    it('refuses a rotation to a certificate for another GUN, even when the old keys signed it', async () => {
      const { sim, stored } = await trustedFirstRoot();
      sim.rotateRoot({ keys: [newRootKey('example.com/someone/else')] });
      sim.publish();
      await assert.rejects(refreshSim(sim, { stored }), refusal('root-certificate', 'root'));
    });

    it('refuses a root whose certificate has expired', async () => {
      const { sim, stored } = await trustedFirstRoot();
      sim.rotateRoot({ keys: [newRootKey(sim.gun, { notBefore: daysFrom(sim.now, -30), validityDays: 10 })] });
      sim.publish();
      await assert.rejects(refreshSim(sim, { stored }), refusal('root-certificate', 'root'));
    });

    it('follows a rotation away from a trusted root whose certificate has expired since', async () => {
      const sim = releasedRepository((s) => {
        const shortLived = newRootKey(s.gun, { validityDays: 5 });
        s.rotateRoot({ keys: [shortLived] });
      });
      const { toStore } = await refreshSim(sim);
      sim.rotateRoot();
      sim.publish();
      const result = await refreshSim(sim, { stored: toStore, now: daysFrom(sim.now, 10) });
      assert.equal(result.trusted.root.signed.version, 3);
    });

    it('refuses a trusted root whose certificate has expired when nothing supersedes it', async () => {
      const sim = releasedRepository((s) => s.rotateRoot({ keys: [newRootKey(s.gun, { validityDays: 5 })] }));
      const { toStore } = await refreshSim(sim);
      await assert.rejects(refreshSim(sim, { stored: toStore, now: daysFrom(sim.now, 10) }), refusal('root-certificate', 'root'));
    });

    it('refuses a root whose certificate is not valid yet', async () => {
      const sim = releasedRepository((s) => {
        const early = newRootKey(s.gun, { notBefore: daysFrom(s.now, 5) });
        s.replaceRoleKeys('root', [early], 1);
        s.setSigners('root', [early]);
      });
      assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
    });

    it('refuses a root whose root key is a bare key, not a certificate', async () => {
      const sim = releasedRepository((s) => {
        const bare = s.keys.get('targets')![0]!;
        s.replaceRoleKeys('root', [bare], 1);
        s.setSigners('root', [bare]);
      });
      assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
    });
  });
});
