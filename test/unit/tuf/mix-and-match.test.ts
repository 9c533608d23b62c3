// Mix-and-match attacks: a man in the middle serves validly signed files that belong to different
// states of the repository. Snapshot (for targets and delegations) and timestamp (for snapshot)
// pin the exact bytes by length and hashes, sha256 and sha512 alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flippedSignature, releasedRepository, verdictOf } from '../../helpers/tamper';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import type { RepoSimulator } from '../../helpers/repo-simulator';

const VOUCHED_FOR = ['snapshot', 'targets', 'targets/releases'] as const;

/** The file grown by whitespace inside its JSON (still well formed, still validly signed), or cut short. */
function resized(bytes: Uint8Array, delta: number): Uint8Array {
  if (delta < 0) return bytes.subarray(0, bytes.length + delta);
  const text = Buffer.from(bytes).toString('utf8');
  return Buffer.from(`${text.slice(0, -1)}${' '.repeat(delta)}}`);
}

async function verdictWithServed(sim: RepoSimulator, role: string, change: (bytes: Uint8Array) => Uint8Array) {
  const { toStore } = await refreshSim(sim);
  // Only the next publish changes the role, so the client must fetch it and not use its cache.
  sim.editSigned(role === 'snapshot' ? 'targets' : role, () => undefined).publish();
  const fetcher = sim.fetcher().tamper(role, change);
  return verdictOf(sim, role, { fetcher, stored: toStore });
}

describe('mix-and-match attack', () => {
  for (const role of VOUCHED_FOR) {
    it(`refuses ${role} whose bytes do not match the hashes its parent lists`, async () => {
      const sim = releasedRepository();
      assert.deepEqual(await verdictWithServed(sim, role, flippedSignature), { code: 'hash-mismatch', role });
    });

    it(`refuses ${role} shorter than the length its parent lists`, async () => {
      const sim = releasedRepository();
      assert.deepEqual(await verdictWithServed(sim, role, (b) => resized(b, -1)), { code: 'length-mismatch', role });
    });

    it(`stops reading ${role} past the length its parent lists`, async () => {
      const sim = releasedRepository();
      assert.deepEqual(await verdictWithServed(sim, role, (b) => resized(b, 10)), { code: 'metadata-too-large', role });
    });

    it(`refuses an older, validly signed ${role} where its parent lists the newer one`, async () => {
      const sim = releasedRepository();
      const { toStore } = await refreshSim(sim);
      sim.editSigned(role === 'snapshot' ? 'targets' : role, () => undefined).publish();
      const fetcher = sim.fetcher().tamper(role, () => sim.file(`1.${role}`));
      const verdict = await verdictOf(sim, role, { fetcher, stored: toStore });
      assert.equal(verdict.role, role);
      assert.ok(['hash-mismatch', 'length-mismatch', 'metadata-too-large'].includes(verdict.code), verdict.code);
    });
  }

  it('checks the sha512 as well as the sha256', async () => {
    const sim = releasedRepository();
    sim.editSigned('targets', () => undefined).publish({
      editSnapshot: (snapshot) => {
        snapshot.meta['targets']!.hashes['sha512'] = Buffer.alloc(64).toString('base64');
      },
    });
    await assert.rejects(refreshSim(sim), refusal('hash-mismatch', 'targets'));
  });

  it('refuses a role its parent lists without any hash', async () => {
    const sim = releasedRepository();
    sim.editSigned('targets', () => undefined).publish({
      editSnapshot: (snapshot) => {
        snapshot.meta['targets']!.hashes = {};
      },
    });
    await assert.rejects(refreshSim(sim), refusal('hash-mismatch', 'targets'));
  });

  it('refuses a role whose parent lists only hashes it cannot check (e.g. md5)', async () => {
    const sim = releasedRepository();
    sim.editSigned('targets', () => undefined).publish({
      editSnapshot: (snapshot) => {
        snapshot.meta['targets']!.hashes = { md5: Buffer.alloc(16).toString('base64') };
      },
    });
    await assert.rejects(refreshSim(sim), refusal('hash-mismatch', 'targets'));
  });

  it('refuses targets that snapshot does not list', async () => {
    const sim = releasedRepository();
    sim.publish({ editSnapshot: (snapshot) => delete snapshot.meta['targets'] });
    await assert.rejects(refreshSim(sim), refusal('role-missing', 'targets'));
  });

  it('walks forward from an outdated root met on first use, since snapshot lists the current one', async () => {
    const sim = releasedRepository();
    sim.rotateRoot();
    sim.publish();
    const fetcher = sim.fetcher().intercept('root.json', () => sim.file('1.root'));
    const result = await refreshSim(sim, { fetcher });
    assert.equal(result.trusted.root.signed.version, 2);
  });

  it('refuses a root that snapshot does not list when no root version leads to it', async () => {
    const sim = releasedRepository();
    const { toStore } = await refreshSim(sim);
    sim.publish({ editSnapshot: (snapshot) => (snapshot.meta['root']!.hashes['sha256'] = Buffer.alloc(32).toString('base64')) });
    await assert.rejects(refreshSim(sim, { stored: toStore }), refusal('root-rotation', 'root'));
  });
});
