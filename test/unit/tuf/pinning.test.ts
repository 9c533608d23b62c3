// Which first root to believe, as notary's trust pinning decides it: a configured certificate ID
// wins, then a CA for the GUN (longest matching prefix), then trust on first use — after which the
// cached root is the pin every later root must chain to.
import assert from 'node:assert/strict';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { loadRepository } from '../../../electron/core/trust/load-repository';
import type { TrustPinning } from '../../../electron/core/trust/pinning';
import { MetadataCache } from '../../../electron/core/state/metadata-cache';
import { releasedRepository } from '../../helpers/tamper';
import { daysFrom, refusal, tempDir } from '../../helpers/tuf-harness';
import { makeTestCa, type TestCa } from '../../helpers/ca-root';
import { newRootKey, RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator';

const GUN = 'example.com/countersign/sim';

const SERVER = 'https://notary.test';

let home: { dir: string; remove: () => void };
beforeEach(() => {
  home = tempDir('tuf-pinning');
});
afterEach(() => home.remove());

function load(sim: RepoSimulator, options: { pinning?: TrustPinning; fetcher?: SimFetcher } = {}) {
  return loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher: options.fetcher ?? sim.fetcher(), ...(options.pinning ? { pinning: options.pinning } : {}) });
}

/** Another repository under the same GUN: what a compromised server would swap in. */
function impostorOf(sim: RepoSimulator, rootVersions: number): RepoSimulator {
  const impostor = new RepoSimulator({ gun: sim.gun });
  impostor.addDelegation('targets/releases');
  impostor.addTarget('targets/releases', 'v1', { sha256Hex: 'ee'.repeat(32) });
  for (let v = 1; v < rootVersions; v++) impostor.rotateRoot();
  impostor.publish();
  return impostor;
}

/** An impostor whose root also lists the real root certificate (threshold 1, signed by its own key only). */
function impostorWithCopiedRootKey(sim: RepoSimulator): RepoSimulator {
  const realId = sim.root.roles.root.keyids[0]!;
  const realKey = sim.root.keys[realId]!;
  const impostor = impostorOf(sim, 1);
  impostor.editRoot((root) => {
    root.keys[realId] = realKey;
    root.roles.root.keyids.push(realId);
  });
  impostor.publish();
  return impostor;
}

describe('trust on first use', () => {
  it('pins the first root it sees and follows rotations signed from it', async () => {
    const sim = releasedRepository();
    await load(sim);
    sim.rotateRoot();
    sim.publish();
    const { view } = await load(sim);
    assert.equal(view.roles.find((r) => r.name === 'root')?.version, 2);
  });

  it('refuses a root that does not chain to the pinned one (versioned roots not signed by it)', async () => {
    const sim = releasedRepository();
    await load(sim);
    const pinned = (await new MetadataCache(home.dir, SERVER, sim.gun).load())?.files.get('root');
    const impostor = impostorOf(sim, 3);
    await assert.rejects(load(impostor), refusal('root-rotation', 'root'));
    assert.deepEqual((await new MetadataCache(home.dir, SERVER, sim.gun).load())?.files.get('root'), pinned, 'the pin stays');
  });

  it('refuses another repository under the same name that has no versioned roots at all', async () => {
    const sim = releasedRepository();
    await load(sim);
    // Its timestamp is not signed by a key the pinned root names, and no root version leads there.
    await assert.rejects(load(impostorOf(sim, 1)), refusal('signature-threshold', 'timestamp'));
  });

  it('refuses a repository met for the first time when trust on first use is disabled and nothing pins it', async () => {
    const sim = releasedRepository();
    await assert.rejects(load(sim, { pinning: { disableTofu: true } }), refusal('root-pin-mismatch', 'root'));
  });
});

describe('a configured certificate pin', () => {
  it('accepts a first root that uses the pinned certificate', async () => {
    const sim = releasedRepository();
    const pinning = { certs: { [sim.gun]: [sim.root.roles.root.keyids[0]!] }, disableTofu: true };
    const { view } = await load(sim, { pinning });
    assert.deepEqual(view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('refuses a first root that uses none of the pinned certificates', async () => {
    const sim = releasedRepository();
    const other = impostorOf(sim, 1);
    const pinning = { certs: { [sim.gun]: [other.root.roles.root.keyids[0]!] } };
    await assert.rejects(load(sim, { pinning }), refusal('root-pin-mismatch', 'root'));
  });

  it('refuses a root that lists the pinned certificate but is not signed by it', async () => {
    // Certificates are public: an impostor can copy the pinned one into a root it signs itself.
    const sim = releasedRepository();
    const pinnedId = sim.root.roles.root.keyids[0]!;
    const impostor = impostorWithCopiedRootKey(sim);
    await assert.rejects(load(impostor, { pinning: { certs: { [sim.gun]: [pinnedId] } } }), refusal('root-pin-mismatch', 'root'));
  });

  it("counts the root's own threshold over the pinned certificates: one pin of a root signed by two keys of threshold 2 is not enough", async () => {
    const [first, second] = [newRootKey(GUN), newRootKey(GUN)];
    const sim = releasedRepository((s) => {
      s.replaceRoleKeys('root', [first, second], 2);
      s.setSigners('root', [first, second]);
    });
    const pinnedOne = { certs: { [sim.gun]: [second.id] } };
    await assert.rejects(load(sim, { pinning: pinnedOne }), refusal('root-pin-mismatch', 'root'));
    const pinnedBoth = { certs: { [sim.gun]: sim.root.roles.root.keyids } };
    assert.deepEqual((await load(sim, { pinning: pinnedBoth })).view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('wins over a CA pin for the same repository', async () => {
    const sim = releasedRepository();
    const ca = makeTestCa();
    const pinning = { certs: { [sim.gun]: [sim.root.roles.root.keyids[0]!] }, ca: { [sim.gun]: ca.certPem } };
    await load(sim, { pinning });
  });
});

describe('a configured CA pin', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  before(() => {
    ca = makeTestCa('Countersign Test CA');
    otherCa = makeTestCa('Some Other CA');
  });

  function issuedBy(authority: TestCa, options: { extendedKeyUsage?: string } = {}): RepoSimulator {
    return releasedRepository((s) => {
      const key = authority.issueRootKey(s.gun, options);
      s.replaceRoleKeys('root', [key], 1);
      s.setSigners('root', [key]);
    });
  }

  it('accepts a first root whose certificate the pinned CA issued', async () => {
    const sim = issuedBy(ca);
    const { view } = await load(sim, { pinning: { ca: { [sim.gun]: ca.certPem }, disableTofu: true } });
    assert.deepEqual(view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('applies a CA pinned for a prefix of the GUN', async () => {
    const sim = issuedBy(ca);
    await load(sim, { pinning: { ca: { 'example.com/': otherCa.certPem, 'example.com/countersign/': ca.certPem } } });
  });

  it('refuses a first root whose certificate another CA issued', async () => {
    const sim = issuedBy(otherCa);
    await assert.rejects(load(sim, { pinning: { ca: { [sim.gun]: ca.certPem } } }), refusal('root-pin-mismatch', 'root'));
  });

  it('refuses a first root issued by the pinned CA once the CA has expired', async () => {
    const shortLived = makeTestCa('Short-lived CA', 1);
    const sim = issuedBy(shortLived);
    const loading = loadRepository({
      home: home.dir,
      server: SERVER,
      gun: sim.gun,
      fetcher: sim.fetcher(),
      pinning: { ca: { [sim.gun]: shortLived.certPem } },
      now: daysFrom(sim.now, 2),
    });
    await assert.rejects(loading, refusal('root-pin-mismatch', 'root'));
  });

  it('refuses a root that lists a certificate the CA issued but is not signed by it', async () => {
    const sim = issuedBy(ca);
    const impostor = impostorWithCopiedRootKey(sim);
    await assert.rejects(load(impostor, { pinning: { ca: { [sim.gun]: ca.certPem } } }), refusal('root-pin-mismatch', 'root'));
  });

  it('refuses a self-signed first root when a CA is pinned', async () => {
    const sim = releasedRepository();
    await assert.rejects(load(sim, { pinning: { ca: { [sim.gun]: ca.certPem } } }), refusal('root-pin-mismatch', 'root'));
  });

  it("accepts a root whose certificate an intermediate issued, chaining through the intermediate in the root key's bundle", async () => {
    const sim = issuedBy(ca.issueIntermediate('Countersign Intermediate'));
    await load(sim, { pinning: { ca: { [sim.gun]: ca.certPem }, disableTofu: true } });
  });

  it('refuses a chain through a certificate that is not a CA: a bundle with two leaves names no one key (parseAllCerts)', async () => {
    const sim = issuedBy(ca.issueIntermediate('Not A CA', { ca: false }));
    await assert.rejects(load(sim, { pinning: { ca: { [sim.gun]: ca.certPem } } }), refusal('root-certificate', 'root'));
  });

  // Go's chain verification (notary's caCheck passes no key usage, so Go asks for server auth): a
  // leaf restricted to code signing does not chain, one allowed server auth does.
  it('refuses a CA-issued root whose certificate is restricted to code signing, as notary does', async () => {
    const sim = issuedBy(ca, { extendedKeyUsage: 'codeSigning' });
    await assert.rejects(load(sim, { pinning: { ca: { [sim.gun]: ca.certPem } } }), refusal('root-pin-mismatch', 'root'));
  });

  it('accepts a CA-issued root whose certificate allows server authentication', async () => {
    const sim = issuedBy(ca, { extendedKeyUsage: 'serverAuth,codeSigning' });
    await load(sim, { pinning: { ca: { [sim.gun]: ca.certPem }, disableTofu: true } });
  });
});

describe('certificate pins as notary matches them', () => {
  it('applies a wildcard pin ("example.com/countersign/*") to the GUNs it covers', async () => {
    const sim = releasedRepository();
    const other = releasedRepository();
    const pinning = { certs: { 'example.com/countersign/*': [other.root.roles.root.keyids[0]!] }, disableTofu: true };
    await assert.rejects(load(sim, { pinning }), refusal('root-pin-mismatch', 'root'));
  });

  it('treats a GUN pinned to an empty list as pinned to nothing, never as unpinned', async () => {
    const sim = releasedRepository();
    await assert.rejects(load(sim, { pinning: { certs: { [sim.gun]: [] } } }), refusal('root-pin-mismatch', 'root'));
  });

  it('prefers the exact GUN over a wildcard', async () => {
    const sim = releasedRepository();
    const pinning = { certs: { [sim.gun]: [sim.root.roles.root.keyids[0]!], 'example.com/*': ['ab'.repeat(32)] } };
    await load(sim, { pinning });
  });
});
