// Proves the test stack every integration and E2E test stands on: the real notary-server, the real
// notary and docker clients reading what the fixtures built, the real registry, the tampering proxy
// and the private keyring session.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import {
  dockerSigners,
  dockerTrust,
  httpsRequest,
  nestedDelegations,
  notaryCli,
  notaryTargetsOnly,
  pushedImageTargets,
  rotatedRoot,
  runCommand,
  serverManagedSnapshot,
  toolEnv,
  startMitm,
  startNotaryServer,
  startRegistry,
  twoSignersOneTag,
  keyIdOf,
  canonicalKeyIdOfPublicKey,
  type DockerTrust,
  type DockerTrustInspectEntry,
  type FixtureContext,
  type NotaryServer,
  type RepoFacts,
} from '../stack';

/** The fields of one inspect entry a fixture determines, in docker's order. */
function inspectView(entry: DockerTrustInspectEntry | undefined): unknown {
  assert.ok(entry, 'docker trust inspect printed no entry');
  return {
    signedTags: entry.SignedTags.map((t) => ({ tag: t.SignedTag, digest: t.Digest, signers: t.Signers })),
    signers: entry.Signers.map((s) => ({ name: s.Name, keys: s.Keys.map((k) => k.ID) })),
    admin: entry.AdministrativeKeys.map((a) => ({ name: a.Name, keys: a.Keys.map((k) => k.ID) })),
  };
}

function adminKeys(facts: RepoFacts): unknown {
  return [
    { name: 'Root', keys: [facts.rootKeyId] },
    { name: 'Repository', keys: [facts.targetsKeyId] },
  ];
}

function tagView(facts: RepoFacts, tag: string, signers: string[]): unknown {
  const fact = facts.tags[tag];
  assert.ok(fact, `fixture has no tag ${tag}`);
  return { tag, digest: fact.sha256, signers };
}

describe('the test stack', () => {
  let notary: NotaryServer;
  let ctx: FixtureContext;
  /** A reader with no keys of its own: trusts each repository on first use, like a fresh user. */
  let reader: DockerTrust;

  before(async () => {
    notary = await startNotaryServer();
    ctx = { notary };
    reader = await dockerTrust({ server: notary.url, caFile: notary.caFile });
  });

  after(async () => {
    await reader?.dispose();
    await notary?.stop();
  });

  const inspect = async (gun: string): Promise<DockerTrustInspectEntry | undefined> => {
    const result = await reader.inspect(gun);
    assert.equal(result.code, 0, result.stderr);
    return result.entries?.[0];
  };
  const notaryList = async (gun: string): Promise<{ name: string; digest: string; size: number; role: string }[]> => {
    const client = notaryCli({ server: notary.url, caFile: notary.caFile });
    try {
      return (await client.list(gun)).sort((a, b) => a.name.localeCompare(b.name));
    } finally {
      await client.dispose();
    }
  };

  describe('notary-server', () => {
    it('answers its health check over TLS signed by the test CA, on localhost', async () => {
      const response = await httpsRequest(`${notary.url}/_notary_server/health`, { ca: notary.caPem });
      assert.equal(response.status, 200);
      assert.match(notary.url, /^https:\/\/localhost:\d+$/);
    });

    it('says 404 for a repository nobody published', async () => {
      assert.equal((await notary.fetchTrustFile('localhost:5000/nobody/here', 'root')).status, 404);
    });
  });

  describe('fixture a: notary init with tags in targets only', () => {
    it('is read by docker trust inspect as tags signed by Repo Admin, no signers', async () => {
      const repo = await notaryTargetsOnly(ctx, { tags: ['v2', 'v10', 'v1'] });
      assert.deepEqual(inspectView(await inspect(repo.gun)), {
        signedTags: ['v1', 'v2', 'v10'].map((tag) => tagView(repo, tag, ['Repo Admin'])),
        signers: [],
        admin: adminKeys(repo),
      });
      assert.deepEqual(
        await notaryList(repo.gun),
        Object.values(repo.tags)
          .map((t) => ({ name: t.tag, digest: t.sha256, size: t.size, role: 'targets' }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      assert.equal(repo.snapshotKey, 'client');
      await repo.dispose();
    });
  });

  describe('fixture b: signers added by docker trust signer add', () => {
    it('shows each tag signed by its signer, and the signers by name descending', async () => {
      const repo = await dockerSigners(ctx);
      const { alice, bob } = repo.signers;
      assert.ok(alice && bob);
      assert.deepEqual(repo.tags['v1']?.roles, ['targets/alice', 'targets/releases']);
      assert.deepEqual(inspectView(await inspect(repo.gun)), {
        signedTags: [tagView(repo, 'v1', ['alice']), tagView(repo, 'v2', ['bob'])],
        signers: [
          { name: 'bob', keys: [bob.keyId] },
          { name: 'alice', keys: [alice.keyId] },
        ],
        admin: adminKeys(repo),
      });
      // docker trust signer add creates the repository with the snapshot key on the server.
      assert.equal(repo.snapshotKey, 'server');
      assert.equal((await notary.fetchTrustFile(repo.gun, 'snapshot.key')).status, 200);
      await repo.dispose();
    });
  });

  describe('fixture c: one tag signed by two signers', () => {
    it('lists both signers for the tag', async () => {
      const repo = await twoSignersOneTag(ctx);
      assert.deepEqual(repo.tags['v1']?.roles, ['targets/alice', 'targets/bob', 'targets/releases']);
      const view = inspectView(await inspect(repo.gun)) as { signedTags: unknown[] };
      assert.deepEqual(view.signedTags, [tagView(repo, 'v1', ['alice', 'bob'])]);
      await repo.dispose();
    });
  });

  describe('fixture d: a rotated root', () => {
    it('shows only the new root key and keeps the tags from before and after the rotation', async () => {
      const repo = await rotatedRoot(ctx);
      assert.notEqual(repo.rootKeyId, repo.oldRootKeyId);
      assert.ok(repo.rootVersion >= 2);
      assert.equal((await notary.fetchTrustFile(repo.gun, `${repo.rootVersion - 1}.root`)).status, 200);
      assert.deepEqual(inspectView(await inspect(repo.gun)), {
        signedTags: [tagView(repo, 'v1', ['Repo Admin']), tagView(repo, 'v2', ['Repo Admin'])],
        signers: [],
        admin: adminKeys(repo),
      });
      await repo.dispose();
    });
  });

  describe('fixture e: a server-managed snapshot key', () => {
    it('has its snapshot key on the server and none in the client trust dir', async () => {
      const repo = await serverManagedSnapshot(ctx);
      const served = JSON.parse((await notary.fetchTrustFile(repo.gun, 'snapshot.key')).body.toString()) as {
        keytype: string;
        keyval: { public: string };
      };
      assert.equal(keyIdOf(served.keytype, served.keyval.public), repo.snapshotKeyId);
      const localRoles = (await repo.admin.privateKeys()).filter((k) => k.gun === repo.gun).map((k) => k.role);
      assert.deepEqual(localRoles, ['targets']);
      assert.deepEqual((await notaryList(repo.gun)).map((t) => t.name), ['v1']);
      await repo.dispose();
    });
  });

  describe('fixture f: a path-restricted and a nested delegation', () => {
    it('is listed by notary with each target in its delegation', async () => {
      const repo = await nestedDelegations(ctx);
      assert.deepEqual(
        (await notaryList(repo.gun)).map((t) => [t.name, t.role]),
        [
          ['team/app', 'targets/team'],
          ['team/sub/tool', 'targets/team/sub'],
          ['v1', 'targets'],
        ],
      );
      assert.deepEqual(
        (await repo.admin.delegationList(repo.gun)).map((d) => ({ role: d.role, paths: d.paths, keyIds: d.keyIds })),
        Object.values(repo.delegations),
      );
    });

    it('is read by docker as two signers, with only the targets tag signed', async () => {
      const repo = await nestedDelegations(ctx);
      const team = repo.delegations['targets/team'];
      const sub = repo.delegations['targets/team/sub'];
      assert.ok(team && sub);
      assert.deepEqual(inspectView(await inspect(repo.gun)), {
        signedTags: [tagView(repo, 'v1', ['Repo Admin'])],
        signers: [
          { name: 'team/sub', keys: sub.keyIds },
          { name: 'team', keys: team.keyIds },
        ],
        admin: adminKeys(repo),
      });
      await repo.dispose();
    });
  });

  describe('docker trust without an engine', () => {
    it('prints [] and exits 1 for a repository that does not exist', async () => {
      const result = await reader.inspect('localhost:5000/no/such/repo');
      assert.equal(result.code, 1);
      assert.deepEqual(result.entries, []);
    });

    it('loads a PEM private key under a signer name and reports its canonical key ID', async () => {
      const keyFile = join(reader.configDir, 'carol.key');
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      // A plaintext key in the test's own temp dir, made for this test only; docker refuses key files
      // that others may read.
      await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      assert.equal(await reader.keyLoad(keyFile, 'carol'), canonicalKeyIdOfPublicKey(publicKey));
    });

    it('revokes a tag signed into targets/releases', async () => {
      const repo = await dockerSigners(ctx, { signs: { alice: ['v1', 'v2'] } });
      // docker revokes from the roles it could sign into, so the signer revokes, not the admin.
      const alice = repo.signers['alice'];
      assert.ok(alice);
      await alice.docker.revoke(`${repo.gun}:v1`);
      const view = inspectView(await inspect(repo.gun)) as { signedTags: unknown[] };
      assert.deepEqual(view.signedTags, [tagView(repo, 'v2', ['alice'])]);
      await repo.dispose();
    });
  });

  describe('registry', () => {
    it('stores a pushed image and reports the same manifest digest and size', async () => {
      const registry = await startRegistry({ ca: notary.ca });
      try {
        const pushed = await registry.pushImage('team/app', 'v1', { seed: 'a' });
        assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
        assert.equal(await registry.manifestDigest('team/app', 'v1'), pushed.digest);
        assert.equal((await registry.getManifest('team/app', pushed.digest))?.body.length, pushed.size);

        // Deterministic per seed; a re-push moves the tag to another digest.
        assert.equal((await registry.pushImage('team/app', 'v1', { seed: 'a' })).digest, pushed.digest);
        const moved = await registry.repushTag('team/app', 'v1');
        assert.notEqual(moved.digest, pushed.digest);
        assert.equal(await registry.manifestDigest('team/app', 'v1'), moved.digest);

        await registry.tagManifest('team/app', 'old', pushed.digest);
        assert.deepEqual((await registry.tags('team/app')).sort(), ['old', 'v1']);
        await registry.deleteTag('team/app', 'old');
        assert.equal(await registry.manifestDigest('team/app', 'old'), undefined);

        // A real client reads the image too.
        const skopeo = await runCommand('skopeo', ['inspect', '--cert-dir', registry.certDir, `docker://${registry.host}/team/app:v1`]);
        assert.equal(skopeo.code, 0, skopeo.stderr);
        assert.equal((JSON.parse(skopeo.stdout) as { Digest: string }).Digest, moved.digest);

        // Fixtures can sign real images: the trust data then agrees with the registry.
        const signed = await notaryTargetsOnly(
          { notary, registryHost: registry.host, targetFor: pushedImageTargets(registry) },
          { repo: 'team/signed', tags: ['v1'] },
        );
        assert.equal(signed.gun, `${registry.host}/team/signed`);
        assert.equal(await registry.manifestDigest('team/signed', 'v1'), `sha256:${signed.tags['v1']?.sha256}`);
        await signed.dispose();
      } finally {
        const dir = registry.dir;
        await registry.stop();
        assert.equal(existsSync(dir), false, 'stop() removes the storage dir');
      }
    });
  });

  describe('tampering proxy', () => {
    it('rewrites, replays, counts and streams endlessly in front of notary-server', async () => {
      const repo = await notaryTargetsOnly(ctx, { tags: ['v1'] });
      const mitm = await startMitm({ upstream: notary.url, ca: notary.ca });
      try {
        const path = `/v2/${repo.gun}/_trust/tuf/timestamp.json`;
        const get = () => httpsRequest(`${mitm.url}${path}`, { ca: mitm.caPem });
        const original = await get();
        assert.equal(original.status, 200);
        assert.deepEqual(original.body, (await notary.fetchTrustFile(repo.gun, 'timestamp')).body);

        const unhook = mitm.rewrite(path, (_p, body) => Buffer.from(body.toString().replace('"Timestamp"', '"Tampered"')));
        assert.match((await get()).body.toString(), /"Tampered"/);
        unhook();

        await repo.admin.addHash(repo.gun, 'v2', 10, 'ab'.repeat(32));
        const newer = await get();
        assert.notDeepEqual(newer.body, original.body);
        mitm.replay(path, mitm.history(path)[0] ?? assert.fail('nothing recorded'));
        assert.deepEqual((await get()).body, original.body);
        assert.equal(mitm.requestCount(path), 4);

        mitm.serveEndless(path, { prefix: '{"signed":' });
        const endless = await new Promise<number>((resolve, reject) => {
          let received = 0;
          const req = httpsGet(`${mitm.url}${path}`, { ca: mitm.caPem, agent: false }, (res) => {
            res.on('data', (chunk: Buffer) => {
              received += chunk.length;
              if (received > 1024 * 1024) {
                req.destroy();
                resolve(received);
              }
            });
          });
          req.on('error', (error) => {
            if (received <= 1024 * 1024) reject(error);
          });
        });
        assert.ok(endless > 1024 * 1024);
        assert.ok(mitm.endlessBytesSent(path) >= endless);
      } finally {
        await mitm.stop();
        await repo.dispose();
      }
    });
  });

  describe('scripts/with-keyring.sh', () => {
    it('runs a command against a private, unlocked Secret Service in a throwaway HOME', async () => {
      const script = join(import.meta.dirname, '../../scripts/with-keyring.sh');
      const result = await runCommand(
        'bash',
        [
          script,
        'sh',
        '-c',
        'printf s3cret | secret-tool store --label=t service countersign-stack account a && ' +
          'secret-tool lookup service countersign-stack account a && echo && echo "$HOME" && exit 3',
        ],
        // Outside any session the script makes its own, even when these tests run inside one.
        { env: toolEnv({ COUNTERSIGN_KEYRING_SESSION: undefined }) },
      );
      const [secret, home] = result.stdout.split('\n');
      assert.equal(result.code, 3, result.stderr);
      assert.equal(secret, 's3cret');
      assert.match(home ?? '', /countersign-keyring\./);
      assert.equal(existsSync(home ?? '/'), false, 'the keyring HOME is removed afterwards');
    });

    it('replaces a daemon that went away with an unlocked one, and says so', async () => {
      const script = join(import.meta.dirname, '../../scripts/with-keyring.sh');
      const ownerPid =
        'dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus ' +
        "org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ { print $2 }'";
      const result = await runCommand(
        'bash',
        [
          script,
          'sh',
          '-c',
          // Without the watcher, the next client would make D-Bus start a daemon whose keyring is locked.
          `kill $(${ownerPid}) && sleep 2 && printf again | secret-tool store --label=t service countersign-stack account b && ` +
            'secret-tool lookup service countersign-stack account b',
        ],
        { env: toolEnv({ COUNTERSIGN_KEYRING_SESSION: undefined }) },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'again');
      assert.match(result.stderr, /the Secret Service daemon \(pid \d+\) is gone .* starting an unlocked one in its place/);
    });
  });
});
