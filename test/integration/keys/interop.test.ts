// The vault and the real tools, both directions: trust dirs written by notary 0.7 and docker 28 are
// imported with their roles and GUNs; keys the vault exports are loaded and used by notary and docker.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalKeyIdOf } from '../../../electron/core/crypto/key-id';
import type { TufPublicKey } from '../../../electron/core/crypto/types';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import type { PassphraseRequest } from '../../../electron/core/keys/passphrase';
import { dockerTrust, type DockerTrust } from '../../stack/docker-trust';
import { notaryCli, type NotaryCli, type NotaryPassphrases } from '../../stack/notary-cli';
import { startNotaryServer, type NotaryServer } from '../../stack/notary-server';
import { makeTempDir, removeTempDir } from '../../stack/process';
import { assertSignedBy, rootRoleKeyIdsOf, servedRole } from '../../unit/crypto/support/signed-files';
import { openTestVault, requireKeyringSession, ScriptedPassphrases } from './support/vault-fixture';

let server: NotaryServer;
let scratch: string;
const clients: { dispose(): Promise<void> }[] = [];

before(async () => {
  requireKeyringSession();
  server = await startNotaryServer();
  scratch = makeTempDir('keys-interop');
});

after(async () => {
  for (const client of clients) await client.dispose();
  await server?.stop();
  if (scratch) await removeTempDir(scratch);
});

function newNotary(): NotaryCli {
  const cli = notaryCli({ server: server.url, caFile: server.caFile });
  clients.push(cli);
  return cli;
}

async function newDocker(): Promise<DockerTrust> {
  const docker = await dockerTrust({ server: server.url, caFile: server.caFile });
  clients.push(docker);
  return docker;
}

/** notary's passphrases go by role: root, targets, snapshot, and one for every delegation. */
function notaryPassphraseFor(passphrases: NotaryPassphrases) {
  return (request: PassphraseRequest) =>
    request.role === 'root' ? passphrases.root : request.role === 'targets' ? passphrases.targets : request.role === 'snapshot' ? passphrases.snapshot : passphrases.delegation;
}

function tufKey(record: KeyRecord): TufPublicKey {
  return { keytype: record.keytype, keyval: { public: record.publicKey, private: null } };
}

function publicPem(record: KeyRecord): string {
  return `-----BEGIN PUBLIC KEY-----\n${record.publicKey.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

const roleFile = (gun: string, role: string) => servedRole(server, gun, role);

describe('importing what notary and docker wrote', () => {
  it('imports a notary trust dir with every key’s role and GUN, under the IDs `notary key list` shows', async () => {
    const notary = newNotary();
    await notary.init('example.com/interop/notary-dir');
    await notary.keyGenerate('targets/releases');
    const passphrases = new ScriptedPassphrases(notaryPassphraseFor(notary.passphrases));
    const { vault } = openTestVault(passphrases, { home: join(scratch, 'home-notary-dir') });

    const report = await vault.importTrustDir(notary.trustDir);
    const listed = (await notary.keyList()).map((k) => [k.role, k.keyId]).sort();
    assert.deepEqual(report.imported.map((r) => [r.role, r.id]).sort(), listed);
    for (const record of report.imported) {
      assert.equal(record.gun, ['targets', 'snapshot'].includes(record.role) ? 'example.com/interop/notary-dir' : undefined, record.role);
    }

    const again = await vault.importTrustDir(notary.trustDir);
    assert.deepEqual(again.imported, []);
    assert.deepEqual(again.skipped.map((s) => s.reason.code), ['key-exists', 'key-exists', 'key-exists', 'key-exists']);
    for (const record of report.imported) await vault.remove(record.id);
  });

  it('imports docker’s trust dir, keeping the signer name docker gave the key as its role', async () => {
    const docker = await newDocker();
    const alice = await docker.keyGenerate('alice');
    const { vault } = openTestVault(new ScriptedPassphrases(() => docker.env()['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']), {
      home: join(scratch, 'home-docker-dir'),
    });
    const report = await vault.importTrustDir(docker.configDir + '/trust');
    assert.deepEqual(report.imported.map((r) => [r.id, r.role, r.gun]), [[alice.keyId, 'alice', undefined]]);
    await vault.remove(alice.keyId);
  });
});

describe('keys the vault exports, used by notary and docker', () => {
  it('notary initialises a repository with the vault’s root key and signs a delegation with its key', async () => {
    const notary = newNotary();
    const gun = 'example.com/interop/from-vault';
    const { vault } = openTestVault(new ScriptedPassphrases(notaryPassphraseFor(notary.passphrases)), { home: join(scratch, 'home-export') });
    const root = await vault.generate({ role: 'root' });
    const releases = await vault.generate({ role: 'targets/releases' });
    const bundle = join(scratch, 'vault-keys.pem');
    // One export per key: notary decrypts each with the passphrase of its role.
    await writeFile(bundle, (await vault.exportKeys([root.id])) + (await vault.exportKeys([releases.id])), { mode: 0o600 });

    await notary.keyImport(bundle);
    const listed = await notary.keyList();
    assert.ok(listed.some((k) => k.role === 'root' && k.keyId === root.id));
    assert.ok(listed.some((k) => k.role === 'targets/releases' && k.keyId === releases.id));

    await notary.init(gun);
    const rootJson = await roleFile(gun, 'root');
    const rootId = rootRoleKeyIdsOf(rootJson, 'root')[0]!;
    assert.equal(canonicalKeyIdOf(rootJson.signed.keys![rootId]!), root.id);

    const publicKeyFile = join(scratch, 'releases.pub');
    await writeFile(publicKeyFile, publicPem(releases));
    await notary.delegationAdd(gun, 'targets/releases', [publicKeyFile], { allPaths: true });
    await notary.addHash(gun, 'v1', 3, 'ef'.repeat(32), { roles: ['targets/releases'] });
    assertSignedBy(await roleFile(gun, 'targets/releases'), tufKey(releases));
    await vault.remove(root.id);
    await vault.remove(releases.id);
  });

  it('docker trust key load accepts an exported key, and its re-encrypted copy comes back to the vault', async () => {
    const docker = await newDocker();
    const dockerPassphrase = docker.env()['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']!;
    const { vault } = openTestVault(new ScriptedPassphrases(() => dockerPassphrase), { home: join(scratch, 'home-docker-load') });
    const bob = await vault.generate({ role: 'bob' });
    const file = join(scratch, 'bob.pem');
    await writeFile(file, await vault.exportKeys([bob.id]), { mode: 0o600 });
    assert.equal(await docker.keyLoad(file, 'bob'), bob.id);
    await vault.remove(bob.id);

    const loaded = await readFile(join(docker.configDir, 'trust', 'private', `${bob.id}.key`), 'utf8');
    assert.match(loaded, /role: bob/);
    const report = await vault.importTrustDir(join(docker.configDir, 'trust'));
    assert.deepEqual(report.imported.map((r) => [r.id, r.role]), [[bob.id, 'bob']]);
    await vault.remove(bob.id);
  });

  it('docker adds a signer with the vault’s public key and signs with the vault’s exported key', async () => {
    const docker = await newDocker();
    const gun = 'example.com/interop/docker-signer';
    const dockerPassphrase = docker.env()['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']!;
    const { vault } = openTestVault(new ScriptedPassphrases(() => dockerPassphrase), { home: join(scratch, 'home-docker-signer') });
    const carol = await vault.generate({ role: 'carol' });
    const file = join(scratch, 'carol.pem');
    await writeFile(file, await vault.exportKeys([carol.id]), { mode: 0o600 });
    await docker.keyLoad(file, 'carol');
    const publicKeyFile = join(scratch, 'carol.pub');
    await writeFile(publicKeyFile, publicPem(carol));
    await docker.signerAdd('carol', gun, [publicKeyFile]);
    const roles = await docker.signLikeDocker(gun, 'v1', 5, '12'.repeat(32), { roles: ['targets/carol'] });
    assert.deepEqual(roles, ['targets/carol']);
    assertSignedBy(await roleFile(gun, 'targets/carol'), tufKey(carol));
    await vault.remove(carol.id);
  });
});
