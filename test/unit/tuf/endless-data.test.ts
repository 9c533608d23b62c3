// Endless-data attacks: a server sends more than any real file, or never stops. Every download has
// a cap — fixed ones for root and timestamp, which nothing vouches for, and the exact length the
// parent lists for the rest — and the refusal names the role.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../../electron/core/tuf/limits';
import { releasedRepository, verdictOf } from '../../helpers/tamper';
import { refreshSim } from '../../helpers/tuf-harness';
import { currentNamesOf, endless, fileMeta, sha256Hex, type RepoSimulator } from '../../helpers/repo-simulator';

const CHUNK = 64 * 1024;

/** Serves an endless body for `match` and returns the verdict and what the client read of it. */
async function endlessFor(sim: RepoSimulator, role: string, match: (name: string) => boolean) {
  const fetcher = sim.fetcher().intercept(match, () => ({ chunks: endless() }));
  const verdict = await verdictOf(sim, role, { fetcher });
  const read = [...fetcher.bytesRead].filter(([name]) => match(name)).map(([, bytes]) => bytes);
  const caps = [...fetcher.caps].filter(([name]) => match(name)).map(([, cap]) => cap);
  return { verdict, read: Math.max(0, ...read), caps };
}

describe('endless data', () => {
  it('gives up on a root met for the first time past the root cap', async () => {
    const sim = releasedRepository();
    const { verdict, read, caps } = await endlessFor(sim, 'root', (name) => name === 'root.json');
    assert.deepEqual(verdict, { code: 'metadata-too-large', role: 'root' });
    assert.deepEqual(caps, [LIMITS.rootMaxBytes]);
    assert.ok(read <= LIMITS.rootMaxBytes + CHUNK);
  });

  it('gives up on a next root version past the root cap', async () => {
    const sim = releasedRepository();
    const { toStore } = await refreshSim(sim);
    sim.rotateRoot();
    sim.publish();
    const fetcher = sim.fetcher().intercept('2.root.json', () => ({ chunks: endless() }));
    assert.deepEqual(await verdictOf(sim, 'root', { fetcher, stored: toStore }), { code: 'metadata-too-large', role: 'root' });
    assert.equal(fetcher.caps.get('2.root.json'), LIMITS.rootMaxBytes);
  });

  it('gives up on a timestamp past 1 MiB, as notary does', async () => {
    const sim = releasedRepository();
    const { verdict, read, caps } = await endlessFor(sim, 'timestamp', (name) => name === 'timestamp.json');
    assert.deepEqual(verdict, { code: 'metadata-too-large', role: 'timestamp' });
    assert.deepEqual(caps, [1024 * 1024]);
    assert.ok(read <= 1024 * 1024 + CHUNK);
  });

  for (const role of ['snapshot', 'targets', 'targets/releases'] as const) {
    it(`gives up on ${role} past the length its parent lists`, async () => {
      const sim = releasedRepository();
      const listed = fileMeta(sim.file(role)).length;
      const { verdict, read, caps } = await endlessFor(sim, role, currentNamesOf(role));
      assert.deepEqual(verdict, { code: 'metadata-too-large', role });
      assert.deepEqual(caps, [listed]);
      assert.ok(read <= listed + CHUNK);
    });
  }

  it('refuses a role whose parent lists an absurd length, without downloading it', async () => {
    // notary-server holds the timestamp key: a compromised server could vouch for a 10 GiB snapshot.
    const sim = releasedRepository();
    sim.publishTimestamp({ editTimestamp: (timestamp) => (timestamp.meta.snapshot.length = 10 * 2 ** 30) });
    const fetcher = sim.fetcher();
    assert.deepEqual(await verdictOf(sim, 'snapshot', { fetcher }), { code: 'metadata-too-large', role: 'snapshot' });
    assert.ok([...fetcher.caps.values()].every((cap) => cap <= LIMITS.unknownLengthMaxBytes));
  });

  it('fetches by the hash its parent lists, so a racing publish cannot mix versions', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher();
    await refreshSim(sim, { fetcher });
    assert.ok(fetcher.requests.includes(`targets.${sha256Hex(sim.file('targets'))}.json`));
    assert.ok(!fetcher.requests.includes('targets.json'));
  });
});
