// The key vault against the real Secret Service (gnome-keyring in a private D-Bus session).
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalKeyIdOf, keyId } from '../../../electron/core/crypto/key-id';
import { verifySignature } from '../../../electron/core/crypto/verify';
import type { TufPublicKey } from '../../../electron/core/crypto/types';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { CountersignError } from '../../../shared/errors';
import { noPassphrases } from '../../../electron/core/keys/passphrase';
import { keychainSecretStore, type SecretStore } from '../../../electron/core/keys/secret-store';
import { makeTempDir, removeTempDir, runCommand, toolEnv } from '../../stack/process';
import {
  filesWithPlaintextKeys,
  keychainAccounts,
  keychainSecretsOf,
  openTestVault,
  requireKeyringSession,
  ScriptedPassphrases,
} from './support/vault-fixture';

const CHILD = fileURLToPath(new URL('./support/vault-child.ts', import.meta.url));
const GUN = 'registry.example.com/team/app';
const data = new TextEncoder().encode('{"signed":"bytes"}');
const scratchDirs: string[] = [];
const madeKeyIds = new Set<string>();

function scratch(label: string): string {
  const dir = makeTempDir(label);
  scratchDirs.push(dir);
  return dir;
}

function tufKey(record: KeyRecord): TufPublicKey {
  return { keytype: record.keytype, keyval: { public: record.publicKey, private: null } };
}

function remember<T extends { id: string }>(record: T): T {
  madeKeyIds.add(record.id);
  return record;
}

const fixedPassphrase = (passphrase: string) => new ScriptedPassphrases(() => passphrase);

/** Runs the vault in a fresh node process (same keychain session unless env says otherwise). */
async function inChild(args: string[], env: NodeJS.ProcessEnv = process.env, wrap: string[] = []) {
  const command = [...wrap, process.execPath, '--import', 'tsx', CHILD, ...args];
  const result = await runCommand(command[0]!, command.slice(1), { env, cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
  // The child's answer is its last line (a keyring daemon started on the way may print before it).
  const answer = result.stdout.trim().split('\n').at(-1) ?? '';
  assert.ok(answer.startsWith('{'), `the child printed no answer:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(answer) as Record<string, unknown>;
}

before(() => requireKeyringSession());

after(async () => {
  for (const dir of scratchDirs) await removeTempDir(dir);
});

describe('generating keys', () => {
  it('puts an ECDSA targets key in the keychain and only its public facts in the index', async () => {
    const { vault, home } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const record = remember(await vault.generate({ role: 'targets', gun: GUN, label: 'CI' }));
    assert.equal(record.keytype, 'ecdsa');
    assert.deepEqual([record.role, record.gun, record.label, record.origin, record.location], ['targets', GUN, 'CI', 'generated', 'keychain']);
    assert.equal(keyId(tufKey(record)), record.id);
    assert.ok((await keychainAccounts()).includes(record.id), 'the Secret Service holds the key');
    assert.deepEqual(await keychainAccounts(home), [record.id], "the entry is in this home's own namespace");
    const index = await readFile(join(home, 'keys.json'), 'utf8');
    assert.ok(index.includes(record.id));
    assert.equal((await stat(join(home, 'keys.json'))).mode & 0o077, 0, 'the index is owner-only');
  });

  it('signs with a key it made, and the published public key verifies the signature', async () => {
    const { vault } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    for (const algorithm of ['ecdsa', 'ed25519'] as const) {
      const record = remember(await vault.generate({ role: 'targets/releases', algorithm }));
      const signer = await vault.getSigner(record.id);
      const { method, sig } = signer.sign(data);
      assert.equal(verifySignature(tufKey(record), method, data, sig), true, algorithm);
      assert.deepEqual(Object.keys(signer).sort(), ['certificateKey', 'id', 'publicKey', 'role', 'sign'], 'no key material on the signer');
    }
  });

  it('makes root keys as notary init does: ECDSA, with a certificate for the GUN', async () => {
    const { vault } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const record = remember(await vault.generate({ role: 'root', gun: GUN }));
    assert.equal(record.gun, undefined, 'notary files root keys without a GUN');
    const [certificate] = record.certificates ?? [];
    assert.ok(certificate);
    const certificateKey: TufPublicKey = { keytype: 'ecdsa-x509', keyval: { public: certificate.certificate, private: null } };
    assert.equal(keyId(certificateKey), certificate.keyId, 'the ID root.json will list');
    assert.equal(canonicalKeyIdOf(certificateKey), record.id, 'the ID notary key list shows');
    await assert.rejects(vault.generate({ role: 'root', algorithm: 'ed25519' }), { code: 'key-unsupported' });
  });

  it('asks for the GUN of targets and snapshot keys', async () => {
    const { vault } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    await assert.rejects(vault.generate({ role: 'snapshot' }), { code: 'invalid-input' });
  });
});

describe('keys outlive the process', () => {
  it('a new process signs with a key this one generated, and the reverse', async () => {
    const { vault, home } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const ours = remember(await vault.generate({ role: 'targets/ci' }));
    const signed = await inChild([home, 'sign', ours.id.slice(0, 12), Buffer.from(data).toString('base64')]);
    assert.equal(verifySignature(tufKey(ours), String(signed['method']), data, String(signed['sig'])), true);

    const theirs = remember((await inChild([home, 'generate', 'targets/other'])) as unknown as KeyRecord);
    const { method, sig } = (await vault.getSigner(theirs.id)).sign(data);
    assert.equal(verifySignature(tufKey(theirs), method, data, sig), true);
  });
});

describe('managing keys', () => {
  it('labels keys and finds them by an unambiguous ID prefix', async () => {
    const { vault } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const record = remember(await vault.generate({ role: 'targets/releases' }));
    assert.equal((await vault.setLabel(record.id.slice(0, 10), '  laptop  ')).label, 'laptop');
    assert.equal((await vault.get(record.id.slice(0, 10))).label, 'laptop');
    assert.equal((await vault.setLabel(record.id, '')).label, undefined);
    await assert.rejects(vault.get('zz'), { code: 'invalid-input' });
    await assert.rejects(vault.get('0'.repeat(64)), { code: 'key-not-found' });
  });

  it('removes a key from the keychain and the index', async () => {
    const { vault } = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const record = await vault.generate({ role: 'targets/releases' });
    await vault.remove(record.id);
    assert.equal((await keychainAccounts()).includes(record.id), false);
    assert.deepEqual(await vault.list(), []);
    await assert.rejects(vault.getSigner(record.id), { code: 'key-not-found' });
    await assert.rejects(vault.remove(record.id), { code: 'key-not-found' });
  });
});

describe('exporting and importing', () => {
  it('exports encrypted keys that a second vault imports with role and GUN intact', async () => {
    const first = openTestVault(fixedPassphrase('export-pass'), { home: scratch('vault-home') });
    const targets = remember(await first.vault.generate({ role: 'targets', gun: GUN }));
    const releases = remember(await first.vault.generate({ role: 'targets/releases', algorithm: 'ed25519' }));
    const bundle = await first.vault.exportKeys([targets.id, releases.id]);
    assert.equal(bundle.match(/BEGIN ENCRYPTED PRIVATE KEY/g)?.length, 2);

    // The same keychain: remove them first so the second vault really imports.
    await first.vault.remove(targets.id);
    await first.vault.remove(releases.id);
    const file = join(scratch('export'), 'keys.pem');
    await writeFile(file, bundle, { mode: 0o600 });
    const second = openTestVault(fixedPassphrase('export-pass'), { home: scratch('vault-home') });
    const report = await second.vault.importFiles([file]);
    assert.deepEqual(
      report.imported.map((r) => [r.id, r.role, r.gun, r.origin]),
      [[targets.id, 'targets', GUN, 'imported'], [releases.id, 'targets/releases', undefined, 'imported']],
    );
  });

  it('asks again after a wrong passphrase and reuses the one that worked for the next key', async () => {
    const source = openTestVault(fixedPassphrase('right'), { home: scratch('vault-home') });
    const a = await source.vault.generate({ role: 'targets/a' });
    const b = await source.vault.generate({ role: 'targets/b' });
    const file = join(scratch('export'), 'two.pem');
    await writeFile(file, await source.vault.exportKeys([a.id, b.id]));
    await source.vault.remove(a.id);
    await source.vault.remove(b.id);

    const answers = ['wrong', 'right'];
    const passphrases = new ScriptedPassphrases(() => answers.shift());
    const target = openTestVault(passphrases, { home: scratch('vault-home') });
    const report = await target.vault.importFiles([file]);
    report.imported.forEach(remember);
    assert.equal(report.imported.length, 2);
    assert.deepEqual(passphrases.requests.map((r) => [r.kind, r.attempt, r.role]), [['unlock', 1, 'targets/a'], ['unlock', 2, 'targets/a']]);
  });

  it('imports nothing when one key of several has a wrong passphrase', async () => {
    const source = openTestVault(noPassphrases, { home: scratch('vault-home') });
    const a = await source.vault.generate({ role: 'targets/a' });
    const b = await source.vault.generate({ role: 'targets/b' });
    const bundle = (await source.vault.exportKeys([a.id], { passphrase: 'one' })) + (await source.vault.exportKeys([b.id], { passphrase: 'two' }));
    await source.vault.remove(a.id);
    await source.vault.remove(b.id);
    const file = join(scratch('export'), 'mixed.pem');
    await writeFile(file, bundle);

    const target = openTestVault(fixedPassphrase('one'), { home: scratch('vault-home') });
    await assert.rejects(target.vault.importFiles([file]), { code: 'passphrase-wrong' });
    assert.deepEqual(await target.vault.list(), []);
    const accounts = await keychainAccounts();
    assert.equal(accounts.includes(a.id) || accounts.includes(b.id), false, 'nothing left in the keychain');
  });

  it('imports nothing when the keychain fails half-way', async () => {
    const source = openTestVault(fixedPassphrase('p'), { home: scratch('vault-home') });
    const ids = [];
    for (const role of ['targets/a', 'targets/b', 'targets/c']) ids.push((await source.vault.generate({ role })).id);
    const file = join(scratch('export'), 'three.pem');
    await writeFile(file, await source.vault.exportKeys(ids));
    for (const id of ids) await source.vault.remove(id);

    const target = openTestVault(fixedPassphrase('p'), { home: scratch('vault-home'), secrets: failingOnWrite(keychainSecretStore(), 3) });
    await assert.rejects(target.vault.importFiles([file]), { code: 'keychain-unavailable' });
    assert.deepEqual(await target.vault.list(), []);
    const accounts = await keychainAccounts();
    assert.deepEqual(ids.filter((id) => accounts.includes(id)), []);
  });

  it('imports a key that is already in the vault as a no-op that says so, and refuses a file named for another key', async () => {
    const { vault } = openTestVault(fixedPassphrase('p'), { home: scratch('vault-home') });
    const record = remember(await vault.generate({ role: 'targets/releases' }));
    const dir = scratch('export');
    const file = join(dir, `${record.id}.key`);
    await writeFile(file, await vault.exportKeys([record.id]));
    const again = await vault.importFiles([file]);
    assert.deepEqual(again.imported, []);
    assert.deepEqual(again.skipped.map((s) => [s.id, s.reason.code]), [[record.id, 'key-exists']]);
    assert.ok((await vault.getSigner(record.id)).sign(data), 'the key is still there and signs');

    const other = remember(await vault.generate({ role: 'targets/other' }));
    const misnamed = join(dir, `${other.id}.key`);
    await copyFile(file, misnamed);
    await vault.remove(record.id);
    const plain = (await readFile(misnamed, 'utf8')).replace(/^path: .*\n/m, '');
    await writeFile(misnamed, plain);
    await assert.rejects(vault.importFiles([misnamed]), { code: 'key-id-mismatch' });
    assert.equal((await vault.list()).some((r) => r.id === record.id), false);
  });

  it('says which file is broken and imports nothing from a truncated one', async () => {
    const { vault } = openTestVault(fixedPassphrase('p'), { home: scratch('vault-home') });
    const record = await vault.generate({ role: 'targets/releases' });
    const text = await vault.exportKeys([record.id]);
    await vault.remove(record.id);
    const file = join(scratch('export'), 'broken.pem');
    await writeFile(file, text.slice(0, text.length / 2));
    await assert.rejects(vault.importFiles([file]), (error: Error & { code?: string }) => error.code === 'pem-invalid' && error.message.includes(file));
  });

  it('stops an import when it is cancelled, with nothing imported', async () => {
    const { vault } = openTestVault(fixedPassphrase('p'), { home: scratch('vault-home') });
    const record = await vault.generate({ role: 'targets/releases' });
    const file = join(scratch('export'), 'one.pem');
    await writeFile(file, await vault.exportKeys([record.id]));
    await vault.remove(record.id);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(vault.importFiles([file], { signal: controller.signal }), { code: 'cancelled' });
    assert.deepEqual(await vault.list(), []);
  });
});

describe('an offline root key', () => {
  it('leaves the keychain only after its encrypted copy reads back, and comes back from it', async () => {
    const { vault } = openTestVault(fixedPassphrase('offline-pass'), { home: scratch('vault-home') });
    const root = remember(await vault.generate({ role: 'root', gun: GUN }));
    const file = join(scratch('offline'), 'root-backup.pem');
    const offline = await vault.takeOffline(root.id, file);
    assert.deepEqual([offline.location, offline.offlineFile], ['offline', file]);
    assert.equal((await keychainAccounts()).includes(root.id), false);
    assert.match(await readFile(file, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\npath: [0-9a-f]{64}\nrole: root\n/);
    assert.equal((await stat(file)).mode & 0o077, 0);
    await assert.rejects(vault.getSigner(root.id), { code: 'key-not-found' });

    const back = await vault.bringOnline(root.id);
    assert.equal(back.location, 'keychain');
    assert.deepEqual(back.certificates, root.certificates, 'the record keeps its certificates');
    const { method, sig } = (await vault.getSigner(root.id)).sign(data);
    assert.equal(verifySignature(tufKey(root), method, data, sig), true);
  });

  it('stays offline when the passphrase for bringing it back is wrong', async () => {
    const answers = ['first', 'nope'];
    const { vault } = openTestVault(new ScriptedPassphrases(() => answers.shift()), { home: scratch('vault-home') });
    const root = await vault.generate({ role: 'root' });
    await vault.takeOffline(root.id, join(scratch('offline'), 'root.pem'));
    await assert.rejects(vault.bringOnline(root.id), { code: 'passphrase-wrong' });
    assert.equal((await vault.get(root.id)).location, 'offline');
    await vault.remove(root.id);
  });
});

describe('a keychain that is not there', () => {
  it('reports keychain-unavailable when no Secret Service can be reached', async () => {
    const home = scratch('vault-home');
    const env = toolEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/countersign-bus', COUNTERSIGN_KEYRING_SESSION: undefined });
    const result = await inChild([home, 'generate', 'targets/x'], env);
    assert.equal((result['error'] as { code: string }).code, 'keychain-unavailable');
    assert.match((result['error'] as { message: string }).message, /keychain is not available/);
  });

  // A daemon of its own, whose keyring nobody unlocks, on a bus of its own. Nothing may lead it to
  // this session's daemon (GNOME_KEYRING_CONTROL, a shared runtime dir), or its --start would only
  // talk to that one.
  function ownDaemon(keyringHome: string): { env: NodeJS.ProcessEnv; wrap: string[] } {
    return {
      env: toolEnv({ HOME: keyringHome, COUNTERSIGN_KEYRING_SESSION: undefined, DBUS_SESSION_BUS_ADDRESS: undefined, GNOME_KEYRING_CONTROL: undefined, XDG_RUNTIME_DIR: undefined }),
      wrap: ['dbus-run-session', '--', 'sh', '-c', 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec "$@"', 'sh'],
    };
  }

  it('reports keychain-unavailable when the keyring is locked (no one answers its unlock prompt)', async () => {
    const keyringHome = scratch('locked-keyring');
    // A login keyring with a secret in it, as a desktop leaves it when the daemon stops.
    const made = await runCommand(
      'dbus-run-session',
      ['--', 'sh', '-c', 'printf pw | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null && sleep 0.5 && printf s | secret-tool store --label=l service countersign-test account a'],
      { env: ownDaemon(keyringHome).env },
    );
    assert.equal(made.code, 0, made.stderr);
    const { env, wrap } = ownDaemon(keyringHome);
    const result = await inChild([scratch('vault-home'), 'generate', 'targets/x'], env, wrap);
    assert.equal((result['error'] as { code: string }).code, 'keychain-unavailable');
    assert.match((result['error'] as { message: string }).message, /unlock prompt was dismissed/);
  });

  it('reports keychain-unavailable when the daemon has no keyring at all (never unlocked, so never made)', async () => {
    const { env, wrap } = ownDaemon(scratch('no-keyring'));
    const result = await inChild([scratch('vault-home'), 'generate', 'targets/x'], env, wrap);
    assert.equal((result['error'] as { code: string }).code, 'keychain-unavailable');
  });
});

describe('no plaintext private keys', () => {
  it('no file in the homes, exports or temp dirs holds a key the vault made, nor any unencrypted PEM key', async () => {
    const secrets = await keychainSecretsOf(madeKeyIds);
    assert.ok(secrets.length >= 5, 'the tests above left keys to look for');
    const ourDirs = [...scratchDirs, process.env['HOME']!];
    assert.deepEqual(await filesWithPlaintextKeys(ourDirs, secrets), []);
    // Other tests keep throwaway TLS keys in the temp dir; there we only look for our own keys.
    assert.deepEqual(await filesWithPlaintextKeys([tmpdir()], secrets, { anyPlaintextPem: false }), []);
  });
});

/** The real keychain, except that the n-th write fails as a locked keyring would. */
function failingOnWrite(inner: SecretStore, failingWrite: number): SecretStore {
  let writes = 0;
  return {
    get: (account) => inner.get(account),
    delete: (account) => inner.delete(account),
    list: () => inner.list(),
    async set(account, secret) {
      writes += 1;
      if (writes === failingWrite) throw new CountersignError('keychain-unavailable', 'injected: the keyring was locked');
      await inner.set(account, secret);
    },
  };
}
