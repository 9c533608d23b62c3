// Finding keys in notary/docker trust dirs, old and new layouts, without touching the keychain.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keyId } from '../../../electron/core/crypto/key-id';
import { publicKeyOf } from '../../../electron/core/crypto/private-key';
import { keyCandidatesOfFile, keyFilesOfTrustDir } from '../../../electron/core/keys/key-sources';
import { UnlockSession } from '../../../electron/core/keys/unlock';
import type { PassphraseProvider, PassphraseRequest } from '../../../electron/core/keys/passphrase';
import { tempDirsForThisFile } from './support/temp-dirs';
import { ownForChild, runUnprivileged } from '../../helpers/unprivileged';
import { fixtureKey, fixtureText, manifest } from '../crypto/support/fixtures';

const tempDir = tempDirsForThisFile('key-sources');

/** notary before 0.4 kept role and GUN in the path, not in headers. */
function withoutHeaders(pem: string): string {
  return pem.replace(/^(role|gun): .*\n/gm, '');
}

function answering(answers: (string | undefined)[]): PassphraseProvider & { asked: PassphraseRequest[] } {
  const asked: PassphraseRequest[] = [];
  return { asked, passphrase: async (request) => (asked.push(request), answers.shift()) };
}

describe('key files in a trust dir', () => {
  it('finds the keys of the current layout (private/<id>.key) from the trust dir or its private folder', async () => {
    const trust = tempDir();
    const key = fixtureKey((k) => k.role === 'targets');
    await mkdir(join(trust, 'private'));
    await writeFile(join(trust, 'private', `${key.keyId}.key`), fixtureText(key.file));
    await writeFile(join(trust, 'private', 'README'), 'not a key');
    const fromTrustDir = await keyFilesOfTrustDir(trust);
    assert.deepEqual(fromTrustDir.map((f) => f.file), [join(trust, 'private', `${key.keyId}.key`)]);
    assert.deepEqual(await keyFilesOfTrustDir(join(trust, 'private')), fromTrustDir);
    const [candidate] = await keyCandidatesOfFile(fromTrustDir[0]!.file, fromTrustDir[0]!.legacy);
    assert.deepEqual([candidate!.role, candidate!.gun, candidate!.claimedId], ['targets', manifest.gun, key.keyId]);
  });

  it('reads role and GUN from the older layout: root_keys/<id>_root.key and tuf_keys/<gun>/<id>_<role>.key', async () => {
    const trust = tempDir();
    const root = fixtureKey((k) => k.role === 'root' && k.gun === '');
    const targets = fixtureKey((k) => k.role === 'targets' && k.gun === manifest.gun);
    await mkdir(join(trust, 'private', 'root_keys'), { recursive: true });
    await mkdir(join(trust, 'private', 'tuf_keys', ...manifest.gun.split('/')), { recursive: true });
    await writeFile(join(trust, 'private', 'root_keys', `${root.keyId}_root.key`), withoutHeaders(fixtureText(root.file)));
    await writeFile(join(trust, 'private', 'tuf_keys', ...manifest.gun.split('/'), `${targets.keyId}_targets.key`), withoutHeaders(fixtureText(targets.file)));
    const found = [];
    for (const { file, legacy } of await keyFilesOfTrustDir(trust)) found.push(...(await keyCandidatesOfFile(file, legacy)));
    assert.deepEqual(
      found.map((c) => [c.role, c.gun, c.claimedId]).sort(),
      [['root', undefined, root.keyId], ['targets', manifest.gun, targets.keyId]].sort(),
    );
  });

  it('reads the GUN from a legacy path header of a `notary key export` bundle', async () => {
    const dir = tempDir();
    const targets = fixtureKey((k) => k.role === 'targets' && k.gun === manifest.gun);
    const legacy = withoutHeaders(fixtureText(targets.file)).replace(
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
      `-----BEGIN ENCRYPTED PRIVATE KEY-----\npath: tuf_keys/${manifest.gun}/${targets.keyId}_targets\n`,
    );
    await writeFile(join(dir, 'bundle.pem'), legacy);
    const [candidate] = await keyCandidatesOfFile(join(dir, 'bundle.pem'));
    assert.deepEqual([candidate!.role, candidate!.gun, candidate!.claimedId], ['targets', manifest.gun, targets.keyId]);
  });

  it('names the file that holds no key', async () => {
    const dir = tempDir();
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await assert.rejects(keyCandidatesOfFile(join(dir, 'notes.txt')), (e: Error & { code?: string }) => e.code === 'pem-invalid' && e.message.includes('notes.txt'));
    await assert.rejects(keyCandidatesOfFile(join(dir, 'missing.pem')), { code: 'file-not-found' });
    await assert.rejects(keyFilesOfTrustDir(join(dir, 'nowhere')), { code: 'not-found' });
  });
});

describe('unlocking keys', () => {
  const targets = fixtureKey((k) => k.role === 'targets' && k.gun === manifest.gun);
  const snapshot = fixtureKey((k) => k.role === 'snapshot' && k.gun === manifest.gun);

  async function candidate(key: typeof targets) {
    const dir = tempDir();
    await writeFile(join(dir, `${key.keyId}.key`), fixtureText(key.file));
    return (await keyCandidatesOfFile(join(dir, `${key.keyId}.key`)))[0]!;
  }

  it('asks again after a wrong passphrase, telling the provider which attempt it is', async () => {
    const provider = answering(['wrong', targets.passphrase]);
    const material = await new UnlockSession(provider).unlock(await candidate(targets));
    assert.equal(keyId(publicKeyOf(material)), targets.keyId);
    assert.deepEqual(provider.asked.map((r) => [r.kind, r.attempt, r.role, r.keyId]), [['unlock', 1, 'targets', targets.keyId], ['unlock', 2, 'targets', targets.keyId]]);
  });

  it('tries a passphrase that worked before asking again', async () => {
    const provider = answering([targets.passphrase]);
    const session = new UnlockSession(provider);
    await session.unlock(await candidate(targets));
    await session.unlock(await candidate(targets));
    assert.equal(provider.asked.length, 1);
  });

  it('gives up with passphrase-wrong after three wrong answers, and passphrase-required with none', async () => {
    await assert.rejects(new UnlockSession(answering(['a', 'b', 'c', targets.passphrase])).unlock(await candidate(targets)), { code: 'passphrase-wrong' });
    await assert.rejects(new UnlockSession(answering([])).unlock(await candidate(snapshot)), { code: 'passphrase-required' });
    await assert.rejects(new UnlockSession(answering(['a'])).unlock(await candidate(snapshot)), { code: 'passphrase-wrong' });
  });

  it('uses an explicit passphrase without asking', async () => {
    const provider = answering([]);
    await new UnlockSession(provider, snapshot.passphrase).unlock(await candidate(snapshot));
    assert.equal(provider.asked.length, 0);
  });
});

describe('paths the user names for key files', () => {
  it('refuses the kernel pseudo file systems at once, and NUL in a path', async () => {
    for (const path of ['/proc/self/mem', '/proc/1/root/etc/shadow', '/sys/kernel/x', '/dev/zero']) {
      await assert.rejects(keyCandidatesOfFile(path), { code: 'invalid-input' }, path);
    }
    await assert.rejects(keyFilesOfTrustDir('/proc'), { code: 'invalid-input' });
    await assert.rejects(keyCandidatesOfFile('/tmp/a\u0000b'), { code: 'invalid-input' });
  });

  it('refuses a special file behind an ordinary name (a link to /dev/zero, a FIFO) at once, without reading it', async () => {
    // Either would block or never end a read: the main process must answer, not spin.
    const dir = tempDir();
    await mkdir(join(dir, 'private'), { recursive: true });
    await symlink('/dev/zero', join(dir, 'private', 'zero.key'));
    execFileSync('mkfifo', [join(dir, 'private', 'pipe.key')]);
    const started = Date.now();
    await assert.rejects(keyCandidatesOfFile(join(dir, 'private', 'zero.key')), { code: 'invalid-input', message: /is not a file/ });
    await assert.rejects(keyCandidatesOfFile(join(dir, 'private', 'pipe.key')), { code: 'invalid-input', message: /is not a file/ });
    assert.deepEqual(await keyFilesOfTrustDir(dir), [], 'a trust dir lists neither');
    assert.ok(Date.now() - started < 2000, 'answered at once');
  });

  it('reports an unreadable subfolder of a trust dir and lists the rest', async () => {
    const dir = tempDir();
    await mkdir(join(dir, 'private', 'locked'), { recursive: true });
    // Root reads every folder: the listing is made by an unprivileged user (test/helpers/unprivileged.ts).
    await ownForChild(dir, join(dir, 'private'), join(dir, 'private', 'locked'));
    await chmod(join(dir, 'private', 'locked'), 0o000);
    try {
      assert.deepEqual(await runUnprivileged<string[]>('list-trust-dir', [dir]), ['permission-denied']);
    } finally {
      await chmod(join(dir, 'private', 'locked'), 0o700);
    }
  });
});
