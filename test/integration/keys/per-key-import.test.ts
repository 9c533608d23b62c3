// A trust dir the real docker made, with a different passphrase per key, imported key by key: the
// vault on the real keychain, and `countersign key import` reading docker's per-role variables.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyImportOutcome } from '../../../electron/core/keys/key-import';
import { noPassphrases } from '../../../electron/core/keys/passphrase';
import { dockerTrustWithMixedPassphrases, type MixedPassphraseTrustDir } from '../../stack/docker-trust';
import { startNotaryServer, type NotaryServer } from '../../stack/notary-server';
import { makeTempDir, removeTempDir } from '../../stack/process';
import { countersign } from '../inspect/run-countersign';
import { keychainAccounts, openTestVault, requireKeyringSession } from './support/vault-fixture';

const ROOT = 'per-key-root-passphrase';
const FIRST = 'per-key-first-repository-passphrase';
const SECOND = 'per-key-second-repository-passphrase';

let server: NotaryServer;
let scratch: string;
let trustDir: string;
let made: MixedPassphraseTrustDir | undefined;
/** Canonical IDs of what docker wrote: root and targets (FIRST made them with ROOT), alice (FIRST), bob (SECOND). */
const ids = { root: '', targets: '', alice: '', bob: '' };

before(async () => {
  requireKeyringSession();
  server = await startNotaryServer();
  scratch = makeTempDir('per-key-import');
  made = await dockerTrustWithMixedPassphrases(server, { root: ROOT, first: FIRST, second: SECOND }, 'example.com/per-key/app');
  trustDir = made.trustDir;
  const { keys } = await openTestVault(noPassphrases).vault.scanKeys({ kind: 'dir', path: trustDir });
  ids.root = keys.find((k) => k.role === 'root')!.keyId!;
  ids.targets = keys.find((k) => k.role === 'targets')!.keyId!;
  ids.alice = made.alice.keyId;
  ids.bob = made.bob.keyId;
});

after(async () => {
  await made?.dispose();
  await server?.stop();
  if (scratch) await removeTempDir(scratch);
});

const statusOf = (outcomes: readonly KeyImportOutcome[], id: string) => outcomes.find((o) => o.keyId === id)?.status;

describe('a docker trust dir with a passphrase per key', () => {
  it('is scanned without a passphrase: root, targets and both signers, all encrypted, none present', async () => {
    const { keys } = await openTestVault(noPassphrases).vault.scanKeys({ kind: 'dir', path: trustDir });
    assert.deepEqual(keys.map((k) => [k.role, k.encrypted, k.present]).sort(), [['alice', true, false], ['bob', true, false], ['root', true, false], ['targets', true, false]]);
    assert.equal(keys.find((k) => k.role === 'targets')?.gun, 'example.com/per-key/app');
  });

  it('imports each key under its own passphrase, leaves root offline, and reports the wrong one', async () => {
    const { vault, home } = openTestVault(noPassphrases, { home: join(scratch, 'vault-home') });
    const outcomes = await vault.importChosen({ kind: 'dir', path: trustDir }, [
      { entry: ids.targets, passphrases: [FIRST] },
      { entry: ids.alice, passphrases: [FIRST] },
      { entry: ids.bob, passphrases: [FIRST] },
    ]);
    assert.deepEqual([ids.root, ids.targets, ids.alice, ids.bob].map((id) => statusOf(outcomes, id)), ['skipped', 'imported', 'imported', 'passphrase-wrong']);
    assert.deepEqual((await keychainAccounts(home)).sort(), [ids.targets, ids.alice].sort());

    // The same folder again, bob with his own passphrase: what is there stays, bob comes in.
    const again = await vault.importChosen({ kind: 'dir', path: trustDir }, [
      { entry: ids.targets, passphrases: [FIRST] },
      { entry: ids.bob, passphrases: [SECOND] },
    ]);
    assert.deepEqual([ids.targets, ids.bob].map((id) => statusOf(again, id)), ['already-present', 'imported']);
    assert.deepEqual((await keychainAccounts(home)).sort(), [ids.targets, ids.alice, ids.bob].sort());
    assert.equal((await vault.get(ids.targets)).gun, 'example.com/per-key/app');
  });
});

describe('countersign key import TRUST_DIR, key by key', () => {
  const env = (home: string, extra: Record<string, string>) => {
    const clean: NodeJS.ProcessEnv = { ...process.env, COUNTERSIGN_HOME: home, ...extra };
    for (const name of ['COUNTERSIGN_PASSPHRASE', 'DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE', 'NOTARY_TARGETS_PASSPHRASE', 'NOTARY_DELEGATION_PASSPHRASE']) {
      if (!(name in extra)) delete clean[name];
    }
    return clean;
  };

  it('reads docker’s repository variable, skips root as told, and reports the key it could not open (exit 0)', async () => {
    const home = join(scratch, 'cli-home');
    const result = await countersign(['key', 'import', trustDir, '--skip', 'root'], env(home, { DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: FIRST }));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`Imported targets key ${ids.targets} for example.com/per-key/app`));
    assert.match(result.stdout, new RegExp(`Imported alice key ${ids.alice}`));
    assert.match(result.stdout, new RegExp(`Not imported, wrong passphrase: bob key ${ids.bob}`));
    assert.match(result.stdout, new RegExp(`Skipped root key ${ids.root}: Not chosen`));
    assert.deepEqual((await keychainAccounts(home)).sort(), [ids.targets, ids.alice].sort());

    // Taking a key "offline" into the home itself is refused, with the key left in the keychain.
    const inside = await countersign(['key', 'offline', ids.alice, '--out', join(home, 'nested', '..', 'alice-offline.key')], env(home, { COUNTERSIGN_PASSPHRASE: 'an offline passphrase' }));
    assert.equal(inside.code, 1);
    assert.match(inside.stderr, /offline-path-inside-app-data: .*inside Countersign's data folder/);
    assert.ok((await keychainAccounts(home)).includes(ids.alice));
  });

  it('without a terminal or a variable skips every key, says why, and exits 1 since nothing asked for came in', async () => {
    const home = join(scratch, 'cli-empty-home');
    const result = await countersign(['key', 'import', trustDir, '--json'], env(home, {}));
    assert.equal(result.code, 1);
    const { outcomes } = JSON.parse(result.stdout) as { outcomes: KeyImportOutcome[] };
    assert.deepEqual(outcomes.map((o) => [o.status, o.reason?.code]), Array(4).fill(['skipped', 'passphrase-required']));
    assert.deepEqual(await keychainAccounts(home), []);
  });
});
