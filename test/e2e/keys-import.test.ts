// Importing keys one by one on the Keys screen, on the real stack and the real Secret Service: a
// trust dir the real docker made (root, targets and two signers under different passphrases) is
// listed without a passphrase, root is left out by default, each key gets its own passphrase (or the
// same one for the rest), and every key's outcome is shown. No passphrase reaches the renderer.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockerTrustWithMixedPassphrases, startNotaryServer, type MixedPassphraseTrustDir, type NotaryServer } from '../stack';
import { keychainSkip, startApp, type RunningApp } from './support/app';
import { openScreen } from './support/flows';
import { screenshotsAtBothSizes } from './support/layout';

const ROOT = 'e2e-import-root-passphrase';
const FIRST = 'e2e-import-first-repository-passphrase';
const SECOND = 'e2e-import-second-repository-passphrase';
const WRONG = 'e2e-import-not-bobs-passphrase';
const OFFLINE = 'e2e-import-offline-root-passphrase';

describe('importing keys one by one on the Keys screen', { skip: keychainSkip() }, () => {
  let notary: NotaryServer;
  let made: MixedPassphraseTrustDir | undefined;
  let app: RunningApp;
  const ids = { alice: '', bob: '' };
  const trustDir = () => made!.trustDir;

  before(async () => {
    notary = await startNotaryServer();
    made = await dockerTrustWithMixedPassphrases(notary, { root: ROOT, first: FIRST, second: SECOND }, 'example.com/e2e-import/app');
    ids.alice = made.alice.keyId;
    ids.bob = made.bob.keyId;
    app = await startApp();
  });

  after(async () => {
    await app?.close();
    await made?.dispose();
    await notary?.stop();
  });

  const found = () => app.page.getByRole('table', { name: 'Keys found' });

  it('says so plainly when the chosen folder holds no keys', async () => {
    const { page } = app;
    const empty = join(app.dir, 'empty-trust');
    await mkdir(join(empty, 'private'), { recursive: true });
    await openScreen(page, 'Keys');
    app.host.chooser.answer(empty);
    await page.getByRole('button', { name: 'Choose a trust folder…' }).click();
    await page.getByText('No keys found').waitFor();
    await screenshotsAtBothSizes(app, 'keys-import-empty');
  });

  it('lists the keys of a docker trust dir with root left out, one passphrase field per key', async () => {
    const { page } = app;
    app.host.chooser.answer(trustDir());
    await page.getByRole('button', { name: 'Choose a trust folder…' }).first().click();
    await found().waitFor();
    assert.equal(await found().locator('tbody tr').count(), 4);
    const root = found().getByRole('checkbox', { name: /^Import root / });
    assert.equal(await root.isChecked(), false, 'root stays offline unless ticked');
    assert.equal(await found().getByRole('checkbox', { name: `Import alice ${ids.alice.slice(0, 12)}` }).isChecked(), true);
    assert.equal(await found().getByLabel(/^Passphrase of root /).count(), 0, 'no field for a key left out');
  });

  it('takes one passphrase for the remaining keys, another for one key, and shows each key’s outcome', async () => {
    const { page } = app;
    await found().getByLabel(`Passphrase of bob ${ids.bob.slice(0, 12)}`).fill(WRONG);
    await page.getByLabel('Same passphrase for all remaining').fill(FIRST);
    await page.getByRole('button', { name: 'Use for the empty ones' }).click();
    assert.equal(await found().getByLabel(`Passphrase of alice ${ids.alice.slice(0, 12)}`).inputValue(), FIRST);
    assert.equal(await found().getByLabel(`Passphrase of bob ${ids.bob.slice(0, 12)}`).inputValue(), WRONG, 'a typed one is kept');
    await screenshotsAtBothSizes(app, 'keys-import-table', { fullPage: true });
    await page.getByRole('button', { name: 'Import 3 keys' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.match((await summary.getByRole('status').textContent()) ?? '', /2 keys imported, 1 skipped, 1 wrong passphrase\./);
    const results = summary.getByRole('table', { name: 'Import results' });
    const statusOf = async (id: string) => results.locator('tr', { has: page.locator(`code.key-id[title="${id}"]`) }).getAttribute('data-status');
    assert.equal(await statusOf(ids.alice), 'imported');
    assert.equal(await statusOf(ids.bob), 'passphrase-wrong');
    await screenshotsAtBothSizes(app, 'keys-import-summary', { fullPage: true });
    await page.getByRole('table', { name: 'Keys' }).locator(`code.key-id[title="${ids.alice}"]`).waitFor();
  });

  it('imports bob and root next time, says the others are already there, and offers to take root offline again', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Done' }).click();
    app.host.chooser.answer(trustDir());
    await page.getByRole('button', { name: 'Choose a trust folder…' }).click();
    await found().waitFor();
    assert.match((await found().locator('tr', { has: page.locator(`code.key-id[title="${ids.alice}"]`) }).textContent()) ?? '', /already in the keychain/);
    await found().getByRole('checkbox', { name: /^Import root / }).check();
    await found().getByLabel(/^Passphrase of root /).fill(ROOT);
    await found().getByLabel(`Passphrase of bob ${ids.bob.slice(0, 12)}`).fill(SECOND);
    await page.getByRole('button', { name: 'Import 2 keys' }).click();
    const summary = page.getByTestId('import-summary');
    assert.match((await summary.getByRole('status').first().textContent()) ?? '', /^2 keys imported, 2 already in the keychain\./);
    const offline = summary.getByRole('form', { name: /^Take root key [0-9a-f]{12} offline again$/ });
    await offline.waitFor();
    await screenshotsAtBothSizes(app, 'keys-import-root-offline-again', { fullPage: true });
  });

  it('refuses, in the main process, an offline file inside the app’s data folder, and takes root offline elsewhere', async () => {
    const { page } = app;
    const offline = page.getByTestId('import-summary').getByRole('form', { name: /^Take root key [0-9a-f]{12} offline again$/ });
    // Reached through `..`: the main process resolves it and still sees the data folder.
    app.host.chooser.answer(join(app.dir, 'home', 'trust', '..', 'root-offline.key'));
    await offline.getByRole('button', { name: 'Choose…' }).click();
    assert.match(app.host.chooser.asked.at(-1)?.suggestedName ?? '', /^root-[0-9a-f]{12}\.key$/);
    await offline.getByLabel('New passphrase', { exact: true }).fill(OFFLINE);
    await offline.getByLabel('New passphrase again').fill(OFFLINE);
    await offline.getByRole('button', { name: 'Take it offline' }).click();
    const refusal = offline.getByRole('alert');
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /code: offline-path-inside-app-data/);
    await screenshotsAtBothSizes(app, 'keys-import-offline-refused', { fullPage: true });

    const usb = join(app.dir, 'usb');
    await mkdir(usb, { recursive: true });
    app.host.chooser.answer(join(usb, 'root-offline.key'));
    await offline.getByRole('button', { name: 'Choose…' }).click();
    await offline.getByLabel('New passphrase', { exact: true }).fill(OFFLINE);
    await offline.getByLabel('New passphrase again').fill(OFFLINE);
    await offline.getByRole('button', { name: 'Take it offline' }).click();
    await page.getByTestId('key-offline').filter({ hasText: join(usb, 'root-offline.key') }).waitFor();
  });

  it('never sent a passphrase or a private key to the renderer', () => {
    const scans = app.host.transcript.filter((entry) => entry.channel === 'keys.scanImport' || entry.channel === 'keys.importChosen');
    assert.ok(scans.length >= 4, 'the scans and imports were answered');
    for (const { channel, body } of app.host.transcript) {
      assert.doesNotMatch(body, /PRIVATE KEY|"private":"[^"]/, channel);
      for (const secret of [ROOT, FIRST, SECOND, WRONG, OFFLINE]) assert.equal(body.includes(secret), false, `${channel} carried a passphrase`);
    }
  });
});
