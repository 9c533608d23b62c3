// `countersign inspect` against the real `docker trust inspect`, on repositories the real notary and
// docker clients made on one real notary-server: the same JSON (docker's fields; Countersign's own
// "Countersign" key aside), the same --pretty text byte for byte, the same exit codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverKey } from '../../../electron/core/state/home';
import {
  dockerSigners,
  dockerTrust,
  fakeTargets,
  makeTempDir,
  nestedDelegations,
  notaryTargetsOnly,
  rotatedRoot,
  runCommandOk,
  serverManagedSnapshot,
  startNotaryServer,
  twoSignersOneTag,
  type DockerSignersFixture,
  type DockerTrust,
  type DockerTrustInspectEntry,
  type FixtureContext,
  type NotaryServer,
  type DelegationsFixture,
  type NotaryRepoFixture,
  type RepoFacts,
} from '../../stack';
import { countersign, countersignBin, dockerFieldsOf, type CliResult } from './run-countersign';

interface Fixtures {
  targetsOnly: RepoFacts;
  empty: RepoFacts;
  /** docker.io/library/<name>, to be named the short way: `<name>`. */
  dockerHub: RepoFacts;
  signers: RepoFacts;
  cosigned: RepoFacts;
  rotatedRoot: RepoFacts;
  serverSnapshot: RepoFacts;
  delegations: RepoFacts;
  signerEdges: RepoFacts;
  replacedSignerKey: RepoFacts;
  /** Trusted first, then has its keys rotated one by one. */
  rotatesLater: NotaryRepoFixture;
}

/**
 * Signers whose keys and tags docker prints in ways worth matching: names that sort differently by
 * bytes (JSON) and naturally (--pretty), a signer with two keys, one whose key is an x509
 * certificate, one with an RSA key, one whose last key was removed (notary writes "keyids": null), and a
 * tag a signer signed with another digest than targets/releases holds (not theirs, then).
 */
async function signerEdges(ctx: FixtureContext): Promise<DockerSignersFixture> {
  const repo = await dockerSigners(ctx, { signs: { alice: ['v1', 'v3'], dev2: ['v2'], dev10: ['v2'] } });
  const keyDir = join(repo.admin.configDir, 'more-keys');
  const first = await repo.admin.keyGenerate('frank-1', keyDir);
  const second = await repo.admin.keyGenerate('frank-2', keyDir);
  await repo.admin.signerAdd('frank', repo.gun, [second.publicKeyFile, first.publicKeyFile]);

  const certificate = join(keyDir, 'xcert.pem');
  await runCommandOk('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(keyDir, 'xcert.key'), '-out', certificate, '-subj', '/CN=xcert', '-days', '30',
  ]);
  await repo.admin.signerAdd('xcert', repo.gun, [certificate]);

  const rsaKey = join(keyDir, 'rsa.key');
  await runCommandOk('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', rsaKey]);
  await runCommandOk('openssl', ['pkey', '-in', rsaKey, '-pubout', '-out', join(keyDir, 'rsa.pub')]);
  await repo.admin.signerAdd('rsa', repo.gun, [join(keyDir, 'rsa.pub')]);

  const erin = await repo.admin.keyGenerate('erin', keyDir);
  await repo.admin.signerAdd('erin', repo.gun, [erin.publicKeyFile]);
  await repo.admin.notary().delegationRemove(repo.gun, 'targets/erin', { keyIds: [erin.keyId] });

  const other = await fakeTargets(repo.gun, 'another v3');
  await repo.signers['dev10']?.docker.signLikeDocker(repo.gun, 'v3', other.size, other.sha256, { roles: ['targets/dev10'] });
  return repo;
}

/**
 * bob's key in targets/bob replaced by the admin without bob re-signing: targets/bob no longer meets
 * its threshold. docker warns, leaves bob's signatures out (v2 becomes Repo Admin's) and exits 0.
 */
async function replacedSignerKey(ctx: FixtureContext): Promise<DockerSignersFixture> {
  const repo = await dockerSigners(ctx, { signs: { alice: ['v1'], bob: ['v2'] } });
  const bob = repo.signers['bob'];
  assert.ok(bob);
  const replacement = await repo.admin.keyGenerate('bob-new', join(repo.admin.configDir, 'more-keys'));
  const notary = repo.admin.notary();
  await notary.delegationRemove(repo.gun, 'targets/bob', { keyIds: [bob.keyId], publish: false });
  await notary.delegationAdd(repo.gun, 'targets/bob', [replacement.publicKeyFile], { allPaths: true }, { publish: false });
  await notary.publish(repo.gun);
  return repo;
}

/** Tags also signed into targets with the digests the delegations hold, so the delegations become signers. */
async function delegationsWithReleasedTags(ctx: FixtureContext): Promise<DelegationsFixture> {
  const repo = await nestedDelegations(ctx);
  for (const [tag, roles] of [['team/app', ['targets']], ['team/sub/tool', ['targets', 'targets/team']]] as const) {
    const fact = repo.tags[tag];
    assert.ok(fact);
    await repo.admin.addHash(repo.gun, tag, fact.size, fact.sha256, { roles, publish: false });
  }
  await repo.admin.publish(repo.gun);
  return repo;
}

const MISSING = 'localhost:5000/nobody/published-this';

describe('countersign inspect matches docker trust inspect', () => {
  let notary: NotaryServer;
  /** A docker user with no keys of their own, who trusts each repository on first use. */
  let reader: DockerTrust;
  let fixtures: Fixtures;
  let home: string;

  before(async () => {
    notary = await startNotaryServer();
    const ctx: FixtureContext = { notary };
    reader = await dockerTrust({ server: notary.url, caFile: notary.caFile });
    home = makeTempDir('countersign-home');
    // Independent repositories on one server: built side by side.
    const hubName = `hub-${randomBytes(4).toString('hex')}`;
    const [targetsOnly, empty, dockerHub, signers, cosigned, rotated, serverSnapshot, delegations, edges, replaced, rotatesLater] = await Promise.all([
      notaryTargetsOnly(ctx, { tags: ['v2', 'v10', 'v1', 'v1.9', 'latest'] }),
      notaryTargetsOnly(ctx, { tags: [] }),
      notaryTargetsOnly({ ...ctx, registryHost: 'docker.io' }, { repo: `library/${hubName}`, tags: ['v1', 'v2'] }),
      dockerSigners(ctx, { signs: { alice: ['v1', 'v3'], bob: ['v2'], carol: ['v3'] } }),
      twoSignersOneTag(ctx),
      rotatedRoot(ctx),
      serverManagedSnapshot(ctx),
      delegationsWithReleasedTags(ctx),
      signerEdges(ctx),
      replacedSignerKey(ctx),
      notaryTargetsOnly(ctx, { tags: ['v1'] }),
    ]);
    fixtures = {
      targetsOnly,
      empty,
      dockerHub,
      signers,
      cosigned,
      rotatedRoot: rotated,
      serverSnapshot,
      delegations,
      signerEdges: edges,
      replacedSignerKey: replaced,
      rotatesLater,
    };
  });

  after(async () => {
    await Promise.all(Object.values(fixtures ?? {}).map((repo: RepoFacts) => repo.dispose()));
    await reader?.dispose();
    await notary?.stop();
  });

  /** countersign with the server and CA given as options, and this file's home. */
  const inspect = (...args: string[]): Promise<CliResult> =>
    countersign(['--server', notary.url, '--tls-ca', notary.caFile, '--home', home, 'inspect', ...args]);

  const docker = async (refs: string[], pretty = false): Promise<CliResult> => {
    const { code, stdout, stderr } = await reader.inspect(refs, { pretty });
    return { code, stdout, stderr };
  };

  /** Returns docker's entries, for checks of the yardstick itself. */
  async function assertJsonParity(refs: string[], expectedCode = 0): Promise<DockerTrustInspectEntry[]> {
    const [ours, theirs] = [await inspect('--json', ...refs), await docker(refs)];
    assert.equal(theirs.code, expectedCode, `docker: ${theirs.stderr}`);
    assert.equal(ours.code, expectedCode, `countersign: ${ours.stderr}`);
    const expected = JSON.parse(theirs.stdout) as DockerTrustInspectEntry[];
    assert.deepEqual(dockerFieldsOf(ours.stdout), expected);
    return expected;
  }

  async function assertPrettyParity(refs: string[], expectedCode = 0): Promise<void> {
    const [ours, theirs] = [await inspect('--pretty', ...refs), await docker(refs, true)];
    assert.equal(theirs.code, expectedCode, `docker: ${theirs.stderr}`);
    assert.equal(ours.code, expectedCode, `countersign: ${ours.stderr}`);
    assert.equal(ours.stdout, theirs.stdout);
  }

  const scenarios: [string, () => RepoFacts][] = [
    ['tags signed into targets only by notary (natural tag order, Repo Admin)', () => fixtures.targetsOnly],
    ['a repository with no signed tags', () => fixtures.empty],
    ['signers added by docker trust signer add, signing into targets/releases', () => fixtures.signers],
    ['one tag signed by two signers', () => fixtures.cosigned],
    ['a rotated root (only the new root key shown)', () => fixtures.rotatedRoot],
    ['a server-managed snapshot key', () => fixtures.serverSnapshot],
    ['nested and path-restricted delegations, signing tags that targets also holds', () => fixtures.delegations],
    ['signers with several, x509, RSA or no keys, and a co-signature with another digest', () => fixtures.signerEdges],
    ['a signer whose delegation no longer verifies (docker warns and leaves it out)', () => fixtures.replacedSignerKey],
  ];

  for (const [scenario, repo] of scenarios) {
    describe(scenario, () => {
      it('prints the same JSON as docker trust inspect', async () => {
        const [theirs] = await assertJsonParity([repo().gun]);
        // docker shows the keys the fixture made, so equal outputs are also right outputs.
        assert.deepEqual(theirs?.AdministrativeKeys.map((k) => k.Keys.map((key) => key.ID)), [[repo().rootKeyId], [repo().targetsKeyId]]);
      });

      it('prints the same bytes again from the view cache (the SignedTags kept as printed), but for the time of verification', async () => {
        const fresh = makeTempDir('countersign-home');
        const run = () => countersign(['--server', notary.url, '--tls-ca', notary.caFile, '--home', fresh, 'inspect', '--json', repo().gun]);
        const [verified, cached] = [await run(), await run()];
        assert.equal(cached.code, 0, cached.stderr);
        const viewCache = join(fresh, 'trust', serverKey(notary.url), ...repo().gun.split('/'), 'view.cache');
        if (repo() === fixtures.replacedSignerKey) {
          // A view with a delegation left out is not kept: the second run verified in full again.
          assert.equal(existsSync(viewCache), false);
        } else {
          assert.match(readFileSync(viewCache, 'utf8'), /\n {12}\{\n {16}"SignedTag"|\n\[\]$/, 'the SignedTags were kept as printed');
        }
        const untimed = (stdout: string) => stdout.replace(/"VerifiedAt": "[^"]+"/, '"VerifiedAt": ""');
        assert.equal(untimed(cached.stdout), untimed(verified.stdout));
        assert.deepEqual(dockerFieldsOf(cached.stdout), JSON.parse((await docker([repo().gun])).stdout));
      });

      it('prints the same --pretty text as docker trust inspect --pretty, byte for byte', async () => {
        await assertPrettyParity([repo().gun]);
      });
    });
  }

  describe('a delegation that fails verification', () => {
    it('is named on stderr with the failed check, and --strict turns it into a failure', async () => {
      const gun = fixtures.replacedSignerKey.gun;
      const lenient = await inspect('--json', gun);
      assert.equal(lenient.code, 0);
      assert.match(lenient.stderr, /targets\/bob.*signature-threshold/);
      const strict = await inspect('--json', '--strict', gun);
      assert.equal(strict.code, 1);
      assert.match(strict.stderr, /targets\/bob.*signature-threshold/);
      assert.equal(strict.stdout, '[]\n', 'nothing is printed for a repository that failed');
    });
  });

  describe('keys rotated after both clients trusted the repository', () => {
    it('follows each rotation as docker does: root, targets, snapshot and timestamp to the server', async () => {
      const repo = fixtures.rotatesLater;
      const adminKeys = (entries: DockerTrustInspectEntry[]): string[][] =>
        entries[0]?.AdministrativeKeys.map((k) => k.Keys.map((key) => key.ID)) ?? [];
      let shown = adminKeys(await assertJsonParity([repo.gun]));
      for (const [role, serverManaged] of [['root', false], ['targets', false], ['snapshot', true], ['timestamp', true]] as const) {
        await repo.admin.rotate(repo.gun, role, { serverManaged });
        const now = adminKeys(await assertJsonParity([repo.gun]));
        // Root and Repository are shown; the other rotations change only what verifies.
        if (role === 'root') assert.notDeepEqual(now[0], shown[0]);
        if (role === 'targets') assert.notDeepEqual(now[1], shown[1]);
        shown = now;
        await assertPrettyParity([repo.gun]);
      }
    });
  });

  describe('GUN:TAG', () => {
    it('shows only that tag, with the same signers, in JSON and --pretty', async () => {
      for (const ref of [`${fixtures.signers.gun}:v3`, `${fixtures.cosigned.gun}:v1`, `${fixtures.targetsOnly.gun}:v10`]) {
        await assertJsonParity([ref]);
        await assertPrettyParity([ref]);
      }
    });

    it('shows no signed tags and exits 0 for a tag nobody signed, as docker does', async () => {
      const ref = `${fixtures.targetsOnly.gun}:never-signed`;
      const [theirs] = await assertJsonParity([ref]);
      assert.deepEqual(theirs?.SignedTags, []);
      await assertPrettyParity([ref]);
    });
  });

  describe('Docker Hub names', () => {
    it('reads a short name as docker.io/library/NAME and prints it as typed', async () => {
      const short = fixtures.dockerHub.gun.slice('docker.io/library/'.length);
      for (const ref of [short, `library/${short}`, `${short}:v2`, fixtures.dockerHub.gun]) {
        await assertJsonParity([ref]);
        await assertPrettyParity([ref]);
      }
    });
  });

  describe('several repositories', () => {
    it('prints every repository in one JSON array, in argument order', async () => {
      await assertJsonParity([fixtures.signers.gun, fixtures.targetsOnly.gun, `${fixtures.delegations.gun}:v1`]);
    });

    it('separates --pretty sections the way docker does', async () => {
      await assertPrettyParity([fixtures.cosigned.gun, fixtures.rotatedRoot.gun]);
    });

    it('prints the good ones, reports the nonexistent one on stderr and exits 1', async () => {
      const refs = [fixtures.targetsOnly.gun, MISSING, fixtures.signers.gun];
      await assertJsonParity(refs, 1);
      const ours = await inspect('--json', ...refs);
      assert.match(ours.stderr, new RegExp(`${MISSING}.*repository-not-found`));
      assert.equal(dockerFieldsOf(ours.stdout).length, 2);
    });

    it('with --pretty stops at the nonexistent one, as docker does', async () => {
      await assertPrettyParity([fixtures.targetsOnly.gun, MISSING, fixtures.signers.gun], 1);
    });
  });

  describe('a repository that does not exist', () => {
    it('prints [] and exits 1, with the reason on stderr', async () => {
      await assertJsonParity([MISSING], 1);
      const ours = await inspect('--json', MISSING);
      assert.equal(ours.stdout, '[]\n');
      assert.match(ours.stderr, /repository-not-found/);
    });

    it('prints nothing with --pretty and exits 1', async () => {
      await assertPrettyParity([MISSING], 1);
    });
  });

  describe('global options', () => {
    it('may stand before or after the command, with the same output', async () => {
      const gun = fixtures.signers.gun;
      const global = ['--server', notary.url, '--tls-ca', notary.caFile, '--home', home, '--json'];
      const before = await countersign([...global, 'inspect', gun]);
      const afterCommand = await countersign(['inspect', ...global, gun]);
      const afterArgument = await countersign(['inspect', gun, ...global]);
      const mixed = await countersign(['--server', notary.url, 'inspect', `--tls-ca=${notary.caFile}`, gun, '--home', home, '--json']);
      for (const result of [before, afterCommand, afterArgument, mixed]) {
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(dockerFieldsOf(result.stdout), dockerFieldsOf(before.stdout));
        assert.match(result.stdout, new RegExp(`"Server": "${notary.url}"`));
      }
      assert.deepEqual(dockerFieldsOf(before.stdout), JSON.parse((await docker([gun])).stdout));
    });

    it("finds the server and its CA the way docker does: $DOCKER_CONTENT_TRUST_SERVER and $DOCKER_CONFIG/tls", async () => {
      const gun = fixtures.serverSnapshot.gun;
      const env = reader.env({ COUNTERSIGN_HOME: makeTempDir('countersign-env-home') });
      const ours = await countersign(['inspect', gun, '--pretty'], env);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, (await docker([gun], true)).stdout);
    });
  });

  describe('the real bin/countersign.cjs', () => {
    it('prints the same JSON as docker and exits 1 when one repository is missing', async () => {
      const refs = [fixtures.cosigned.gun, MISSING];
      const ours = await countersignBin(['inspect', ...refs, '--server', notary.url, '--tls-ca', notary.caFile, '--json'], {
        COUNTERSIGN_HOME: makeTempDir('countersign-bin-home'),
      });
      const theirs = await docker(refs);
      assert.equal(theirs.code, 1);
      assert.equal(ours.code, 1, ours.stderr);
      assert.deepEqual(dockerFieldsOf(ours.stdout), JSON.parse(theirs.stdout));
      assert.match(ours.stderr, /repository-not-found/);
    });
  });
});
