// The audit's verdict per registry tag, on simulated repositories shaped like the ones docker trust
// and notary make: exactly one status per tag, decided from verified data, with failed roles used
// only to explain why a tag lost its signature.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newKey, newRootKey, RepoSimulator, type SimKey } from '../../helpers/repo-simulator';
import { attack, flippedSignature, text } from '../../helpers/tamper';
import { daysFrom } from '../../helpers/tuf-harness';
import { auditSim, IMAGE, OTHER_IMAGE, statusOf } from './support/audit-sim';

interface DockerLike {
  sim: RepoSimulator;
  alice: SimKey;
  bob: SimKey;
}

/**
 * What `docker trust signer add` + `docker trust sign` leave: targets/releases holding the keys of
 * alice and bob, each signer's own role, alice signed v1 and bob v2 (so bob signed releases last).
 */
function dockerLike(setup?: (repo: DockerLike) => void): DockerLike {
  const sim = new RepoSimulator();
  const alice = newKey();
  const bob = newKey();
  sim.addDelegation('targets/releases', { keys: [alice, bob] });
  sim.addDelegation('targets/alice', { keys: [alice] });
  sim.addDelegation('targets/bob', { keys: [bob] });
  sim.addTarget('targets/releases', 'v1', IMAGE).addTarget('targets/alice', 'v1', IMAGE);
  sim.addTarget('targets/releases', 'v2', OTHER_IMAGE).addTarget('targets/bob', 'v2', OTHER_IMAGE);
  sim.setSigners('targets/releases', [bob]);
  const repo = { sim, alice, bob };
  setup?.(repo);
  sim.publish();
  return repo;
}

/** `docker trust signer remove alice`: her keys leave targets/releases, her own role keeps none. */
function removeAlice({ sim, bob }: DockerLike): void {
  sim.editTargets('targets', (targets) => {
    for (const role of targets.delegations.roles) {
      if (role.name === 'targets/releases') role.keyids = [bob.id];
      if (role.name === 'targets/alice') role.keyids = [];
    }
  });
  sim.publish();
}

const REGISTRY = { v1: IMAGE.sha256Hex, v2: OTHER_IMAGE.sha256Hex };

describe('signed', () => {
  it('is a tag that targets/releases holds with the digest the registry serves, attributed to its signer', async () => {
    const audit = await auditSim(dockerLike().sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'signed');
    assert.deepEqual(audit.tags['v1']?.signers, ['alice']);
    assert.equal(audit.tags['v1']?.signedDigest, `sha256:${IMAGE.sha256Hex}`);
    assert.deepEqual(audit.tags['v2']?.signers, ['bob']);
  });

  it('is a tag only targets holds (notary addhash, no delegations), signed by the Repo Admin', async () => {
    const sim = new RepoSimulator();
    sim.addTarget('targets', 'latest', IMAGE).publish();
    const audit = await auditSim(sim, { latest: IMAGE.sha256Hex });
    assert.equal(statusOf(audit, 'latest'), 'signed');
    assert.deepEqual(audit.tags['latest']?.signers, ['Repo Admin']);
  });

  it('ignores the timestamp: notary-server renews its 14-day timestamp itself, so a 30-day window does not flag every tag', async () => {
    const audit = await auditSim(dockerLike().sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'signed');
    assert.notEqual(audit.tags['v1']?.firstExpiry?.what, 'timestamp');
  });
});

describe('unsigned', () => {
  it('is a tag the registry serves and no trust data mentions', async () => {
    const audit = await auditSim(dockerLike().sim, { ...REGISTRY, dev: 'cc'.repeat(32) });
    assert.equal(statusOf(audit, 'dev'), 'unsigned');
  });

  it('is a tag only a signer delegation holds: docker pull reads targets/releases and targets alone', async () => {
    const { sim } = dockerLike((repo) => repo.sim.addTarget('targets/alice', 'nightly', IMAGE));
    const audit = await auditSim(sim, { nightly: IMAGE.sha256Hex });
    assert.equal(statusOf(audit, 'nightly'), 'unsigned');
    assert.match(audit.tags['nightly']?.reason ?? '', /neither targets\/releases nor targets/);
  });
});

describe('digest-mismatch', () => {
  it('is a signed tag the registry now serves another manifest for (re-pushed after signing)', async () => {
    const audit = await auditSim(dockerLike().sim, { v1: 'dd'.repeat(32) });
    assert.equal(statusOf(audit, 'v1'), 'digest-mismatch');
    assert.equal(audit.tags['v1']?.signedDigest, `sha256:${IMAGE.sha256Hex}`);
    assert.equal(audit.tags['v1']?.registryDigest, `sha256:${'dd'.repeat(32)}`);
  });

  it('follows docker pull when targets/releases and targets disagree: releases wins', async () => {
    const { sim } = dockerLike((repo) => repo.sim.addTarget('targets', 'v1', OTHER_IMAGE));
    assert.equal(statusOf(await auditSim(sim, { v1: IMAGE.sha256Hex }), 'v1'), 'signed');
    assert.equal(statusOf(await auditSim(sim, { v1: OTHER_IMAGE.sha256Hex }), 'v1'), 'digest-mismatch');
  });

  it('wins over a revoked signer: the registry does not even serve what was signed', async () => {
    const repo = dockerLike();
    removeAlice(repo);
    assert.equal(statusOf(await auditSim(repo.sim, { v1: 'dd'.repeat(32) }), 'v1'), 'digest-mismatch');
  });
});

describe('revoked-signer', () => {
  it('is a released tag whose only signer had her keys removed; her co-signer\'s tag stays signed', async () => {
    const repo = dockerLike();
    removeAlice(repo);
    const audit = await auditSim(repo.sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'revoked-signer');
    assert.equal(audit.tags['v1']?.failedRole, 'targets/alice');
    assert.equal(statusOf(audit, 'v2'), 'signed');
    assert.equal(audit.failed.get('targets/alice')?.revoked, true);
  });

  it('is a released tag whose signer role now lists another key than the one that signed it', async () => {
    const repo = dockerLike();
    const replacement = newKey();
    repo.sim.editTargets('targets', (targets) => {
      targets.delegations.keys[replacement.id] = replacement.public as never;
      const alice = targets.delegations.roles.find((role) => role.name === 'targets/alice');
      if (alice) alice.keyids = [replacement.id];
    });
    repo.sim.publish();
    const audit = await auditSim(repo.sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'revoked-signer');
    assert.equal(audit.failed.get('targets/alice')?.revoked, true);
  });

  it('is a released tag whose only signer role no longer verifies (a broken signature), though nobody revoked her', async () => {
    const repo = dockerLike();
    // Re-published with a signature by her (still listed) key that does not verify.
    repo.sim.editSigned('targets/alice', () => undefined);
    repo.sim.publish({ rewrite: { 'targets/alice': flippedSignature } });
    const audit = await auditSim(repo.sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'revoked-signer');
    assert.equal(audit.failed.get('targets/alice')?.revoked, false);
    assert.match(audit.tags['v1']?.reason ?? '', /no longer verifies \(signature-threshold\)/);
  });

  it('is every tag of a targets/releases signed last by the signer who was removed from it', async () => {
    const repo = dockerLike((r) => r.sim.setSigners('targets/releases', [r.alice]));
    removeAlice(repo);
    const audit = await auditSim(repo.sim, { ...REGISTRY, dev: 'cc'.repeat(32) });
    assert.equal(statusOf(audit, 'v1'), 'revoked-signer');
    assert.equal(statusOf(audit, 'v2'), 'revoked-signer');
    assert.equal(audit.tags['v2']?.failedRole, 'targets/releases');
    assert.equal(statusOf(audit, 'dev'), 'unsigned', 'a tag releases never held is not revoked');
  });
});

describe('signature-invalid', () => {
  it('is a tag held by a targets/releases whose signature by a current key does not verify', async () => {
    const repo = dockerLike();
    const fetcher = attack(repo.sim, 'targets/releases', flippedSignature);
    const audit = await auditSim(repo.sim, { ...REGISTRY, dev: 'cc'.repeat(32) }, { fetcher });
    assert.equal(statusOf(audit, 'v1'), 'signature-invalid');
    assert.equal(audit.tags['v1']?.failedRole, 'targets/releases');
    assert.equal(statusOf(audit, 'dev'), 'unsigned');
  });

  it('is every unreleased tag when targets/releases failed and cannot even be read', async () => {
    const repo = dockerLike();
    const fetcher = attack(repo.sim, 'targets/releases', text(() => 'not json'));
    const audit = await auditSim(repo.sim, { ...REGISTRY, dev: 'cc'.repeat(32) }, { fetcher });
    assert.equal(statusOf(audit, 'dev'), 'signature-invalid');
    assert.equal(statusOf(audit, 'v1'), 'signature-invalid');
  });

  it('spares a tag targets itself still releases when targets/releases failed (docker pull falls back to targets)', async () => {
    const repo = dockerLike((r) => r.sim.addTarget('targets', 'v1', IMAGE));
    const fetcher = attack(repo.sim, 'targets/releases', flippedSignature);
    const audit = await auditSim(repo.sim, REGISTRY, { fetcher });
    assert.equal(statusOf(audit, 'v1'), 'signed');
    assert.equal(statusOf(audit, 'v2'), 'signature-invalid');
  });
});

describe('expiring-soon', () => {
  it('is a signed tag whose targets/releases expires within the window, naming that role', async () => {
    const { sim } = dockerLike((repo) => repo.sim.setExpires('targets/releases', daysFrom(repo.sim.now, 5)));
    const audit = await auditSim(sim, REGISTRY);
    assert.equal(statusOf(audit, 'v1'), 'expiring-soon');
    assert.equal(audit.tags['v1']?.firstExpiry?.what, 'targets/releases');
    assert.ok((audit.tags['v1']?.firstExpiry?.daysLeft ?? -1) >= 4);
  });

  it('is not flagged outside a narrower window, yet still reports the first expiry', async () => {
    const { sim } = dockerLike((repo) => repo.sim.setExpires('targets/releases', daysFrom(repo.sim.now, 5)));
    const audit = await auditSim(sim, REGISTRY, { expiringWithinDays: 3 });
    assert.equal(statusOf(audit, 'v1'), 'signed');
    assert.equal(audit.tags['v1']?.firstExpiry?.what, 'targets/releases');
  });

  it('counts the parent of a nested signer role', async () => {
    const sim = new RepoSimulator();
    sim.addDelegation('targets/releases');
    sim.addDelegation('targets/team');
    sim.addDelegation('targets/team/sub');
    sim.addTarget('targets/releases', 'v1', IMAGE).addTarget('targets/team/sub', 'v1', IMAGE);
    sim.setExpires('targets/team', daysFrom(sim.now, 3)).publish();
    const audit = await auditSim(sim, { v1: IMAGE.sha256Hex });
    assert.deepEqual(audit.tags['v1']?.signers, ['team/sub']);
    assert.equal(statusOf(audit, 'v1'), 'expiring-soon');
    assert.equal(audit.tags['v1']?.firstExpiry?.what, 'targets/team');
  });

  it('counts root certificates: root stops verifying when its certificates expire', async () => {
    const sim = new RepoSimulator();
    sim.addTarget('targets', 'v1', IMAGE);
    sim.rotateRoot({ keys: [newRootKey(sim.gun, { validityDays: 10 })] });
    sim.publish();
    const audit = await auditSim(sim, { v1: IMAGE.sha256Hex });
    assert.equal(statusOf(audit, 'v1'), 'expiring-soon');
    assert.equal(audit.tags['v1']?.firstExpiry?.what, 'root certificates');
  });
});
