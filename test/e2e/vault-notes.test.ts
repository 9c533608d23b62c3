// After a crash, the next start's vault recovery is shown on the Keys screen: the interrupted
// operation's key that reached the keychain is listed (finished), the one that had not is rolled back,
// a keychain entry the index lost is listed again, and another home that lists a key is named. Each
// key ID can be copied, the notice can be dismissed, and nothing secret crosses to the page.
// Run under scripts/with-keyring.sh (the real Secret Service).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openKeyVault, type KeyRecord } from '../../electron/core/keys';
import { INDEX_FILE } from '../../electron/core/keys/key-index';
import { JOURNAL_FILE } from '../../electron/core/keys/vault-transaction';
import { makeTempDir, removeTempDir } from '../stack/process';
import { keychainSkip, startApp, type RunningApp } from './support/app';
import { openScreen } from './support/flows';
import { screenshotsAtBothSizes } from './support/layout';
import { keychainAccounts } from '../integration/keys/support/vault-fixture';

const noPassphrases = { passphrase: async () => undefined };

/** The index file without these keys, as it is on disk before a crashed operation commits. */
async function unlist(home: string, ids: readonly string[]): Promise<void> {
  const file = join(home, INDEX_FILE);
  const index = JSON.parse(await readFile(file, 'utf8')) as { keys: KeyRecord[] };
  index.keys = index.keys.filter((key) => !ids.includes(key.id));
  await writeFile(file, JSON.stringify(index, null, 2));
}

describe('the key vault’s recovery notes on the Keys screen', { skip: keychainSkip() }, () => {
  let app: RunningApp;
  let otherHome = '';
  const ids = { kept: '', stored: '', notStored: '', lost: '' };

  before(async () => {
    otherHome = makeTempDir('vault-notes-other');
    app = await startApp({
      prepareHome: async (home) => {
        const vault = openKeyVault({ homeDir: home, passphrases: noPassphrases });
        ids.kept = (await vault.generate({ role: 'targets/kept' })).id;
        const stored = await vault.generate({ role: 'targets/stored' });
        ids.stored = stored.id;
        ids.lost = (await vault.generate({ role: 'targets/lost' })).id;
        // A key another home made and still lists: the import below had not stored it when it died.
        const notStored = await openKeyVault({ homeDir: otherHome, passphrases: noPassphrases }).generate({ role: 'targets/elsewhere' });
        ids.notStored = notStored.id;
        // An import of two keys killed after the keychain took the first and before the index was
        // written: its journal names both, the index neither.
        await unlist(home, [stored.id, ids.lost]);
        await writeFile(
          join(home, JOURNAL_FILE),
          JSON.stringify({ format: 'countersign-key-journal', operation: 'import', pid: 2 ** 22 + 1, at: new Date().toISOString(), put: [stored, notStored], drop: [], deleteSecrets: [] }),
          { mode: 0o600 },
        );
      },
    });
  });

  after(async () => {
    await app?.close();
    if (otherHome !== '') await removeTempDir(otherHome);
  });

  it('shows what the recovery finished, rolled back and listed again, with every key ID to copy', async () => {
    const { page } = app;
    await openScreen(page, 'Keys');
    const notice = page.getByTestId('vault-notes');
    await notice.waitFor();
    const kinds = await notice.getByTestId('vault-note').evaluateAll((items) => items.map((item) => [item.getAttribute('data-kind'), item.querySelector('code.key-id')?.getAttribute('title')]));
    assert.deepEqual(
      kinds.sort(),
      [
        ['adopted', ids.lost],
        ['finished', ids.stored],
        ['rolled-back', ids.notStored],
      ].sort(),
    );
    const text = (await notice.textContent()) ?? '';
    assert.match(text, /An interrupted import \(process \d+, .*\) is finished: key [0-9a-f]{64} \(targets\/stored\) is in the keychain/);
    assert.match(text, /had not stored key [0-9a-f]{64} \(targets\/elsewhere\); it was rolled back/);
    const rolledBack = notice.locator('[data-kind="rolled-back"]');
    assert.match((await rolledBack.getByTestId('vault-note-other-homes').textContent()) ?? '', new RegExp(`another Countersign home.*${otherHome.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(await rolledBack.getByRole('button', { name: 'Copy key ID' }).getAttribute('data-copy'), ids.notStored);
    assert.equal((await notice.getByRole('button', { name: 'Copy all key IDs' }).getAttribute('data-copy'))?.split('\n').sort().join(','), [ids.stored, ids.notStored, ids.lost].sort().join(','));
    await screenshotsAtBothSizes(app, 'keys-vault-recovery-notes', { fullPage: true });
  });

  it('lists exactly what the keychain holds after the recovery', async () => {
    const table = app.page.getByRole('table', { name: 'Keys' });
    await table.locator('code.key-id').nth(2).waitFor();
    const listed = await table.locator('code.key-id').evaluateAll((codes) => codes.map((code) => code.getAttribute('title')));
    assert.deepEqual(listed.sort(), [ids.kept, ids.stored, ids.lost].sort());
    assert.deepEqual((await keychainAccounts(join(app.dir, 'home'))).sort(), [ids.kept, ids.stored, ids.lost].sort());
  });

  it('goes away when dismissed, and stays away on the next visit', async () => {
    const { page } = app;
    await page.getByTestId('vault-notes').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('vault-notes').waitFor({ state: 'detached' });
    await openScreen(page, 'Servers');
    await openScreen(page, 'Keys');
    await page.getByRole('table', { name: 'Keys' }).waitFor();
    assert.equal(await page.getByTestId('vault-notes').count(), 0);
  });

  it('never sent key material to the page', () => {
    const notes = app.host.transcript.filter((entry) => entry.channel === 'keys.notes');
    assert.ok(notes.length > 0);
    for (const entry of app.host.transcript) assert.doesNotMatch(entry.body, /PRIVATE KEY|"secret"|privateKey/i, entry.channel);
  });
});
