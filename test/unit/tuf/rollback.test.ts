// Rollback attacks: a server (or a man in the middle, or a holder of the timestamp or snapshot key,
// which notary-server often is) replays metadata older than what we already trusted. Versions
// trusted in one refresh are remembered for the next, delegations included (notary cannot do that).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { releasedRepository, verdictOf } from '../../helpers/tamper';
import { refreshSim, refusal } from '../../helpers/tuf-harness';
import type { RepoSimulator } from '../../helpers/repo-simulator';

/** A repository whose roles (root aside) are past version 1, and what a client verified of it. */
async function trustedPastVersionOne(): Promise<{ sim: RepoSimulator; stored: Awaited<ReturnType<typeof refreshSim>>['toStore'] }> {
  const sim = releasedRepository();
  sim.addTarget('targets', 'v2').addTarget('targets/releases', 'v2').publish();
  const { toStore } = await refreshSim(sim);
  return { sim, stored: toStore };
}

describe('rollback attack', () => {
  it('refuses a timestamp older than the trusted one', async () => {
    const { sim, stored } = await trustedPastVersionOne();
    const fetcher = sim.fetcher().intercept('timestamp.json', () => sim.file('1.timestamp'));
    await assert.rejects(refreshSim(sim, { fetcher, stored }), refusal('version-rollback', 'timestamp'));
  });

  it('refuses a snapshot older than the trusted one, even when a new timestamp vouches for it', async () => {
    const { sim, stored } = await trustedPastVersionOne();
    const old = sim.file('1.snapshot');
    sim.publish({ rewrite: { snapshot: () => old } });
    await assert.rejects(refreshSim(sim, { stored }), refusal('version-rollback', 'snapshot'));
  });

  it('refuses targets older than the trusted one, even when a new snapshot vouches for it', async () => {
    const { sim, stored } = await trustedPastVersionOne();
    const old = sim.file('1.targets');
    sim.editSigned('targets', () => undefined).publish({ rewrite: { targets: () => old } });
    await assert.rejects(refreshSim(sim, { stored }), refusal('version-rollback', 'targets'));
  });

  it('refuses an older root offered as the next root version', async () => {
    const sim = releasedRepository();
    sim.rotateRoot();
    sim.publish();
    const { toStore: stored } = await refreshSim(sim);
    assert.equal(stored.versions['root'], 2);
    sim.rotateRoot();
    sim.publish();
    const fetcher = sim.fetcher().intercept('3.root.json', () => sim.file('1.root'));
    await assert.rejects(refreshSim(sim, { fetcher, stored }), refusal('version-rollback', 'root'));
  });

  it('refuses a cached root older than the root version it once trusted', async () => {
    const { sim, stored } = await trustedPastVersionOne();
    sim.rotateRoot();
    sim.publish();
    const { toStore } = await refreshSim(sim, { stored });
    assert.equal(toStore.versions['root'], 2);
    const tampered = { ...toStore, files: new Map(toStore.files).set('root', sim.file('1.root')) };
    await assert.rejects(refreshSim(sim, { stored: tampered }), refusal('version-rollback', 'root'));
  });

  describe('of a delegation across refreshes', () => {
    it('refuses a delegation older than the one trusted in an earlier refresh', async () => {
      const { sim, stored } = await trustedPastVersionOne();
      assert.equal(stored.versions['targets/releases'], 2);
      const old = sim.file('1.targets/releases');
      sim.editSigned('targets/releases', () => undefined).publish({ rewrite: { 'targets/releases': () => old } });
      assert.deepEqual(await verdictOf(sim, 'targets/releases', { stored }), { code: 'version-rollback', role: 'targets/releases' });
    });

    it('leaves the replayed delegation out of the view and keeps remembering its trusted version', async () => {
      const { sim, stored } = await trustedPastVersionOne();
      const old = sim.file('1.targets/releases');
      sim.editSigned('targets/releases', () => undefined).publish({ rewrite: { 'targets/releases': () => old } });
      const result = await refreshSim(sim, { stored });
      assert.equal(result.trusted.delegations.has('targets/releases'), false);
      assert.equal(result.toStore.files.has('targets/releases'), false, 'the refused file is not cached');
      assert.equal(result.toStore.versions['targets/releases'], 2, 'a later refresh still refuses version 1');
      const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: 's', source: 'server', verifiedAt: '' });
      assert.deepEqual(view.warnings.map((w) => [w.code, w.role]), [['version-rollback', 'targets/releases']]);

      const later = await refreshSim(sim, { stored: result.toStore });
      assert.equal(later.failedDelegations[0]?.error.code, 'version-rollback');
    });
  });

  it('still refuses a removed delegation that comes back below its remembered version', async () => {
    // notary-server keeps every role's versions after `delegation remove` and rejects a re-created
    // delegation published at version 1, so a version 1 after removal can only be a replay.
    const { sim, stored } = await trustedPastVersionOne();
    sim.removeDelegation('targets/releases').publish();
    const removed = await refreshSim(sim, { stored });
    assert.equal(removed.toStore.versions['targets/releases'], 2);
    sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v3').publish();
    assert.deepEqual(await verdictOf(sim, 'targets/releases', { stored: removed.toStore }), { code: 'version-rollback', role: 'targets/releases' });
  });

  it('accepts the same versions again (an unchanged repository is not a rollback)', async () => {
    const { sim, stored } = await trustedPastVersionOne();
    const result = await refreshSim(sim, { stored });
    assert.deepEqual(result.failedDelegations, []);
    assert.deepEqual(result.toStore.versions, stored.versions);
  });
});
