// The main flows on the real stack: a notary-server with a private CA, repositories made by the real
// docker and notary CLIs, one of them served through a tampering proxy. What the app shows is
// compared with `docker trust inspect`.
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dockerSigners,
  dockerTrust,
  notaryTargetsOnly,
  startMitm,
  startNotaryServer,
  type DockerSignersFixture,
  type DockerTrust,
  type MitmProxy,
  type NotaryRepoFixture,
  type NotaryServer,
} from '../stack';
import { keychainSecretStore } from '../../electron/core/keys';
import { SERVER_KEYCHAIN_SERVICE } from '../../electron/ipc/wire-services';
import { keychainSkip, startApp, type RunningApp } from './support/app';
import { addServer, checkDraftConnection, fillServerForm, openScreen, watchRepository } from './support/flows';
import { screenshotsAtBothSizes } from './support/layout';

const PASSWORD = 'correct-horse-battery-staple';

describe('servers and repositories, on a real notary-server', () => {
  let notary: NotaryServer;
  let mitm: MitmProxy;
  let signed: DockerSignersFixture;
  let tampered: NotaryRepoFixture;
  let reader: DockerTrust;
  let app: RunningApp;

  before(async () => {
    notary = await startNotaryServer();
    const ctx = { notary };
    [signed, tampered] = await Promise.all([
      dockerSigners(ctx, { signs: { alice: ['v1', 'v3'], bob: ['v2'], carol: ['v3'] } }),
      notaryTargetsOnly(ctx, { tags: ['v1', 'v2'] }),
    ]);
    reader = await dockerTrust({ server: notary.url, caFile: notary.caFile });
    // The proxy changes one byte of the tampered repository's targets file on its way to the client.
    mitm = await startMitm({ upstream: notary.url, ca: notary.ca });
    mitm.rewrite(
      (path) => path.startsWith(`/v2/${tampered.gun}/_trust/tuf/targets`),
      (_path, body) => Buffer.from(body.toString('utf8').replace('"v1"', '"v9"')),
    );
    app = await startApp();
  });

  after(async () => {
    await app?.close();
    await mitm?.stop();
    await reader?.dispose();
    await Promise.all([signed?.dispose(), tampered?.dispose()]);
    await notary?.stop();
  });

  it('explains a TLS failure in plain words when the custom CA is missing', async () => {
    const { page } = app;
    await openScreen(page, 'Servers');
    await fillServerForm(page, { name: 'Team notary', url: notary.url });
    const report = await checkDraftConnection(page);
    assert.match(report, /certificate is not trusted/);
    assert.match(report, /add that CA's certificate/);
  });

  it('adds a server with a custom CA after a passing connection check', async () => {
    const { page } = app;
    await fillServerForm(page, { name: 'Team notary', url: notary.url, caFile: notary.caFile });
    const report = await checkDraftConnection(page);
    assert.match(report, /Connected/);
    await app.screenshot('servers-add');
    await page.getByRole('button', { name: 'Save server' }).click();
    await page.getByRole('article', { name: 'Team notary' }).waitFor();
    await addServer(page, { name: 'Through a tampering proxy', url: mitm.url, caFile: notary.caFile });
    await app.screenshot('servers');
  });

  it('names the step a server stalls at, counts down while waiting, and says where it timed out', async () => {
    const { page } = app;
    // Test-owned listeners that each stall at one step: one finishes TLS (the stack's certificate) and
    // never answers HTTP; one accepts TCP and never starts TLS.
    const sockets: Socket[] = [];
    const keep = (socket: Socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    };
    const tlsThenSilence = createTlsServer({ key: notary.ca.serverKeyPem, cert: notary.ca.serverCertPem }, keep);
    const silentTcp = createTcpServer(keep);
    await Promise.all([tlsThenSilence, silentTcp].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    try {
      const form = page.getByRole('form', { name: 'Add a notary server' });
      await page.getByRole('button', { name: 'Add server' }).click();
      await fillServerForm(page, { name: 'Stalls at TLS', url: `https://127.0.0.1:${(silentTcp.address() as AddressInfo).port}`, caFile: notary.caFile });
      await form.getByRole('button', { name: 'Check connection' }).click();
      const progress = form.getByTestId('check-progress');
      await progress.filter({ hasText: 'TLS certificate' }).waitFor();
      assert.match((await progress.textContent()) ?? '', /Checking… TLS certificate: \d+ s \(gives up after 15 s, \d+ s left\)/);
      await progress.scrollIntoViewIfNeeded();
      await screenshotsAtBothSizes(app, 'servers-check-waiting-at-tls');
      await progress.getByRole('button', { name: 'Cancel check' }).click();
      await progress.waitFor({ state: 'detached' });

      await form.getByLabel('URL', { exact: true }).fill(`https://localhost:${(tlsThenSilence.address() as AddressInfo).port}`);
      await form.getByRole('button', { name: 'Check connection' }).click();
      await progress.filter({ hasText: 'HTTP answer' }).waitFor();
      const timedOut = form.getByTestId('check-timed-out');
      await timedOut.waitFor({ timeout: 25_000 });
      assert.equal(await timedOut.textContent(), 'Timed out after 15 s at step “HTTP answer”');
      const report = form.getByTestId('connection-report');
      const steps = await report.locator('li.check').evaluateAll((items) => items.map((item) => `${item.querySelector('.check-step')?.textContent}: ${item.className.replace('check check-', '')}`));
      assert.deepEqual(steps, ['Address (DNS): passed', 'Connection (TCP): passed', 'TLS certificate: passed', 'HTTP answer: failed', 'Notary server: skipped', 'Sign-in token: skipped', 'Reading trust data: skipped']);
      assert.match((await report.textContent()) ?? '', /accepted the connection but did not answer GET \/_notary_server\/health/);
      await report.scrollIntoViewIfNeeded();
      await screenshotsAtBothSizes(app, 'servers-check-timed-out-at-http');

      // The real notary-server passes every step; it asks for no sign-in, so no token is needed.
      await form.getByLabel('URL', { exact: true }).fill(notary.url);
      const passed = await checkDraftConnection(page);
      assert.match(passed, /Connected/);
      assert.match(passed, /The server asked for no sign-in/);
      await report.scrollIntoViewIfNeeded();
      await screenshotsAtBothSizes(app, 'servers-check-passed');
    } finally {
      for (const socket of sockets) socket.destroy();
      tlsThenSilence.close();
      silentTcp.close();
    }
  });

  it('watches repositories and shows each one’s trust status and nearest expiry', async () => {
    const { page } = app;
    await watchRepository(page, signed.gun, 'Team notary');
    await watchRepository(page, tampered.gun, 'Through a tampering proxy');
    await page.getByRole('button', { name: 'Refresh all' }).click();
    const table = page.getByRole('table', { name: 'Watched repositories' });
    await table.getByRole('row', { name: new RegExp(`${signed.gun}.*Signed and verified`) }).waitFor();
    await table.getByRole('row', { name: new RegExp(`${tampered.gun}.*Verification failed`) }).waitFor();
    await table.getByRole('row', { name: new RegExp(`${signed.gun}.*expires in`) }).waitFor();
    await app.screenshot('repositories');
  });

  it('shows the same tags, signers and keys as docker trust inspect', async () => {
    const { page } = app;
    const inspected = await reader.inspect(signed.gun);
    const expected = inspected.entries?.[0];
    assert.ok(expected, inspected.stderr);
    await page.getByRole('table', { name: 'Watched repositories' }).getByRole('button', { name: signed.gun }).click();
    const tags = page.getByRole('table', { name: 'Signed tags' });
    await tags.waitFor();

    const shownTags = await tags.getByRole('row').evaluateAll((rows) =>
      rows.slice(1).map((row) => Array.from(row.querySelectorAll('[role=cell]'), (cell) => cell.textContent ?? '')),
    );
    assert.deepEqual(
      shownTags.map(([tag, digest, , signers]) => ({ tag, digest, signers })),
      expected.SignedTags.map((t) => ({ tag: t.SignedTag, digest: t.Digest, signers: t.Signers.join('') })),
    );

    const signerRows = page.getByRole('region', { name: 'Signers' }).locator('tbody tr');
    const shownSigners = await signerRows.evaluateAll((rows) =>
      rows.map((row) => ({
        name: row.querySelector('td')?.textContent ?? '',
        keys: Array.from(row.querySelectorAll('code'), (code) => code.getAttribute('title') ?? ''),
      })),
    );
    assert.deepEqual(shownSigners, expected.Signers.map((s) => ({ name: s.Name, keys: s.Keys.map((k) => k.ID) })));

    const admin = page.getByRole('region', { name: 'Administrative keys' });
    const shownAdmin = await admin.locator('dd').evaluateAll((dds) => dds.map((dd) => Array.from(dd.querySelectorAll('code'), (c) => c.getAttribute('title'))));
    assert.deepEqual(
      shownAdmin,
      expected.AdministrativeKeys.map((k) => k.Keys.map((key) => key.ID)),
    );
    await app.screenshot('repository');
    await app.screenshot('repository-full', { fullPage: true });
  });

  it('opens a job with this repository already chosen', async () => {
    const { page } = app;
    const repositoryUrl = page.url();
    await page.getByRole('navigation', { name: 'Jobs for this repository' }).getByRole('button', { name: 'Delegate' }).click();
    await page.waitForURL((url) => url.hash.startsWith('#/delegate/') && url.hash.endsWith(`/${signed.gun}`));
    await page.goto(repositoryUrl);
    await page.getByRole('table', { name: 'Signed tags' }).waitFor();
  });

  it('filters the signed tags', async () => {
    const { page } = app;
    await page.getByLabel('Filter signed tags').fill('carol');
    await page.getByTestId('tag-count').filter({ hasText: '1 of 3 tags' }).waitFor();
    await page.getByLabel('Filter signed tags').fill('');
  });

  it('marks a tampered repository untrusted, names the failed check, and shows none of its data', async () => {
    const { page } = app;
    await openScreen(page, 'Repositories');
    await page.getByRole('table', { name: 'Watched repositories' }).getByRole('button', { name: tampered.gun }).click();
    const verification = page.getByTestId('verification');
    await verification.getByText('Verification failed', { exact: true }).first().waitFor();
    const text = (await verification.textContent()) ?? '';
    assert.match(text, /Failed check:/);
    assert.match(text, /Possible tampering/);
    assert.match(text, /code: (hash-mismatch|signature-threshold|length-mismatch)/);
    assert.equal(await page.getByRole('table', { name: 'Signed tags' }).count(), 0);
    await app.screenshot('repository-untrusted');
  });

  it('shows the keys and settings screens', async () => {
    const { page } = app;
    await openScreen(page, 'Keys');
    await page.getByRole('heading', { name: 'Keys', exact: true }).waitFor();
    await app.screenshot('keys');
    await openScreen(page, 'Settings');
    await page.getByRole('heading', { name: 'Appearance' }).waitFor();
    await app.screenshot('settings');
  });

  it("keeps a server's sign-in password in the OS keychain, never in settings", { skip: keychainSkip() }, async () => {
    const { page } = app;
    await addServer(page, { name: 'With sign-in', url: notary.url, caFile: notary.caFile, username: 'alice' });
    const card = page.getByRole('article', { name: 'With sign-in' });
    await card.getByLabel('Password of alice').fill(PASSWORD);
    await card.getByRole('button', { name: 'Save in keychain' }).click();
    await card.getByText('Saved in the system keychain.').waitFor();
    assert.equal(await keychainSecretStore(SERVER_KEYCHAIN_SERVICE).get('with-sign-in'), PASSWORD);
  });

  it('never sent private key material or a password to the renderer', () => {
    assert.ok(app.host.transcript.length > 10);
    for (const { channel, body } of app.host.transcript) {
      assert.doesNotMatch(body, /PRIVATE KEY|"private":"[^"]/, channel);
      assert.doesNotMatch(body, new RegExp(PASSWORD), channel);
    }
  });
});
