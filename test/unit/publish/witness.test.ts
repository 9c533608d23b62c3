// Witness: re-signing a role as it is, which renews it before it expires. The role keeps its content,
// gets version + 1 and notary's default lifetime again; a witness applied again after the role was
// re-signed (by that very publish, or by someone else since it was staged) changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges } from '../../../electron/core/publish/apply-changes';
import { buildUpdate } from '../../../electron/core/publish/build-update';
import type { WitnessChange } from '../../../electron/core/publish/changes';
import { defaultExpiry } from '../../../electron/core/publish/expiry';
import { decodeFile, RepoSimulator, type TargetsJson } from '../../helpers/repo-simulator';
import { daysFrom, refreshSim } from '../../helpers/tuf-harness';
import { acceptUpload, draftOf, heldKeys, simKeysOf } from './support/sim-publish';

const NOW = new Date(Date.now() + 60 * 60 * 1000);

function witness(role: string, stagedAt = NOW): WitnessChange {
  return { kind: 'witness', role, until: defaultExpiry(role, stagedAt) };
}

/** targets/releases holding v1, about to expire in a week. */
function expiringReleases(): { sim: RepoSimulator; keys: ReturnType<RepoSimulator['addDelegation']> } {
  const sim = new RepoSimulator();
  const keys = sim.addDelegation('targets/releases');
  sim.addTarget('targets/releases', 'v1').setExpires('targets/releases', daysFrom(new Date(), 7)).publish();
  return { sim, keys };
}

describe('witness', () => {
  it('re-signs a delegation as it is: same tags, version + 1, three more years', async () => {
    const { sim, keys } = expiringReleases();
    const before = sim.targetsOf('targets/releases');
    const { draft } = await draftOf(sim);
    applyChanges(draft, [witness('targets/releases')]);
    const update = await buildUpdate(draft, heldKeys([...keys, ...simKeysOf(sim, 'snapshot')]), NOW);
    assert.deepEqual([...update.files.keys()], ['targets/releases', 'snapshot']);
    const signed = decodeFile<TargetsJson>(update.files.get('targets/releases')!).signed;
    assert.deepEqual(signed.targets, before.targets);
    assert.equal(signed.version, before.version + 1);
    assert.equal(signed.expires, defaultExpiry('targets/releases', NOW));

    acceptUpload(sim, update);
    const after = await refreshSim(sim);
    assert.deepEqual(Object.keys(after.trusted.delegations.get('targets/releases')!.signed.targets), ['v1']);
  });

  it('changes nothing when applied again after its publish got through', async () => {
    const { sim, keys } = expiringReleases();
    const change = witness('targets/releases');
    const { draft } = await draftOf(sim);
    applyChanges(draft, [change]);
    acceptUpload(sim, await buildUpdate(draft, heldKeys([...keys, ...simKeysOf(sim, 'snapshot')]), new Date(NOW.getTime() + 5_000)));
    const { draft: again } = await draftOf(sim);
    applyChanges(again, [change]);
    assert.deepEqual(again.dirtyTargetsRoles(), []);
  });

  it('renews root with its own keys', async () => {
    const sim = new RepoSimulator();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [witness('root')]);
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'root', 'snapshot')), NOW);
    assert.deepEqual([...update.files.keys()], ['root', 'snapshot']);
    assert.equal(decodeFile<{ expires: string }>(update.files.get('root')!).signed.expires, defaultExpiry('root', NOW));
  });

  it('renews targets, and with it the snapshot', async () => {
    const sim = new RepoSimulator();
    const { draft } = await draftOf(sim);
    applyChanges(draft, [witness('targets')]);
    const update = await buildUpdate(draft, heldKeys(simKeysOf(sim, 'targets', 'snapshot')), NOW);
    assert.deepEqual(update.versions, { targets: sim.version('targets') + 1, snapshot: sim.version('snapshot') + 1 });
  });
});
