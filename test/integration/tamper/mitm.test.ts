// Every attack a man in the middle can mount on a notary server's answers, played by a tampering
// proxy between `countersign inspect` and a real notary-server. Each must be refused with the code
// of the check that caught it, a non-zero exit and nothing on stdout, and must leave the verified
// cache under --home exactly as it was: the only file a refusal may write is the failure record.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import {
  dockerSigners,
  dockerTrust,
  makeTempDir,
  notaryCli,
  notaryTargetsOnly,
  rotatedRoot,
  serveForgedRepository,
  startMitm,
  startNotaryServer,
  versionOf,
  type CommandResult,
  type DockerSignersFixture,
  type MitmProxy,
  type NotaryRepoFixture,
  type NotaryServer,
  type RotatedRootFixture,
} from '../../stack';
import { countersign, dockerFieldsOf, type CliResult } from '../inspect/run-countersign';
import { compressedPointKey, newKey, newRootKey, RepoSimulator, withCertificatePem, type SimKey } from '../../helpers/repo-simulator';
import {
  altNameIpOfFiveBytes,
  altNameNotAscii,
  crlPointsNotASequence,
  criticalAuthorityInfoAccess,
  criticalFlagNotDer,
  criticalSubjectKeyIdentifier,
  editedCertificatePem,
  emptyNameConstraints,
  extendedKeyUsageNotOids,
  keyUsageNotBits,
  nameConstraintsBadMask,
  otherOuterAlgorithm,
  policyListedTwice,
  withFirstExtensionTwice,
  withLongFormLength,
  withPlainAltName,
  withValidity,
  withVersionFour,
  type CertificateEdit,
} from '../../helpers/x509-forms';
import { openSslRootKey } from '../../helpers/openssl-certs';
import { makeTestCa } from '../../helpers/ca-root';

const DAY_MS = 24 * 60 * 60 * 1000;
const FAILURE_RECORD = 'attempt.json';

// ---------------------------------------------------------------------------------------------
// What a man in the middle can do to a file's bytes

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every name a role's metadata is fetched under: ROLE.json, ROLE.<sha256>.json and N.ROLE.json. */
function roleFiles(gun: string, role: string): RegExp {
  return new RegExp(`^/v2/${escapeRegExp(gun)}/_trust/tuf/(\\d+\\.)?${escapeRegExp(role)}(\\.[0-9a-f]{64})?\\.json$`);
}

function timestampPath(gun: string): string {
  return `/v2/${gun}/_trust/tuf/timestamp.json`;
}

interface SignedFile {
  signed: Record<string, unknown>;
  signatures: { keyid: string; method: string; sig: string }[];
}

function parseSigned(body: Buffer): SignedFile {
  return JSON.parse(body.toString()) as SignedFile;
}

function firstSignature(body: Buffer): { keyid: string; sig: string } {
  const signature = parseSigned(body).signatures[0];
  assert.ok(signature, 'the served file has a signature');
  return signature;
}

/** The same bytes with one base64 character of the first signature changed. */
function withBrokenSignature(body: Buffer): Buffer {
  const { sig } = firstSignature(body);
  const at = Math.floor(sig.length / 2);
  const broken = `${sig.slice(0, at)}${sig[at] === 'A' ? 'B' : 'A'}${sig.slice(at + 1)}`;
  return Buffer.from(body.toString().replace(sig, broken));
}

/** The same bytes, signed (as far as the signature list says) by a key nobody delegated to. */
function withUnknownSigningKey(body: Buffer): Buffer {
  const { keyid } = firstSignature(body);
  return Buffer.from(body.toString().replaceAll(`"keyid":"${keyid}"`, `"keyid":"${'ab'.repeat(32)}"`));
}

/** A second "signed" object before the genuine one: parsers disagree on which one counts. */
function withDuplicateSigned(body: Buffer): Buffer {
  const text = body.toString();
  assert.ok(text.startsWith('{"signed":'), 'notary writes "signed" first');
  const forged = JSON.stringify({ ...parseSigned(body).signed, expires: '2099-01-01T00:00:00Z' });
  return Buffer.from(`{"signed":${forged},${text.slice(1)}`);
}

/**
 * The check that catches a file swapped for other bytes, given the length its parent lists: the
 * download stops past that length, a shorter file has the wrong length, one of the same length the wrong hash.
 */
function swapCode(genuine: Buffer, served: Buffer): 'metadata-too-large' | 'length-mismatch' | 'hash-mismatch' {
  if (served.length > genuine.length) return 'metadata-too-large';
  return served.length < genuine.length ? 'length-mismatch' : 'hash-mismatch';
}

// ---------------------------------------------------------------------------------------------
// The cache under --home, as a map of relative path -> SHA-256 of the content

async function fileTree(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const tree = new Map<string, string>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    tree.set(path.slice(dir.length + 1), createHash('sha256').update(await readFile(path)).digest('hex'));
  }
  return tree;
}

/** Only the failure record may differ, and it must name the refused check. */
async function assertCacheUntouched(home: string, before: Map<string, string>, code: string): Promise<void> {
  const after = await fileTree(home);
  const isRecord = (path: string): boolean => path === FAILURE_RECORD || path.endsWith(`${sep}${FAILURE_RECORD}`);
  const verified = (tree: Map<string, string>): [string, string][] => [...tree].filter(([path]) => !isRecord(path)).sort();
  assert.deepEqual(verified(after), verified(before), 'the verified cache changed');
  const records = [...after.keys()].filter(isRecord);
  assert.equal(records.length, 1, `one failure record, found ${records.join(', ') || 'none'}`);
  const record = JSON.parse(await readFile(join(home, records[0] ?? ''), 'utf8')) as { error: { code: string } };
  assert.equal(record.error.code, code);
}

// ---------------------------------------------------------------------------------------------

describe('countersign inspect behind a tampering man in the middle', () => {
  let notary: NotaryServer;
  let mitm: MitmProxy;
  /** notary init + tags in targets; its admin publishes newer versions during the tests. */
  let plain: NotaryRepoFixture;
  /** Another repository on the same server, the source of mix-and-match material. */
  let other: NotaryRepoFixture;
  /** Signers alice (v1) and bob (v2) signing into targets/releases and their own roles. */
  let signed: DockerSignersFixture;
  /** A repository whose 2.root.json is a genuine root, just not one of plain's. */
  let rotated: RotatedRootFixture;

  before(async () => {
    notary = await startNotaryServer();
    mitm = await startMitm({ upstream: notary.url, ca: notary.ca });
    const ctx = { notary };
    [plain, other, signed, rotated] = await Promise.all([
      notaryTargetsOnly(ctx, { tags: ['v1'] }),
      notaryTargetsOnly(ctx, { tags: ['v1'] }),
      dockerSigners(ctx, { signs: { alice: ['v1'], bob: ['v2'] } }),
      rotatedRoot(ctx),
    ]);
  });

  afterEach(() => mitm.reset());

  after(async () => {
    await Promise.all([plain, other, signed, rotated].filter(Boolean).map((repo) => repo.dispose()));
    await mitm?.stop();
    await notary?.stop();
  });

  const inspectVia = (proxy: MitmProxy, home: string, ...args: string[]): Promise<CliResult> =>
    countersign(['--server', proxy.url, '--tls-ca', proxy.caFile, '--home', home, 'inspect', '--json', ...args]);
  const inspect = (home: string, ...args: string[]): Promise<CliResult> => inspectVia(mitm, home, ...args);

  const emptyHome = (): string => makeTempDir('tamper-home');

  /** A home that verified the repository through the proxy just now. */
  async function trustedHome(gun: string): Promise<string> {
    const home = emptyHome();
    const result = await inspect(home, gun);
    assert.equal(result.code, 0, result.stderr);
    return home;
  }

  /** A new tag published by plain's admin: new timestamp, snapshot and targets versions. */
  async function publishNewVersion(): Promise<void> {
    await plain.admin.addHash(plain.gun, `v${Date.now()}`, 100, createHash('sha256').update(String(Math.random())).digest('hex'));
  }

  async function genuine(gun: string, name: string): Promise<Buffer> {
    const response = await notary.fetchTrustFile(gun, name);
    assert.equal(response.status, 200, `GET ${name} of ${gun}`);
    return response.body;
  }

  /** Runs inspect and asserts the refusal: exit 1, nothing shown, the check on stderr, the cache as it was. */
  async function assertRefused(home: string, gun: string, code: string, role: string, args: string[] = []): Promise<CliResult> {
    const before = await fileTree(home);
    const result = await inspect(home, gun, ...args);
    assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
    assert.deepEqual(dockerFieldsOf(result.stdout), [], 'nothing that failed verification is printed');
    assert.ok(result.stderr.includes(`: ${code} [${role}]:`), `expected ${code} [${role}] on stderr, got: ${result.stderr}`);
    await assertCacheUntouched(home, before, code);
    return result;
  }

  describe('tampered signatures', () => {
    const cases: [string, string, string, (body: Buffer) => Buffer][] = [
      ['a root (on first use) whose signature was altered', 'root', 'signature-threshold', withBrokenSignature],
      ['a timestamp whose signature was altered', 'timestamp', 'signature-threshold', withBrokenSignature],
      ['a root whose signature claims a key the root does not list', 'root', 'signature-threshold', withUnknownSigningKey],
      ['a timestamp whose signature claims a key root does not list', 'timestamp', 'signature-threshold', withUnknownSigningKey],
    ];
    for (const [what, role, code, tamper] of cases) {
      it(`refuses ${what} (${code})`, async () => {
        mitm.rewrite(roleFiles(plain.gun, role), (_path, body) => tamper(body));
        await assertRefused(emptyHome(), plain.gun, code, role);
      });
    }

    for (const role of ['snapshot', 'targets']) {
      it(`refuses a ${role} whose signature was tampered with: its bytes no longer match what its parent lists`, async () => {
        const body = await genuine(plain.gun, role);
        mitm.rewrite(roleFiles(plain.gun, role), (_path, served) => withBrokenSignature(served));
        await assertRefused(emptyHome(), plain.gun, swapCode(body, withBrokenSignature(body)), role);
      });
    }

    it('refuses a timestamp tampered with after the repository was trusted', async () => {
      const home = await trustedHome(plain.gun);
      mitm.rewrite(timestampPath(plain.gun), (_path, body) => withBrokenSignature(body));
      await assertRefused(home, plain.gun, 'signature-threshold', 'timestamp');
    });
  });

  describe('replayed older metadata (rollback), after a newer version was trusted', () => {
    it('refuses an older timestamp', async () => {
      const home = await trustedHome(plain.gun);
      const old = mitm.lastResponse(timestampPath(plain.gun));
      await publishNewVersion();
      assert.equal((await inspect(home, plain.gun)).code, 0);
      mitm.replay(timestampPath(plain.gun), old);
      await assertRefused(home, plain.gun, 'version-rollback', 'timestamp');
    });

    it('refuses a whole older set of timestamp, snapshot and targets', async () => {
      const home = await trustedHome(plain.gun);
      const old = {
        timestamp: await genuine(plain.gun, 'timestamp'),
        snapshot: await genuine(plain.gun, 'snapshot'),
        targets: await genuine(plain.gun, 'targets'),
      };
      await publishNewVersion();
      assert.equal((await inspect(home, plain.gun)).code, 0);
      for (const [role, body] of Object.entries(old)) mitm.respondWith(roleFiles(plain.gun, role), { body });
      await assertRefused(home, plain.gun, 'version-rollback', 'timestamp');
    });

    for (const role of ['snapshot', 'targets']) {
      it(`refuses an older ${role} under the current timestamp`, async () => {
        const home = await trustedHome(plain.gun);
        const old = await genuine(plain.gun, role);
        await publishNewVersion();
        assert.equal((await inspect(home, plain.gun)).code, 0);
        await publishNewVersion();
        const current = await genuine(plain.gun, role);
        assert.ok(versionOf(parseSigned(old)) < versionOf(parseSigned(current)));
        mitm.respondWith(roleFiles(plain.gun, role), { body: old });
        await assertRefused(home, plain.gun, swapCode(current, old), role);
      });
    }
  });

  // notary 0.7 has no option to sign with a short expiry, and notary-server always signs timestamps
  // for 14 days; so instead of waiting, the client's clock is moved past the expiry of a timestamp the
  // proxy keeps serving.
  describe('freeze: an old timestamp served after it expired', () => {
    it('is refused as expired once the clock passes its expiry (notary-server signs timestamps for 14 days)', async (t) => {
      const home = await trustedHome(plain.gun);
      const frozen = mitm.lastResponse(timestampPath(plain.gun));
      const expires = Date.parse(String(parseSigned(frozen.body).signed['expires']));
      assert.ok(expires - Date.now() < 15 * DAY_MS, 'the server-signed timestamp expires within 15 days');
      mitm.replay(timestampPath(plain.gun), frozen);
      // The client's clock only: TLS still checks certificates against the real time.
      t.mock.timers.enable({ apis: ['Date'], now: expires + DAY_MS });
      await assertRefused(home, plain.gun, 'expired', 'timestamp');
    });

    it('is refused on first use too', async (t) => {
      const frozen = await genuine(plain.gun, 'timestamp');
      mitm.respondWith(timestampPath(plain.gun), { body: frozen });
      t.mock.timers.enable({ apis: ['Date'], now: Date.parse(String(parseSigned(frozen).signed['expires'])) + DAY_MS });
      await assertRefused(emptyHome(), plain.gun, 'expired', 'timestamp');
    });
  });

  describe('mix and match', () => {
    it("refuses another repository's root on first use: its certificate names another GUN", async () => {
      mitm.respondWith(roleFiles(plain.gun, 'root'), { body: await genuine(other.gun, 'root') });
      await assertRefused(emptyHome(), plain.gun, 'root-certificate', 'root');
    });

    it("refuses another repository's timestamp", async () => {
      const home = await trustedHome(plain.gun);
      mitm.respondWith(timestampPath(plain.gun), { body: await genuine(other.gun, 'timestamp') });
      await assertRefused(home, plain.gun, 'signature-threshold', 'timestamp');
    });

    for (const role of ['snapshot', 'targets']) {
      it(`refuses another repository's ${role}`, async () => {
        const [ours, theirs] = [await genuine(plain.gun, role), await genuine(other.gun, role)];
        mitm.respondWith(roleFiles(plain.gun, role), { body: theirs });
        await assertRefused(emptyHome(), plain.gun, swapCode(ours, theirs), role);
      });
    }

    it('refuses a next root that the trusted root did not sign (a genuine root of another repository)', async () => {
      const home = await trustedHome(plain.gun);
      // A timestamp that fails under the trusted root makes the client look for a newer root.
      mitm.rewrite(timestampPath(plain.gun), (_path, body) => withBrokenSignature(body));
      mitm.respondWith(`/v2/${plain.gun}/_trust/tuf/2.root.json`, { body: await genuine(rotated.gun, `${rotated.rootVersion}.root`) });
      await assertRefused(home, plain.gun, 'root-rotation', 'root');
    });
  });

  describe('endless data', () => {
    for (const [role, path] of [
      ['root', (gun: string) => roleFiles(gun, 'root')],
      ['timestamp', (gun: string) => roleFiles(gun, 'timestamp')],
      ['snapshot', (gun: string) => roleFiles(gun, 'snapshot')],
      ['targets', (gun: string) => roleFiles(gun, 'targets')],
    ] as const) {
      it(`stops reading an endless ${role} at its size cap`, async () => {
        mitm.serveEndless(path(plain.gun), { prefix: '{"signed":{"_type":"x","padding":"' , chunk: 'A'.repeat(64 * 1024) });
        await assertRefused(emptyHome(), plain.gun, 'metadata-too-large', role);
        // The caps are 2 MiB for root, 1 MiB for timestamp, the listed length for the others.
        assert.ok(mitm.endlessBytesSent(path(plain.gun)) < 16 * 1024 * 1024, `${mitm.endlessBytesSent()} bytes were sent`);
      });
    }
  });

  describe('malformed and wrong-type metadata', () => {
    const cases: [string, string, string, (body: Buffer) => Promise<Buffer> | Buffer][] = [
      ['a timestamp that is not JSON', 'timestamp', 'metadata-malformed', () => Buffer.from('<html>gateway error</html>')],
      ['a root cut in half', 'root', 'metadata-malformed', (body) => body.subarray(0, body.length >> 1)],
      ['a timestamp without its fields', 'timestamp', 'metadata-malformed', () => Buffer.from('{"signed":{"_type":"Timestamp"},"signatures":[]}')],
      ['a timestamp with two "signed" objects', 'timestamp', 'metadata-duplicate-key', withDuplicateSigned],
      ['a snapshot served as the timestamp', 'timestamp', 'metadata-wrong-type', () => genuine(plain.gun, 'snapshot')],
      ['a timestamp served as the root', 'root', 'metadata-wrong-type', () => genuine(plain.gun, 'timestamp')],
    ];
    for (const [what, role, code, make] of cases) {
      it(`refuses ${what} (${code})`, async () => {
        const body = await make(await genuine(plain.gun, role));
        mitm.respondWith(roleFiles(plain.gun, role), { body });
        await assertRefused(emptyHome(), plain.gun, code, role);
      });
    }
  });

  describe('a tampered delegation', () => {
    // docker skips (with a warning) only a delegation that fails its signatures or has expired, and
    // refuses the whole repository when a delegation's bytes differ from what snapshot lists. We leave
    // any failed delegation out and show the rest: nothing unverified is shown either way.
    it('is left out with a warning naming the role and the check, and the rest is shown (exit 0)', async () => {
      const home = emptyHome();
      mitm.rewrite(roleFiles(signed.gun, 'targets/alice'), (_path, body) => withBrokenSignature(body));
      const result = await inspect(home, signed.gun);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /warning: .*targets\/alice failed verification .*(hash|length)-mismatch/);
      const [entry] = dockerFieldsOf(result.stdout);
      // v1 stays signed (targets/releases holds it), but no longer by alice.
      assert.deepEqual(entry?.['SignedTags'], [
        { SignedTag: 'v1', Digest: signed.tags['v1']?.sha256, Signers: ['Repo Admin'] },
        { SignedTag: 'v2', Digest: signed.tags['v2']?.sha256, Signers: ['bob'] },
      ]);
      // The tampered bytes are nowhere in the cache.
      const tampered = createHash('sha256').update(withBrokenSignature(await genuine(signed.gun, 'targets/alice'))).digest('hex');
      assert.ok(![...(await fileTree(home)).values()].includes(tampered));
    });

    it('fails the repository with --strict (exit 1, nothing printed)', async () => {
      mitm.rewrite(roleFiles(signed.gun, 'targets/releases'), (_path, body) => withBrokenSignature(body));
      const result = await inspect(emptyHome(), signed.gun, '--strict');
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '[]\n');
      assert.match(result.stderr, /targets\/releases/);
    });
  });

  describe('an unreachable server after a good refresh', () => {
    it('shows the last verified data with a warning saying since when, and --strict fails', async () => {
      const proxy = await startMitm({ upstream: notary.url, ca: notary.ca });
      const home = makeTempDir('tamper-home');
      let good: CliResult;
      try {
        good = await inspectVia(proxy, home, signed.gun);
        assert.equal(good.code, 0, good.stderr);
      } finally {
        await proxy.stop();
      }
      const before = await fileTree(home);
      const stale = await inspectVia(proxy, home, signed.gun);
      assert.equal(stale.code, 0, stale.stderr);
      assert.deepEqual(dockerFieldsOf(stale.stdout), dockerFieldsOf(good.stdout));
      const [entry] = JSON.parse(stale.stdout) as { Countersign: { Source: string; Stale?: { since: string } } }[];
      assert.equal(entry?.Countersign.Source, 'cache');
      assert.ok(entry?.Countersign.Stale?.since, 'the entry says since when it is stale');
      assert.match(stale.stderr, /warning: .*showing the data verified at/);
      await assertCacheUntouched(home, before, 'server-unreachable');

      const strict = await inspectVia(proxy, home, signed.gun, '--strict');
      assert.equal(strict.code, 1);
      assert.equal(strict.stdout, '[]\n');
      assert.match(strict.stderr, /server-unreachable/);
    });
  });

  describe('a warm refresh', () => {
    it('of an unchanged repository costs one request: the timestamp', async () => {
      const home = await trustedHome(signed.gun);
      mitm.reset();
      const result = await inspect(home, signed.gun);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(mitm.requestCount(), 1);
      assert.equal(mitm.requestCount(timestampPath(signed.gun)), 1);
    });
  });

  // A man in the middle on first use can serve a repository of its own making: a root whose
  // certificate names the GUN is all trust on first use asks for. What is left to stop it are the
  // rules on names and certificates, each first checked against the real notary client.
  describe('a forged repository served on first use', () => {
    let forgedCount = 0;
    /** A fresh GUN served by the proxy from a simulated repository built by `setup`. */
    function forge(setup: (sim: RepoSimulator) => void, rootKey?: (gun: string) => SimKey, served?: (files: Map<string, Uint8Array>) => void): { gun: string; prefix: string } {
      const gun = `example.com/forged/case${++forgedCount}`;
      const sim = new RepoSimulator({ gun, ...(rootKey ? { rootKey: rootKey(gun) } : {}) });
      sim.addDelegation('targets/releases');
      sim.addTarget('targets', 'v1', { sha256Hex: 'ab'.repeat(32) }).addTarget('targets/releases', 'v1', { sha256Hex: 'ab'.repeat(32) });
      setup(sim);
      sim.publish();
      const files = new Map(sim.files);
      served?.(files);
      serveForgedRepository(mitm, gun, files);
      return { gun, prefix: `/v2/${gun}/_trust/tuf/` };
    }

    /** `notary list GUN` through the proxy with a fresh trust dir: what the reference client makes of it. */
    function notaryList(gun: string): Promise<CommandResult> {
      return notaryCli({ server: mitm.url, caFile: mitm.caFile }).run(['list', gun]);
    }

    it('is shown when its names and certificates are valid: the control case, which notary accepts too', async () => {
      const { gun } = forge(() => undefined);
      const listed = await notaryList(gun);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /v1/);
      const result = await inspect(emptyHome(), gun);
      assert.equal(result.code, 0, result.stderr);
    });

    const names: [string, string][] = [
      ['../ segments reaching another repository', 'targets/../../../../other/repo/_trust/tuf/targets'],
      ['backslashes, which a URL parser reads as slashes', 'targets\\..\\..\\..\\escape'],
      ['300 characters', `targets/${'a'.repeat(292)}`],
    ];
    for (const [what, name] of names) {
      it(`refuses a delegation name with ${what} before any request for it, writing nothing outside the home (notary refuses it too)`, async (t) => {
        const { gun, prefix } = forge((sim) => sim.addDelegationTo('targets', name));
        const listed = await notaryList(gun);
        assert.notEqual(listed.code, 0, `notary accepted it: ${listed.stdout}`);
        t.diagnostic(`notary: ${(listed.stderr + listed.stdout).trim().split('\n').slice(-2).join(' | ')}`);
        const outside = (path: string): boolean => !path.startsWith(prefix);
        const before = mitm.requestCount(outside);
        const parent = makeTempDir('tamper-parent');
        const home = join(parent, 'home');
        await mkdir(home);
        await assertRefused(home, gun, 'role-name-invalid', 'targets');
        assert.equal(mitm.requestCount(outside), before, 'a request left the repository path');
        assert.deepEqual(await readdir(parent), ['home'], 'something was written outside the home');
      });
    }

    /** A root key as notary makes it, its certificate re-encoded with `edit`. */
    const reencoded = (gun: string, edit: CertificateEdit): SimKey => {
      const key = newRootKey(gun);
      return withCertificatePem(key, editedCertificatePem(Buffer.from(key.public.keyval.public, 'base64').toString(), edit));
    };
    it('refuses a targets file with a second "targets" that only Go reads as one ("targetſ"), where notary shows that second one', async () => {
      const shadow = 'ef'.repeat(32);
      const { gun } = forge((sim) =>
        sim.editTargets('targets', (targets) => {
          // Sorted after "targets" in canonical JSON, so Go's decoder, which keeps the later, reads this one.
          (targets as unknown as Record<string, unknown>)['target\u017f'] = { v1: { hashes: { sha256: Buffer.from(shadow, 'hex').toString('base64') }, length: 1 } };
        }),
      );
      const listed = await notaryList(gun);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`v1\\s+${shadow}`), `notary reads the second copy: ${listed.stdout}`);
      await assertRefused(emptyHome(), gun, 'metadata-malformed', 'targets');
    });

    it('refuses a timestamp whose version is written 3.0, which notary refuses too (its Go decoder reads integers only)', async () => {
      const { gun } = forge(
        () => undefined,
        undefined,
        (files) => {
          const timestamp = Buffer.from(files.get('timestamp.json')!).toString('utf8');
          // The signature still verifies over the canonical form, where 3.0 is 3 again.
          files.set('timestamp.json', Buffer.from(timestamp.replace(/"version":(\d+)/, '"version":$1.0')));
        },
      );
      const listed = await notaryList(gun);
      assert.notEqual(listed.code, 0, `notary accepted it: ${listed.stdout}`);
      assert.match(listed.stdout + listed.stderr, /cannot unmarshal number \d+\.0 into Go value of type int/);
      await assertRefused(emptyHome(), gun, 'metadata-malformed', 'timestamp');
    });

    it('refuses a timestamp signed to expire on 30 February, which notary refuses too (Date.parse would read 2 March)', async () => {
      const { gun } = forge((sim) => sim.setExpires('timestamp', '2035-02-30T00:00:00Z'));
      const listed = await notaryList(gun);
      assert.notEqual(listed.code, 0, `notary accepted it: ${listed.stdout}`);
      assert.match(listed.stdout + listed.stderr, /day out of range/);
      await assertRefused(emptyHome(), gun, 'metadata-malformed', 'timestamp');
    });

    it('refuses a signed targets file in which one target has a hash Go cannot decode, as notary does (docker shows none of its tags)', async () => {
      const { gun } = forge((sim) =>
        sim.editTargets('targets', (targets) => {
          targets.targets['broken'] = { hashes: { sha256: 'not base64!' }, length: 1 };
        }),
      );
      const listed = await notaryList(gun);
      assert.notEqual(listed.code, 0, `notary accepted it: ${listed.stdout}`);
      assert.match(listed.stdout + listed.stderr, /illegal base64/);
      await assertRefused(emptyHome(), gun, 'metadata-malformed', 'targets');
    });

    for (const [what, fields] of [
      ['a new validity', withValidity('240101000000Z', '351231000000Z')],
      ['a well-formed subjectAltName added', withPlainAltName],
    ] as const) {
      it(`accepts a root certificate edited in a way Go accepts (${what}), whose self-signature then fails: a control for the re-encoded cases below (notary accepts it too)`, async () => {
        const { gun } = forge(() => undefined, (name) => reencoded(name, { fields }));
        const listed = await notaryList(gun);
        assert.equal(listed.code, 0, `notary refused it: ${listed.stderr}`);
        const docker = await (await dockerTrust({ server: mitm.url, caFile: mitm.caFile })).inspect(gun);
        assert.equal(docker.code, 0, `docker refused it: ${docker.stderr}`);
        const result = await inspect(emptyHome(), gun);
        assert.equal(result.code, 0, result.stderr);
      });
    }

    const certificates: [string, (gun: string) => SimKey][] = [
      ['signed with SHA-1', (gun) => openSslRootKey(gun, { digest: 'sha1' })],
      ['with a 1024-bit RSA key', (gun) => openSslRootKey(gun, { key: 'rsa-1024' })],
      ['a CA certificate', (gun) => openSslRootKey(gun, { ca: true })],
      ["holding its EC point compressed (OpenSSL reads it, Go's x509 does not)", (gun) => openSslRootKey(gun, { point: 'compressed' })],
      ['naming another signature algorithm outside its signed part (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { outerAlgorithm: otherOuterAlgorithm })],
      ['listing an extension twice (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: withFirstExtensionTwice })],
      ['of version 4 (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: withVersionFour })],
      ['writing a length in BER form, not DER (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: withLongFormLength(4) })],
      ['holding a key usage that is not a BIT STRING (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: keyUsageNotBits })],
      ['marking an extension critical with 0x01, not DER\'s 0xff (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: criticalFlagNotDer })],
      ['holding an extended key usage that lists an INTEGER (OpenSSL reads it, Go does not)', (gun) => reencoded(gun, { fields: extendedKeyUsageNotOids })],
      ['valid until a 13th month (Go refuses the time; rolled over, it would be January)', (gun) => reencoded(gun, { fields: withValidity('240101000000Z', '351301000000Z') })],
      ['naming a DNS name that is not ASCII in its subjectAltName', (gun) => reencoded(gun, { fields: altNameNotAscii })],
      ['naming an IP address of 5 bytes in its subjectAltName', (gun) => reencoded(gun, { fields: altNameIpOfFiveBytes })],
      ['holding name constraints with no subtrees', (gun) => reencoded(gun, { fields: emptyNameConstraints })],
      ['constraining names to an IP range whose mask is not ones then zeros', (gun) => reencoded(gun, { fields: nameConstraintsBadMask })],
      ['holding an INTEGER where its CRL distribution points belong', (gun) => reencoded(gun, { fields: crlPointsNotASequence })],

      ['expired', (gun) => newRootKey(gun, { notBefore: new Date(Date.now() - 30 * DAY_MS), validityDays: 10 })],
      ['valid only from two days from now', (gun) => newRootKey(gun, { notBefore: new Date(Date.now() + 2 * DAY_MS) })],
    ];
    // Go's parser grew these refusals after 1.19, the Go this Debian's notary is built with; docker's
    // client (Go 1.24 here) has them. We follow the newer parser: docker refuses them, so do we.
    const newerGoRefuses: [string, CertificateEdit][] = [
      ['listing one certificate policy twice', { fields: policyListedTwice }],
      ['marking its authority information access critical', { fields: criticalAuthorityInfoAccess }],
      ['marking a subject key identifier critical', { fields: criticalSubjectKeyIdentifier }],
    ];
    for (const [what, edit] of newerGoRefuses) {
      it(`refuses a first root whose certificate is ${what} (docker trust inspect refuses it too; notary built with Go 1.19 does not)`, async (t) => {
        const { gun } = forge(() => undefined, (name) => reencoded(name, edit));
        const docker = await dockerTrust({ server: mitm.url, caFile: mitm.caFile });
        const inspected = await docker.inspect(gun);
        assert.notEqual(inspected.code, 0, `docker accepted it: ${inspected.stdout}`);
        t.diagnostic(`docker: ${inspected.stderr.trim().split('\n').slice(-1).join('')}; notary list: exit ${(await notaryList(gun)).code}`);
        await assertRefused(emptyHome(), gun, 'root-certificate', 'root');
      });
    }

    for (const [what, rootKey] of certificates) {
      it(`refuses a first root whose certificate is ${what} (notary refuses it too)`, async (t) => {
        const { gun } = forge(() => undefined, rootKey);
        const listed = await notaryList(gun);
        assert.notEqual(listed.code, 0, `notary accepted it: ${listed.stdout}`);
        t.diagnostic(`notary: ${(listed.stderr + listed.stdout).trim().split('\n').slice(-2).join(' | ')}`);
        await assertRefused(emptyHome(), gun, 'root-certificate', 'root');
      });
    }

    it("leaves out a delegation whose key holds its EC point compressed, as notary does (Go's x509 cannot parse the key)", async () => {
      for (const [key, trusted] of [[newKey('ecdsa'), true], [compressedPointKey(), false]] as const) {
        const { gun } = forge((sim) => {
          sim.addDelegation('targets/team', { keys: [key] });
          sim.addTarget('targets/team', 'team-only', { sha256Hex: 'cd'.repeat(32) });
        });
        const listed = await notaryList(gun);
        assert.equal(listed.code, 0, listed.stderr);
        assert.equal(/team-only/.test(listed.stdout), trusted, `notary (${trusted ? 'uncompressed' : 'compressed'} key): ${listed.stdout}`);
        const result = await inspect(emptyHome(), gun, '--strict');
        assert.equal(result.code === 0, trusted, result.stderr);
        if (!trusted) assert.match(result.stderr, /targets\/team.*signature-threshold/);
      }
    });

    it('with a CA pinned, refuses a root certificate restricted to code signing and accepts one without that restriction, as notary does', async () => {
      const ca = makeTestCa('Forged-case CA');
      const dir = makeTempDir('ca-pin');
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, ca.certPem);
      for (const [extendedKeyUsage, accepted] of [[undefined, true], ['codeSigning', false]] as const) {
        const { gun } = forge(() => undefined, (name) => ca.issueRootKey(name, extendedKeyUsage === undefined ? {} : { extendedKeyUsage }));
        const config = join(dir, `notary-${extendedKeyUsage ?? 'any'}.json`);
        await writeFile(config, JSON.stringify({ trust_pinning: { ca: { [gun]: caFile } } }));
        const listed = await notaryCli({ server: mitm.url, caFile: mitm.caFile }).run(['-c', config, 'list', gun]);
        assert.equal(listed.code === 0, accepted, `notary (${extendedKeyUsage ?? 'no extended key usage'}): ${listed.stderr}`);
        const home = emptyHome();
        await writeFile(join(home, 'trust-pinning.json'), JSON.stringify({ ca: { [gun]: caFile } }));
        const result = await inspect(home, gun);
        assert.equal(result.code === 0, accepted, result.stderr);
        if (!accepted) assert.match(result.stderr, /root-pin-mismatch \[root\]/);
      }
    });

    it('leaves out a tag whose only hash is sha512 and says why (notary lists it; it names no image docker can pull)', async () => {
      const sha512 = { hashes: { sha512: Buffer.alloc(64, 7).toString('base64') }, length: 10 };
      const { gun } = forge((sim) => {
        sim.editTargets('targets', (t) => (t.targets['v2'] = sha512));
        sim.editTargets('targets/releases', (t) => (t.targets['v2'] = sha512));
      });
      const listed = await notaryList(gun);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /\bv2\b/);
      const result = await inspect(emptyHome(), gun);
      assert.equal(result.code, 0, result.stderr);
      const [entry] = dockerFieldsOf(result.stdout);
      assert.deepEqual((entry?.['SignedTags'] as { SignedTag: string }[]).map((row) => row.SignedTag), ['v1']);
      assert.ok(!result.stdout.includes('"Digest": ""'), 'an empty digest was printed');
      assert.match(result.stderr, /target-without-sha256/);
    });
  });
});
