// First start: no server configured. The app shows what docker trust left on the machine — keys
// and cached trust data, verified offline — using a docker config dir the real docker CLI filled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNEL_NAMES } from '../../shared/contract';
import { DEFAULT_DOCKER_PASSPHRASES, dockerSigners, startNotaryServer, type DockerSignersFixture, type NotaryServer } from '../stack';
import { openScreen } from './support/flows';
import { keychainSkip, startApp, type RunningApp } from './support/app';

describe('first start, with an empty docker folder', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('opens the welcome view with clear empty states', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: 'Welcome to Countersign' }).waitFor();
    await page.getByText('No docker trust keys on this machine').waitFor();
    await page.getByText('No cached trust data').waitFor();
    await app.screenshot('first-start-empty');
  });

  it('talks to the main process through the typed window.countersign', async () => {
    const info = await app.page.evaluate(() => window.countersign!.app.info({}));
    assert.equal(info.ok, true);
    assert.equal(info.ok && info.value.firstStart, true);
    assert.equal(info.ok && info.value.runtime, 'test-host');
  });

  it('exposes one method per contract channel and nothing generic', async () => {
    const shape = await app.page.evaluate(() =>
      Object.fromEntries(Object.entries(window.countersign!).map(([domain, methods]) => [domain, Object.keys(methods).sort()])),
    );
    const expected: Record<string, string[]> = {};
    for (const channel of CHANNEL_NAMES) {
      const [domain, method] = channel.split('.') as [string, string];
      (expected[domain] ??= []).push(method);
    }
    for (const methods of Object.values(expected)) methods.sort();
    assert.deepEqual(shape, expected);
    assert.deepEqual(shape['operations'], ['cancel']);
  });

  it('refuses a malformed request with a typed error, through the real transport', async () => {
    const result = await app.page.evaluate(() =>
      // Deliberately wrong: a server without a URL.
      window.countersign!.settings.saveServer({ server: { name: 'x' } } as never),
    );
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'invalid-ipc-payload');
  });
});

describe('first start, on a machine where docker trust was used', () => {
  let notary: NotaryServer;
  let repo: DockerSignersFixture;
  let app: RunningApp;

  before(async () => {
    notary = await startNotaryServer();
    repo = await dockerSigners({ notary }, { signs: { alice: ['v1', 'v2'], bob: ['v2'] } });
    // Reading the repository makes docker cache its latest trust data under trust/tuf.
    const inspected = await repo.admin.inspect(repo.gun);
    assert.equal(inspected.code, 0, inspected.stderr);
    app = await startApp({ dockerConfigDir: repo.admin.configDir });
  });
  after(async () => {
    await app?.close();
    await repo?.dispose();
    await notary?.stop();
  });

  it("lists the keys in docker's trust folder, by ID and role, without reading them", async () => {
    const { page } = app;
    const table = page.getByRole('table', { name: 'Docker trust keys' });
    await table.waitFor();
    const files = readdirSync(join(repo.admin.trustDir, 'private')).filter((f) => f.endsWith('.key'));
    assert.ok(files.length >= 2, 'docker made a root and a repository key');
    for (const file of files) {
      await table.locator(`code[title="${file.replace(/\.key$/, '')}"]`).waitFor();
    }
    await table.getByRole('cell', { name: 'root', exact: true }).waitFor();
    await app.screenshot('first-start');
  });

  it('verifies cached trust data offline and marks it as cached', async () => {
    const { page } = app;
    const cached = page.getByRole('table', { name: 'Cached trust data' });
    await cached.getByRole('row', { name: new RegExp(repo.gun) }).getByRole('button', { name: 'Verify offline' }).click();
    await page.getByText('Verified offline from the trust data docker cached').waitFor();
    const tags = page.getByRole('table', { name: 'Signed tags' });
    for (const tag of Object.values(repo.tags)) {
      await tags.getByRole('row', { name: new RegExp(`${tag.tag}.*${tag.sha256}`) }).waitFor();
    }
    await app.screenshot('cached-repository');
  });

  const found = () => app.page.getByRole('table', { name: 'Keys found' });

  it('moves the docker trust keys into the keychain with the passphrases docker asked for, root left offline', { skip: keychainSkip() }, async () => {
    const { page } = app;
    await openScreen(page, 'This machine');
    await page.getByRole('button', { name: 'Choose keys to move into the keychain…' }).click();
    await found().waitFor();
    const files = readdirSync(join(repo.admin.trustDir, 'private')).filter((f) => f.endsWith('.key'));
    assert.equal(await found().locator('tbody tr').count(), files.length, "every key in docker's trust dir is listed");
    const root = found().getByRole('checkbox', { name: /^Import root / });
    assert.equal(await root.isChecked(), false, 'root stays offline unless ticked');
    assert.equal(await found().getByLabel(/^Passphrase of root /).count(), 0, 'no field for a key left out');
    await page.getByLabel('Same passphrase for all remaining').fill(DEFAULT_DOCKER_PASSPHRASES.repository);
    await page.getByRole('button', { name: 'Use for the empty ones' }).click();
    const others = files.length - 1;
    await page.getByRole('button', { name: others === 1 ? 'Import 1 key' : `Import ${others} keys` }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.match((await summary.getByRole('status').textContent()) ?? '', new RegExp(`${others === 1 ? '1 key' : `${others} keys`} imported, 1 skipped\\.`));
    const results = summary.getByRole('table', { name: 'Import results' });
    assert.equal(await results.locator('tr[data-status="skipped"]').count(), 1);
    assert.equal(await results.locator('tr[data-status="skipped"]').getByText('root', { exact: true }).count(), 1, 'the skipped key is root');
    await app.screenshot('first-start-import-without-root');
    await summary.getByRole('button', { name: 'Done' }).click();
  });

  it('brings root in afterwards with its own passphrase, leaving the keys already moved', { skip: keychainSkip() }, async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Choose keys to move into the keychain…' }).click();
    await found().waitFor();
    assert.ok((await found().getByText('already in the keychain: will be left').count()) >= 1, 'the repository key is already moved');
    await found().getByRole('checkbox', { name: /^Import root / }).check();
    await found().getByLabel(/^Passphrase of root /).fill(DEFAULT_DOCKER_PASSPHRASES.root);
    await page.getByRole('button', { name: 'Import 1 key' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.match((await summary.getByRole('status').textContent()) ?? '', /1 key imported, \d+ already in the keychain\./);
    await openScreen(page, 'Keys');
    const keys = page.getByRole('table', { name: 'Keys' });
    for (const file of readdirSync(join(repo.admin.trustDir, 'private')).filter((f) => f.endsWith('.key'))) {
      await keys.locator(`code[title="${file.replace(/\.key$/, '')}"]`).waitFor();
    }
    await app.screenshot('keys-imported');
  });

  it('never sent private key material to the renderer', () => {
    const channels = new Set(app.host.transcript.map((entry) => entry.channel));
    if (keychainSkip() === false) {
      assert.ok(channels.has('keys.scanImport') && channels.has('keys.importChosen'), 'the keys came in key by key');
      assert.ok(!channels.has('keys.importTrustDir'), 'not through the all-or-nothing import');
    }
    for (const { channel, body } of app.host.transcript) {
      assert.doesNotMatch(body, /PRIVATE KEY|"private":"[^"]/, channel);
      assert.doesNotMatch(body, new RegExp(`${DEFAULT_DOCKER_PASSPHRASES.root}|${DEFAULT_DOCKER_PASSPHRASES.repository}`), channel);
    }
  });
});
