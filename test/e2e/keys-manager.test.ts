// The Keys screen as a key manager, on the real stack and the real Secret Service: a generated key's
// .pub is saved and `docker trust signer add` takes it; the repository that then trusts it is named
// before deleting; a label; an encrypted export that `docker trust key load` reads; offline to a file
// and back. No private key and no passphrase ever reaches the renderer.
// Run under scripts/with-keyring.sh.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DOCKER_PASSPHRASES, dockerSigners, dockerTrust, startNotaryServer, type DockerSignersFixture, type DockerTrust, type NotaryServer } from '../stack';
import { keychainSkip, startApp, type RunningApp } from './support/app';
import { addServer, openScreen, watchRepository } from './support/flows';
import { screenshotsAtBothSizes } from './support/layout';

const OFFLINE_PASSPHRASE = 'offline-carol-passphrase';

describe('the Keys screen as a key manager', { skip: keychainSkip() }, () => {
  let notary: NotaryServer;
  let repo: DockerSignersFixture;
  let loader: DockerTrust;
  let app: RunningApp;
  let carolId = '';
  const manager = () => app.page.getByTestId('key-manager');

  before(async () => {
    notary = await startNotaryServer();
    repo = await dockerSigners({ notary }, { signs: { bob: ['v1'] } });
    loader = await dockerTrust({ server: notary.url, caFile: notary.caFile });
    app = await startApp();
  });

  after(async () => {
    await app?.close();
    await loader?.dispose();
    await repo?.dispose();
    await notary?.stop();
  });

  /** Clicks a button that hands over a file and returns where Playwright saved the download. */
  async function download(click: () => Promise<void>, name: string): Promise<string> {
    const [file] = await Promise.all([app.page.waitForEvent('download'), click()]);
    const path = join(app.dir, 'downloads', name);
    await file.saveAs(path);
    return path;
  }

  it('saves a generated key’s .pub, and docker trust signer add takes it', async () => {
    const { page } = app;
    await openScreen(page, 'Keys');
    await page.getByLabel('Signer name').fill('carol');
    await page.getByRole('button', { name: 'Generate' }).click();
    const manage = page.getByRole('button', { name: /^Manage key / });
    await manage.waitFor();
    carolId = ((await page.getByRole('table', { name: 'Keys' }).locator('code.key-id').first().getAttribute('title')) ?? '').trim();
    await manage.click();
    assert.match((await manager().getByTestId('public-key').textContent()) ?? '', /^-----BEGIN PUBLIC KEY-----\nrole: carol\n/);
    assert.match((await manager().getByRole('button', { name: 'Copy public key' }).getAttribute('data-copy')) ?? '', /BEGIN PUBLIC KEY/);
    const pub = await download(() => manager().getByRole('button', { name: 'Save carol.pub' }).click(), 'carol.pub');
    await repo.admin.signerAdd('carol', repo.gun, [pub]);
    const inspected = (await repo.admin.inspect(repo.gun)).entries?.[0];
    assert.deepEqual(inspected?.Signers.find((s) => s.Name === 'carol')?.Keys, [{ ID: carolId }]);
  });

  it('names the repository that still trusts the key before deleting it', async () => {
    const { page } = app;
    await addServer(page, { name: 'Team notary', url: notary.url, caFile: notary.caFile });
    await watchRepository(page, repo.gun, 'Team notary');
    await page.getByRole('table', { name: 'Watched repositories' }).locator('[data-trust="verified"]').waitFor();
    await openScreen(page, 'Keys');
    await page.getByRole('table', { name: 'Keys' }).getByText(`${repo.gun} · targets/carol`).waitFor();
    await page.getByRole('button', { name: /^Manage key / }).click();
    const warning = manager().getByTestId('delete-warning');
    // docker trust signer add puts the key in targets/releases too.
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /Still trusted by 2 roles:/);
    assert.ok(text.includes(`${repo.gun} · targets/carol`) && text.includes(`${repo.gun} · targets/releases`), text);
    await manager().getByRole('button', { name: 'Remove…' }).click();
    await manager().getByRole('button', { name: 'Delete for good' }).waitFor();
    await screenshotsAtBothSizes(app, 'keys-manager-delete-warning', { fullPage: true });
    await manager().getByRole('button', { name: 'Keep' }).click();
  });

  it('labels a key', async () => {
    await manager().getByLabel('Key label').fill('carol’s laptop');
    await manager().getByRole('button', { name: 'Save label' }).click();
    await app.page.getByTestId('key-label').filter({ hasText: 'carol’s laptop' }).waitFor();
  });

  it('exports the key encrypted, and docker trust key load reads it', async () => {
    await manager().getByLabel('Export passphrase', { exact: true }).fill(DEFAULT_DOCKER_PASSPHRASES.repository);
    await manager().getByLabel('Export passphrase again').fill(DEFAULT_DOCKER_PASSPHRASES.repository);
    const file = await download(() => manager().getByRole('button', { name: 'Export encrypted key' }).click(), 'carol.key');
    // The app's save dialog writes a key file 0600 (save-dialog.ts); a browser download cannot say so.
    await chmod(file, 0o600);
    const text = await readFile(file, 'utf8');
    assert.match(text, /-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.doesNotMatch(text, /-----BEGIN PRIVATE KEY-----/);
    assert.equal(await loader.keyLoad(file, 'carol'), carolId);
  });

  it('takes the key offline to a file and brings it back', async () => {
    const { page } = app;
    const usb = join(app.dir, 'usb');
    await mkdir(usb, { recursive: true });
    const form = manager().getByRole('form', { name: 'Take carol key offline' });
    // The file is picked in the main process's dialog (the test host's scripted chooser answers it).
    app.host.chooser.answer(join(usb, 'carol.key'));
    await form.getByRole('button', { name: 'Choose…' }).click();
    await form.getByLabel('Offline key file').filter({ hasText: join(usb, 'carol.key') }).waitFor();
    await form.getByLabel('New passphrase', { exact: true }).fill(OFFLINE_PASSPHRASE);
    await form.getByLabel('New passphrase again').fill(OFFLINE_PASSPHRASE);
    await form.getByRole('button', { name: 'Take it offline' }).click();
    await page.getByRole('table', { name: 'Keys' }).getByText('offline', { exact: true }).waitFor();
    await screenshotsAtBothSizes(app, 'keys-manager-offline', { fullPage: true });
    const bring = manager().getByRole('form', { name: /^Bring root key|^Bring/ });
    assert.equal(await bring.getByLabel('Encrypted key file').textContent(), join(usb, 'carol.key'), 'the file the key was taken offline to');
    await bring.getByLabel('Passphrase of the key file').fill(OFFLINE_PASSPHRASE);
    await bring.getByRole('button', { name: 'Bring it in' }).click();
    await page.getByRole('table', { name: 'Keys' }).getByText('keychain', { exact: true }).waitFor();
  });

  it('lets Delegate take a key from this keychain, with no file', async () => {
    const { page } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Delegate', exact: true }).click();
    await page.getByLabel('Key in this keychain').selectOption({ label: `carol · ${carolId.slice(0, 12)} · carol’s laptop` });
    await page.getByTestId('collaborator-key').filter({ hasText: carolId }).waitFor();
    assert.equal(await page.getByLabel('Signer name').inputValue(), 'carol', 'the name comes from the role header of its .pub');
    await screenshotsAtBothSizes(app, 'delegate-keychain-key');
  });

  it('never sent a private key or a passphrase to the renderer', () => {
    assert.ok(app.host.transcript.length > 10);
    for (const { channel, body } of app.host.transcript) {
      assert.doesNotMatch(body, /PRIVATE KEY|"private":"[^"]/, channel);
      for (const secret of [OFFLINE_PASSPHRASE, DEFAULT_DOCKER_PASSPHRASES.repository]) assert.doesNotMatch(body, new RegExp(secret), channel);
    }
  });
});
