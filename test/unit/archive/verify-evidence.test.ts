// Offline verification of a repository's evidence, on simulated repositories: the chain from root
// version 1, the whole update as of the recorded time (not the wall clock: an archive must still
// verify years after its timestamp expired), the role set and the tag map.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArchiveCheckName } from '../../../shared/audit';
import { decodeArchive, encodeArchive, tagMapOf, verifyRepositoryEvidence, type RepositoryEvidence } from '../../../electron/core/archive';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { refreshRepository } from '../../../electron/core/tuf/updater';
import { newKey, RepoSimulator } from '../../helpers/repo-simulator';

/** Evidence of the simulator's current state, as `archive` would take it (verified as of sim.now). */
async function evidenceOf(sim: RepoSimulator): Promise<RepositoryEvidence> {
  const result = await refreshRepository({ gun: sim.gun, fetcher: sim.fetcher(), now: sim.now });
  const verifiedAt = sim.now.toISOString();
  const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: 'https://notary.test', source: 'server', verifiedAt });
  const metadata = new Map(result.toStore.files);
  for (const failure of result.failedDelegations) metadata.set(failure.role, sim.file(failure.role));
  return {
    gun: sim.gun,
    server: 'https://notary.test',
    verifiedAt,
    rootVersions: Array.from({ length: sim.version('root') }, (_, i) => sim.file(`${i + 1}.root`)),
    metadata,
    failedRoles: result.failedDelegations.map((failure) => ({ role: failure.role, code: failure.error.code })),
    verifiedRoles: [...result.toStore.files.keys()].sort(),
    tagMap: tagMapOf(view),
  };
}

async function failedChecks(evidence: RepositoryEvidence): Promise<ArchiveCheckName[]> {
  return (await verifyRepositoryEvidence(evidence)).checks.filter((check) => !check.ok).map((check) => check.name);
}

function released(): RepoSimulator {
  const sim = new RepoSimulator();
  sim.addDelegation('targets/releases');
  sim.addTarget('targets/releases', 'v1').addTarget('targets', 'v1');
  sim.publish();
  return sim;
}

describe('offline verification of evidence', () => {
  it('passes every check for a repository whose root was rotated twice', async () => {
    const sim = released();
    sim.rotateRoot();
    sim.publish();
    sim.rotateRoot();
    sim.addTarget('targets', 'v2').publish();
    const evidence = await evidenceOf(sim);
    assert.equal(evidence.rootVersions.length, 3);
    const { checks } = await verifyRepositoryEvidence(evidence);
    assert.deepEqual(checks.map((c) => [c.name, c.ok]), [['root-chain', true], ['metadata', true], ['roles', true], ['tag-map', true]]);
  });

  it('runs as of the recorded time, not the clock: it still verifies after its timestamp expired, and not past it', async () => {
    const sim = new RepoSimulator();
    sim.setExpires('timestamp', new Date(Date.now() + 1500));
    sim.addTarget('targets', 'v1').publish();
    const evidence = await evidenceOf(sim);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    assert.deepEqual(await failedChecks(evidence), []);
    evidence.verifiedAt = new Date(Date.now() + 1000).toISOString();
    assert.equal((await failedChecks(evidence))[0], 'metadata');
  });

  it('fails root-chain when a root version is missing from the middle', async () => {
    const sim = released();
    sim.rotateRoot();
    sim.publish();
    sim.rotateRoot();
    sim.publish();
    const evidence = await evidenceOf(sim);
    evidence.rootVersions.splice(1, 1);
    assert.ok((await failedChecks(evidence)).includes('root-chain'));
  });

  it('fails root-chain when the current root is not the last archived version', async () => {
    const sim = released();
    const evidence = await evidenceOf(sim);
    sim.rotateRoot();
    sim.publish();
    evidence.rootVersions.push(sim.file('2.root'));
    assert.ok((await failedChecks(evidence)).includes('root-chain'));
  });

  it('fails roles when a delegation recorded as failing verifies now', async () => {
    const sim = released();
    const evidence = await evidenceOf(sim);
    evidence.failedRoles.push({ role: 'targets/releases', code: 'signature-threshold' });
    assert.deepEqual(await failedChecks(evidence), ['roles']);
  });

  it('passes a delegation recorded as failing that fails the same way (a removed signer\'s role)', async () => {
    const sim = released();
    const alice = newKey();
    sim.addDelegation('targets/alice', { keys: [alice] });
    sim.addTarget('targets/alice', 'v1').publish();
    sim.editTargets('targets', (targets) => {
      const role = targets.delegations.roles.find((r) => r.name === 'targets/alice');
      if (role) role.keyids = [];
    });
    sim.publish();
    const evidence = await evidenceOf(sim);
    assert.deepEqual(evidence.failedRoles, [{ role: 'targets/alice', code: 'signature-threshold' }]);
    assert.deepEqual(await failedChecks(evidence), []);
  });

  it('fails tag-map when the map was taken from other data than the metadata', async () => {
    const sim = released();
    const evidence = await evidenceOf(sim);
    sim.addTarget('targets/releases', 'v2').publish();
    evidence.tagMap = (await evidenceOf(sim)).tagMap;
    assert.deepEqual(await failedChecks(evidence), ['tag-map']);
  });

  it('survives the way through an archive file unchanged', async () => {
    const evidence = await evidenceOf(released());
    const [decoded] = decodeArchive(encodeArchive([evidence], new Date())).repositories;
    assert.ok(decoded?.evidence);
    assert.deepEqual(await failedChecks(decoded.evidence), []);
    assert.deepEqual([...decoded.evidence.metadata.keys()].sort(), [...evidence.metadata.keys()].sort());
  });
});
