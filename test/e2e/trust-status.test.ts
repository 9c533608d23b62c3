// Issue 13, first points, on the real stack: a repository that was never signed, a server that cannot
// be reached, data that fails verification and data that went stale read as four different states
// in the watch list and on each repository; the first read pins the root with a notice showing the
// certificate fingerprint (compared here with openssl's), and a compared root reads "Pinned".
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nestedDelegations, notaryTargetsOnly, rootKey, startMitm, startNotaryServer, uniqueRepo, type DelegationsFixture, type MitmProxy, type NotaryRepoFixture, type NotaryServer } from '../stack';
import { startApp, type RunningApp } from './support/app';
import { addServer, fillServerForm, openScreen, watchRepository } from './support/flows';
import { NARROW, screenshotsAtBothSizes, sidewaysScrollers } from './support/layout';

/** What `openssl x509 -fingerprint -sha256` says of a root key's certificate: the out-of-band check. */
function opensslFingerprint(pem: string): string {
  const result = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('=')[1]!;
}

describe('trust states that separate, and the pinned root', () => {
  let notary: NotaryServer;
  let proxy: MitmProxy;
  let signed: NotaryRepoFixture;
  let goesStale: NotaryRepoFixture;
  let tampered: NotaryRepoFixture;
  let nested: DelegationsFixture;
  let app: RunningApp;
  const unsigned = `localhost/${uniqueRepo('never-signed')}`;
  const behindDownServer = `localhost/${uniqueRepo('down')}`;
  const rowOf = (gun: string) => app.page.getByRole('table', { name: 'Watched repositories' }).getByRole('row').filter({ has: app.page.getByRole('button', { name: gun, exact: true }) });
  /** The route of a watched repository on a server saved under this name (ids are the names, slugged). */
  const repositoryHash = (gun: string, serverName: string) => `#/repositories/${serverName.toLowerCase().replace(/ /g, '-')}/${gun}`;
  const trustOf = (gun: string) => rowOf(gun).locator('[data-trust]').getAttribute('data-trust');

  before(async () => {
    notary = await startNotaryServer();
    const ctx = { notary };
    [signed, goesStale, tampered, nested] = await Promise.all([
      notaryTargetsOnly(ctx, { tags: ['v1', 'v2'] }),
      notaryTargetsOnly(ctx, { tags: ['v1'] }),
      notaryTargetsOnly(ctx, { tags: ['v1'] }),
      nestedDelegations(ctx),
    ]);
    proxy = await startMitm({ upstream: notary.url, ca: notary.ca });
    proxy.rewrite(
      (path) => path.startsWith(`/v2/${tampered.gun}/_trust/tuf/targets`),
      (_path, body) => Buffer.from(body.toString('utf8').replace('"v1"', '"v9"')),
    );
    app = await startApp({ viewport: NARROW });
  });

  after(async () => {
    await app?.close();
    await proxy?.stop().catch(() => undefined);
    await Promise.all([signed?.dispose(), goesStale?.dispose(), tampered?.dispose(), nested?.dispose()]);
    await notary?.stop();
  });

  it('checks a repository as soon as it is watched, and shows unsigned, unreachable and tampered apart', async () => {
    await addServer(app.page, { name: 'Team notary', url: notary.url, caFile: notary.caFile });
    await addServer(app.page, { name: 'Through a proxy', url: proxy.url, caFile: notary.caFile });
    // Nothing listens on port 9 of this machine (discard): the connection is refused at once.
    await addServer(app.page, { name: 'Down', url: 'https://127.0.0.1:9', caFile: notary.caFile });
    await watchRepository(app.page, signed.gun, 'Team notary');
    await watchRepository(app.page, unsigned, 'Team notary');
    await watchRepository(app.page, behindDownServer, 'Down');
    await watchRepository(app.page, tampered.gun, 'Through a proxy');
    await watchRepository(app.page, goesStale.gun, 'Through a proxy');
    // No Refresh all: watching checked each one.
    const expected: Record<string, string> = {
      [signed.gun]: 'verified',
      [unsigned]: 'unsigned',
      [behindDownServer]: 'unreachable',
      [tampered.gun]: 'tampered',
      [goesStale.gun]: 'verified',
    };
    for (const [gun, kind] of Object.entries(expected)) {
      await rowOf(gun).locator(`[data-trust="${kind}"]`).waitFor();
    }
    assert.match((await rowOf(tampered.gun).textContent()) ?? '', /Verification failed.*Failed check:/);
    assert.match((await rowOf(behindDownServer).textContent()) ?? '', /Could not be checked.*since/);
    assert.match((await rowOf(unsigned).textContent()) ?? '', /Not signed/);
    await screenshotsAtBothSizes(app, 'trust-states');
  });

  it('shows data that could no longer be read as stale since when, and the repository never read as unreachable', async () => {
    await proxy.stop();
    await app.page.getByRole('button', { name: 'Refresh all' }).click();
    await rowOf(goesStale.gun).locator('[data-trust="stale"]').waitFor();
    // It never verified, so there is nothing stale to show: it could not be checked, which is not tampering.
    await rowOf(tampered.gun).locator('[data-trust="unreachable"]').waitFor();
    assert.match((await rowOf(goesStale.gun).textContent()) ?? '', /since/);
    assert.equal(await trustOf(signed.gun), 'verified');
    await screenshotsAtBothSizes(app, 'trust-states-stale');
  });

  it('sorts and searches the watch list', async () => {
    const { page } = app;
    await page.getByLabel('Sort repositories').selectOption('name');
    const names = await page.getByRole('table', { name: 'Watched repositories' }).locator('tbody tr button.link').allTextContents();
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    await page.getByLabel('Sort repositories').selectOption('attention');
    const first = await page.getByRole('table', { name: 'Watched repositories' }).locator('tbody tr').first().locator('[data-trust]').getAttribute('data-trust');
    assert.equal(first, 'unreachable', 'what could not be checked comes before what verified');
    await page.getByLabel('Search repositories').fill('never-signed');
    await page.getByTestId('repository-count').filter({ hasText: '1 of 5 repositories' }).waitFor();
    await page.getByLabel('Search repositories').fill('');
  });

  it('explains each state on the repository screen: what it means, the failed check, what to do', async () => {
    const { page } = app;
    const open = async (gun: string, serverName: string) => {
      await openScreen(page, 'Repositories');
      // The list may re-order as statuses arrive; the row's link is where the repository screen lives.
      await page.evaluate((hash) => (window.location.hash = hash), repositoryHash(gun, serverName));
      const explanation = page.getByTestId('trust-explanation');
      await explanation.waitFor().catch(async (error: unknown) => {
        await app.screenshot('debug-explanation');
        throw error;
      });
      return (await explanation.textContent()) ?? '';
    };
    assert.match(await open(unsigned, 'Team notary'), /Not signed.*nobody has signed it yet.*What to do:/);
    await screenshotsAtBothSizes(app, 'trust-unsigned');
    assert.match(await open(behindDownServer, 'Down'), /Could not be checked.*since.*says nothing about the trust data.*What to do:/);
    await screenshotsAtBothSizes(app, 'trust-unreachable');
    assert.match(await open(goesStale.gun, 'Through a proxy'), /Unreachable, last verified data.*since.*last data that verified/);
    await page.getByRole('table', { name: 'Signed tags' }).waitFor();
    await screenshotsAtBothSizes(app, 'trust-stale');
  });

  it('pins the root on first use with its fingerprint, subject and validity, and says "Pinned" once compared', async () => {
    const { page } = app;
    await openScreen(page, 'Repositories');
    await rowOf(signed.gun).getByRole('button', { name: signed.gun, exact: true }).click();
    const notice = page.getByTestId('first-use');
    await notice.waitFor();
    const root = await notary.roleJson(signed.gun, 'root');
    const pem = Buffer.from(rootKey(root, signed.rootKeyId).keyval.public, 'base64').toString('utf8');
    assert.equal(await notice.getByTestId('root-fingerprint').textContent(), opensslFingerprint(pem));
    const text = (await notice.textContent()) ?? '';
    assert.match(text, new RegExp(`CN=${signed.gun}`));
    assert.match(text, /Valid\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
    assert.match(text, /Key ID.*as the Keys screen and key files name it/);
    await screenshotsAtBothSizes(app, 'trust-first-use', { fullPage: true });
    await notice.getByRole('button', { name: 'I compared it: keep it pinned' }).click();
    await page.getByTestId('pinned').waitFor();
    assert.equal(await page.getByTestId('first-use').count(), 0);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByTestId('pinned').waitFor();
    assert.match((await page.getByTestId('pinned').textContent()) ?? '', /Pinned.*on first use, compared by you/);
    await screenshotsAtBothSizes(app, 'trust-pinned');
  });

  it('copies a digest whole', async () => {
    const { page } = app;
    const button = page.getByRole('table', { name: 'Signed tags' }).getByRole('button', { name: 'Copy digest' }).first();
    assert.match((await button.getAttribute('data-copy')) ?? '', /^sha256:[0-9a-f]{64}$/);
    await button.click();
    await page.getByRole('button', { name: 'digest copied' }).first().waitFor();
  });

  it('shows every verified tag, saying which ones docker pull would not use and which role signed them', async () => {
    const { page } = app;
    await watchRepository(page, nested.gun, 'Team notary');
    await page.evaluate((hash) => (window.location.hash = hash), repositoryHash(nested.gun, 'Team notary'));
    const unpulled = page.getByTestId('unpulled-tags');
    await unpulled.waitFor();
    const listed = (await nested.admin.list(nested.gun)).map((t) => t.name).sort();
    assert.deepEqual(listed, ['team/app', 'team/sub/tool', 'v1'], 'notary list shows all three');
    assert.equal(await page.getByTestId('tag-count').textContent(), '1 tags');
    const rows = await page.getByRole('table', { name: 'Tags docker pull does not use' }).getByRole('row').evaluateAll((all) =>
      all.slice(1).map((row) => Array.from(row.querySelectorAll('[role=cell]'), (cell) => cell.textContent ?? '')),
    );
    assert.deepEqual(
      rows.map(([tag, , , , roles]) => [tag, roles]),
      [
        ['team/app', 'targets/team'],
        ['team/sub/tool', 'targets/team/sub'],
      ],
    );
    assert.match((await unpulled.textContent()) ?? '', /docker reads only targets and targets\/releases/);
    const signerRows = await page.getByRole('region', { name: 'Signers' }).locator('tbody tr').evaluateAll((all) => all.map((row) => [row.querySelector('td')?.textContent, row.querySelector('td:last-child')?.textContent]));
    assert.deepEqual(signerRows.sort(), [['team', '1'], ['team/sub', '1']]);
    await page.getByTestId('unpulled-tags').scrollIntoViewIfNeeded();
    await screenshotsAtBothSizes(app, 'repository-nested-delegations');
  });

  it('edits a saved server, keeping its watched repositories', async () => {
    const { page } = app;
    await openScreen(page, 'Servers');
    const card = page.getByRole('article', { name: 'Down' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const form = card.getByRole('form', { name: 'Edit Down' });
    assert.equal(await form.getByLabel('URL', { exact: true }).inputValue(), 'https://127.0.0.1:9');
    await form.getByLabel('Name', { exact: true }).fill('Down for maintenance');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('article', { name: 'Down for maintenance' }).getByText('1 repository').waitFor();
    await screenshotsAtBothSizes(app, 'servers-edit');
  });

  it('lets a connection check that gets no answer be cancelled, showing when it would give up', async () => {
    const { page } = app;
    // Accepts connections and never says a word, as a firewall that swallows packets would.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await page.getByRole('button', { name: 'Add server' }).click();
      await fillServerForm(page, { name: 'Silent', url: `https://127.0.0.1:${port}` });
      const form = page.getByRole('form', { name: 'Add a notary server' });
      await form.getByRole('button', { name: 'Check connection' }).click();
      const progress = form.getByTestId('check-progress');
      await progress.waitFor();
      assert.match((await progress.textContent()) ?? '', /gives up after 15 s/);
      await screenshotsAtBothSizes(app, 'servers-check-waiting');
      await progress.getByRole('button', { name: 'Cancel check' }).click();
      await progress.waitFor({ state: 'detached' });
    } finally {
      silent.close();
    }
  });

  it('scrolls sideways on no screen at 1024 px', async () => {
    const { page } = app;
    await page.setViewportSize(NARROW);
    const screens = ['#/start', '#/servers', '#/repositories', '#/keys', '#/audit', '#/evidence', '#/settings', '#/sign', '#/delegate', '#/revoke', '#/rotate', '#/expiry', '#/publish', '#/migrate', '#/init'];
    const repositories = [
      repositoryHash(signed.gun, 'Team notary'),
      repositoryHash(unsigned, 'Team notary'),
      repositoryHash(behindDownServer, 'Down'),
      repositoryHash(goesStale.gun, 'Through a proxy'),
      // Initialising the unsigned one: the screen its "Initialise this repository" button opens.
      `#/init/team-notary/${unsigned}`,
    ];
    const problems: string[] = [];
    for (const hash of [...screens, ...repositories]) {
      await page.evaluate((h) => (window.location.hash = h), hash);
      const shown = await page.locator('main h1, .screen h1').first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (!shown) {
        problems.push(`${hash}: no screen heading within 10 s`);
        continue;
      }
      await page.waitForTimeout(300);
      for (const scroller of await sidewaysScrollers(page)) problems.push(`${hash}: ${scroller}`);
    }
    assert.deepEqual(problems, []);
  });
});
