// notary's client-side rules, one test per attack they stop, grouped by the notary file each rule
// comes from (the table in electron/core/tuf/README.md lists them with our check). Where we are
// stricter than notary, the test says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delegationNameProblem, checkMetadataFileName, MAX_ROLE_NAME_LENGTH } from '../../../electron/core/tuf/role-names';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { effectivePaths } from '../../../electron/core/tuf/trusted-set';
import type { RefreshResult } from '../../../electron/core/tuf/updater';
import { releasedRepository, verdictOf, withSignatures } from '../../helpers/tamper';
import { daysFrom, refreshSim } from '../../helpers/tuf-harness';
import { generateKeyPairSync } from 'node:crypto';
import { keyId } from '../../../electron/core/crypto/key-id';
import { newKey, newRootKey, type RepoSimulator, type SimKey } from '../../helpers/repo-simulator';
import { openSslRootKey, type OpenSslCertificateOptions } from '../../helpers/openssl-certs';

/** The simulator's GUN: root certificates must name it. */
const GUN = 'example.com/countersign/sim';

function viewOf(result: RefreshResult) {
  return buildRepositoryView(result.trusted, result.failedDelegations, { server: 'https://notary.test', source: 'server', verifiedAt: '2026-01-01T00:00:00Z' });
}

/** Every request a refresh of `sim` makes, and how it ended. */
async function requestsOf(sim: RepoSimulator, role: string): Promise<{ verdict: Awaited<ReturnType<typeof verdictOf>>; requests: string[] }> {
  const fetcher = sim.fetcher();
  const verdict = await verdictOf(sim, role, { fetcher });
  return { verdict, requests: fetcher.requests };
}

describe('tuf/data/roles.go: role names (IsDelegation), checked before any request', () => {
  const invalid: [string, string][] = [
    ['path traversal with ../ segments', 'targets/../../../../v2/other/repo/_trust/tuf/targets'],
    ['path traversal with backslashes (a URL parser turns them into slashes)', 'targets\\..\\..\\escape'],
    [`a name longer than notary's ${MAX_ROLE_NAME_LENGTH} characters`, `targets/${'a'.repeat(MAX_ROLE_NAME_LENGTH)}`],
    ['an upper-case name', 'targets/Releases'],
    ['a dot in a name', 'targets/a.b'],
    ['an empty segment', 'targets//a'],
    ['a trailing slash', 'targets/a/'],
    ['a space', 'targets/a b'],
    ['a query string', 'targets/a?x=1'],
  ];
  for (const [attack, name] of invalid) {
    it(`refuses targets that delegates to ${attack}, and requests nothing for it`, async () => {
      const sim = releasedRepository((s) => s.addDelegationTo('targets', name));
      const { verdict, requests } = await requestsOf(sim, 'targets');
      assert.deepEqual(verdict, { code: 'role-name-invalid', role: 'targets' });
      // The delegations snapshot lists are asked for early (a download, never admitted unless
      // delegated): the invalid name is never among them.
      assert.deepEqual(requests.filter((r) => r.startsWith(name)), []);
    });
  }

  it('refuses a delegation that delegates to an invalid name (left out with its subtree), and requests nothing for the name', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team');
      s.addDelegationTo('targets/team', 'targets/team/../../x');
    });
    const { verdict, requests } = await requestsOf(sim, 'targets/team');
    assert.deepEqual(verdict, { code: 'role-name-invalid', role: 'targets/team' });
    assert.ok(!requests.some((r) => r.includes('..')), requests.join(', '));
  });

  it('refuses a delegation named like a top-level role (targets delegating "timestamp")', async () => {
    const sim = releasedRepository((s) => s.addDelegationTo('targets', 'timestamp'));
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'role-name-invalid', role: 'targets' });
  });

  it("accepts notary's own names: lower case, digits, '-', '_' and nested paths", async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/ci-bot_2');
      s.addDelegation('targets/ci-bot_2/nightly');
    });
    const result = await refreshSim(sim);
    assert.deepEqual(result.failedDelegations, []);
    assert.ok(result.trusted.delegations.has('targets/ci-bot_2/nightly'));
  });

  it('names each problem (the rule, mirrored from IsDelegation)', () => {
    assert.equal(delegationNameProblem('targets/releases'), undefined);
    assert.equal(delegationNameProblem(`targets/${'a'.repeat(MAX_ROLE_NAME_LENGTH - 'targets/'.length)}`), undefined);
    assert.match(delegationNameProblem(`targets/${'a'.repeat(MAX_ROLE_NAME_LENGTH - 'targets/'.length + 1)}`) ?? '', /over notary's limit/);
    assert.match(delegationNameProblem('releases') ?? '', /not under targets/);
    assert.match(delegationNameProblem('targets') ?? '', /not under targets/);
    assert.match(delegationNameProblem('targets/a\\b') ?? '', /characters/);
    assert.match(delegationNameProblem('targets/a//b') ?? '', /clean path/);
  });

  it('never lets a request leave the repository: only metadata files of valid roles may be fetched', () => {
    for (const ok of ['root.json', '3.root.json', 'timestamp.json', `snapshot.${'a'.repeat(64)}.json`, 'targets/releases.json', `targets/a/b.${'0'.repeat(64)}.json`]) {
      assert.doesNotThrow(() => checkMetadataFileName(ok), ok);
    }
    for (const bad of ['../root.json', 'targets/../x.json', 'targets\\x.json', '2.targets.json', 'targets/a?.json', 'targets.JSON', '/etc/passwd']) {
      assert.throws(() => checkMetadataFileName(bad), { code: 'role-name-invalid' }, bad);
    }
  });
});

describe('tuf/data/roles.go and targets.go: the delegation hierarchy', () => {
  it('restricts a child to the part of its paths inside its parent\'s (RestrictDelegationPathPrefixes)', () => {
    const role = (name: string, paths: string[]) => ({ name, paths, keyids: [], threshold: 1 });
    assert.deepEqual(effectivePaths([role('targets/team', ['team/']), role('targets/team/sub', ['', 'team/sub/', 'other/'])]), ['team/sub/']);
    assert.deepEqual(effectivePaths([role('targets/a', [])]), []);
  });
});

describe('tuf/data/root.go and targets.go: thresholds and key lists (isValidRootRoleStructure)', () => {
  it('refuses a root that lists a key ID for a role without including the key', async () => {
    const sim = releasedRepository((s) => s.editRoot((root) => root.roles.targets.keyids.push('ab'.repeat(32))));
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'metadata-malformed', role: 'root' });
  });

  it('refuses targets when a delegation lists a key targets does not include', async () => {
    const sim = releasedRepository((s) =>
      s.editTargets('targets', (targets) => targets.delegations.roles.find((r) => r.name === 'targets/releases')!.keyids.push('cd'.repeat(32))),
    );
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'metadata-malformed', role: 'targets' });
  });

  it('refuses targets that delegates one name twice with different keys (which keys count would be ambiguous; notary takes the first)', async () => {
    const sim = releasedRepository((s) => s.addDelegationTo('targets', 'targets/releases', { keys: [newKey('ecdsa')] }));
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'metadata-malformed', role: 'targets' });
  });

  it('refuses a delegation threshold of 0 (a role anyone could sign for)', async () => {
    const sim = releasedRepository((s) => s.editTargets('targets', (targets) => (targets.delegations.roles[0]!.threshold = 0)));
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'metadata-malformed', role: 'targets' });
  });

  it('refuses a timestamp of version 0 ("version cannot be less than one")', async () => {
    const sim = releasedRepository();
    sim.publishTimestamp({ editTimestamp: (timestamp) => (timestamp.version = 0) });
    assert.deepEqual(await verdictOf(sim, 'timestamp'), { code: 'metadata-malformed', role: 'timestamp' });
  });
});

describe('tuf/data/types.go, snapshot.go, timestamp.go: hashes and the consistency of timestamp, snapshot and files', () => {
  it('refuses a timestamp that vouches for snapshot by sha512 only (notary requires sha256)', async () => {
    const sim = releasedRepository();
    sim.publishTimestamp({ editTimestamp: (timestamp) => delete timestamp.meta.snapshot.hashes['sha256'] });
    assert.deepEqual(await verdictOf(sim, 'snapshot'), { code: 'hash-mismatch', role: 'snapshot' });
  });

  it('refuses a timestamp whose snapshot sha256 is not 32 bytes (a truncated hash pins nothing)', async () => {
    const sim = releasedRepository();
    sim.publishTimestamp({ editTimestamp: (timestamp) => (timestamp.meta.snapshot.hashes['sha256'] = Buffer.alloc(16).toString('base64')) });
    assert.deepEqual(await verdictOf(sim, 'snapshot'), { code: 'hash-mismatch', role: 'snapshot' });
  });

  for (const role of ['root', 'targets']) {
    it(`refuses a snapshot that vouches for ${role} without a sha256`, async () => {
      const sim = releasedRepository();
      sim.editSigned('targets', () => undefined).publish({ editSnapshot: (snapshot) => delete snapshot.meta[role]!.hashes['sha256'] });
      assert.deepEqual(await verdictOf(sim, role), { code: 'hash-mismatch', role });
    });
  }

  it('refuses a snapshot that does not list root (notary: missing root checksum information)', async () => {
    const sim = releasedRepository();
    sim.publish({ editSnapshot: (snapshot) => delete snapshot.meta['root'] });
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'role-missing', role: 'root' });
  });

  it('refuses a snapshot that lists a delegation with a sha512 that is not 64 bytes', async () => {
    const sim = releasedRepository();
    sim.editSigned('targets', () => undefined).publish({ editSnapshot: (snapshot) => (snapshot.meta['targets/releases']!.hashes['sha512'] = 'AAAA') });
    assert.deepEqual(await verdictOf(sim, 'targets/releases'), { code: 'hash-mismatch', role: 'targets/releases' });
  });

  it('refuses a timestamp whose _type is written in another case ("timestamp"): notary compares it exactly', async () => {
    const sim = releasedRepository();
    sim.publishTimestamp({ editTimestamp: (timestamp) => (timestamp._type = 'timestamp') });
    assert.deepEqual(await verdictOf(sim, 'timestamp'), { code: 'metadata-wrong-type', role: 'timestamp' });
  });
});

describe('tuf/data/types.go: a target needs sha256 to be a signed tag', () => {
  const withTag = (hashes: Record<string, string>) =>
    releasedRepository((s) => s.editTargets('targets/releases', (t) => (t.targets['v2'] = { hashes, length: 10 })).editTargets('targets', (t) => (t.targets['v2'] = { hashes, length: 10 })));

  it('leaves out a new tag whose only hash is sha512, never showing it with an empty digest, and says why', async () => {
    const view = viewOf(await refreshSim(withTag({ sha512: Buffer.alloc(64, 1).toString('base64') })));
    assert.deepEqual(view.signedTags.map((row) => row.tag), ['v1']);
    assert.ok(view.signedTags.every((row) => /^[0-9a-f]{64}$/.test(row.digest)));
    const warnings = view.warnings.filter((w) => w.code === 'target-without-sha256');
    assert.deepEqual(warnings.map((w) => w.role).sort(), ['targets', 'targets/releases']);
    assert.match(warnings[0]!.message, /"v2".*no sha256/);
  });

  it('leaves out a tag whose sha256 is not 32 bytes', async () => {
    const view = viewOf(await refreshSim(withTag({ sha256: Buffer.alloc(20, 1).toString('base64') })));
    assert.deepEqual(view.signedTags.map((row) => row.tag), ['v1']);
    assert.match(view.warnings.find((w) => w.code === 'target-without-sha256')?.message ?? '', /not 32 bytes/);
  });
});

describe('tuf/signed/verify.go and verifiers.go: signature methods and keys', () => {
  it('does not count a signature whose method is written in upper case ("ECDSA"; notary lowercases it, we do not)', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher().tamper('timestamp', withSignatures((sigs) => sigs.map((sig) => ({ ...sig, method: sig.method.toUpperCase() }))));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'signature-threshold', role: 'timestamp' });
  });

  it('does not count a signature whose method does not fit its key (rsapss by an ed25519 key)', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher().tamper('timestamp', withSignatures((sigs) => sigs.map((sig) => ({ ...sig, method: 'rsapss' }))));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'signature-threshold', role: 'timestamp' });
  });

  it('refuses a timestamp with no signatures at all (ErrNoSignatures)', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher().tamper('timestamp', withSignatures(() => []));
    assert.deepEqual(await verdictOf(sim, 'timestamp', { fetcher }), { code: 'signature-threshold', role: 'timestamp' });
  });

  it('does not count a signature by an RSA key under 2048 bits (minRSAKeySizeBit)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = withId({ material: { algorithm: 'rsa' as const, key: privateKey }, public: { keytype: 'rsa' as const, keyval: { private: null, public: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') } } });
    const sim = releasedRepository((s) => s.rotateKey('targets', weak));
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'signature-threshold', role: 'targets' });
  });
});

describe('trustpinning/certs.go and tuf/utils/x509.go: root certificates on first use', () => {
  /** A repository whose root key is `key` (signed by it alone), met for the first time. */
  const withRootKey = (key: SimKey) =>
    releasedRepository((s) => {
      s.replaceRoleKeys('root', [key], 1);
      s.setSigners('root', [key]);
    });
  const refusedCertificates: [string, OpenSslCertificateOptions][] = [
    ['signed with SHA-1 (ecdsa-with-SHA1)', { digest: 'sha1' }],
    ['signed with SHA-1 (sha1WithRSAEncryption)', { digest: 'sha1', key: 'rsa-2048' }],
    ['with an RSA key under 2048 bits', { key: 'rsa-1024' }],
    ['that is a CA certificate, not a leaf', { ca: true }],
  ];
  for (const [attack, options] of refusedCertificates) {
    it(`refuses a first root whose certificate is ${attack}`, async () => {
      const sim = withRootKey(openSslRootKey(GUN, options));
      assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
    });
  }

  it('accepts a certificate made as notary makes it, but by openssl (SHA-256, P-256, code signing)', async () => {
    const sim = withRootKey(openSslRootKey(GUN, { extendedKeyUsage: 'codeSigning' }));
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'verified' });
  });

  it("accepts a certificate that starts within notary's one day of leeway (a signer's clock running ahead)", async () => {
    const sim = withRootKey(newRootKey(GUN, { notBefore: new Date(Date.now() + 12 * 60 * 60 * 1000) }));
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'verified' });
  });

  it('refuses a certificate that starts more than a day from now', async () => {
    const sim = withRootKey(newRootKey(GUN, { notBefore: daysFrom(new Date(), 2) }));
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'root-certificate', role: 'root' });
  });

  it('refuses a root key whose PEM bundles a second leaf certificate after its own', async () => {
    const own = newRootKey(GUN);
    const other = newRootKey(GUN);
    const pem = (key: typeof own) => Buffer.from(key.public.keyval.public, 'base64').toString('utf8');
    const bundled = withId({ material: own.material, public: { keytype: 'ecdsa-x509', keyval: { private: null, public: Buffer.from(pem(own) + pem(other)).toString('base64') } } });
    assert.deepEqual(await verdictOf(withRootKey(bundled), 'root'), { code: 'root-certificate', role: 'root' });
  });

  it('refuses a root key whose PEM carries something other than certificates', async () => {
    const own = newRootKey(GUN);
    const pem = Buffer.from(own.public.keyval.public, 'base64').toString('utf8') + '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n';
    const mixed = withId({ material: own.material, public: { keytype: 'ecdsa-x509', keyval: { private: null, public: Buffer.from(pem).toString('base64') } } });
    assert.deepEqual(await verdictOf(withRootKey(mixed), 'root'), { code: 'root-certificate', role: 'root' });
  });

  it('refuses a rotation to a SHA-1 certificate, even when the old root signed it', async () => {
    const sim = releasedRepository();
    const { toStore } = await refreshSim(sim);
    sim.rotateRoot({ keys: [openSslRootKey(sim.gun, { digest: 'sha1' })] });
    sim.publish();
    assert.deepEqual(await verdictOf(sim, 'root', { stored: toStore }), { code: 'root-certificate', role: 'root' });
  });

  it("refuses a rotation signed by a bare key the old root lists beside its certificate (notary counts only the old root's usable certificates)", async () => {
    const bare = newKey('ecdsa');
    const sim = releasedRepository((s) =>
      s.editRoot((root) => {
        root.keys[bare.id] = bare.public as never;
        root.roles.root.keyids.push(bare.id);
      }),
    );
    const { toStore } = await refreshSim(sim);
    const fresh = newRootKey(sim.gun);
    sim.rotateRoot({ keys: [fresh], signers: [bare, fresh] });
    sim.publish();
    assert.deepEqual(await verdictOf(sim, 'root', { stored: toStore }), { code: 'root-rotation', role: 'root' });
  });

  it('refuses a root signed only by a certificate that has expired, though it lists another that is valid (ValidateRoot counts certificates valid now)', async () => {
    const now = new Date();
    const expired = newRootKey(GUN, { notBefore: daysFrom(now, -10), validityDays: 2 });
    const valid = newRootKey(GUN);
    const sim = releasedRepository((s) => {
      s.replaceRoleKeys('root', [expired, valid], 1);
      s.setSigners('root', [expired]);
    });
    assert.deepEqual(await verdictOf(sim, 'root'), { code: 'signature-threshold', role: 'root' });
  });

  it('still counts a bare targets key beside certificate root keys (only root keys must be certificates)', async () => {
    const sim = releasedRepository((s) => s.rotateKey('targets', newKey('ecdsa')));
    assert.deepEqual(await verdictOf(sim, 'targets'), { code: 'verified' });
  });
});

/** A key with its ID computed from its (edited) public part. */
function withId(key: Omit<SimKey, 'id'>): SimKey {
  return { ...key, id: keyId(key.public) };
}
