// A root rotation interrupted by killing the app's process while the new root is on its way to the
// server: the new key was made and the rotation staged, nothing was published. The app started again
// on the same home offers to resume it; resuming publishes, checks and finishes — with the same new
// key, nothing lost. The notary server is reached through a proxy that holds the upload, so the kill
// lands at a known point; a notary client that trusted the old root checks the result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { KeySummary } from '../../../shared/schemas/views';
import type { Settings } from '../../../shared/schemas/settings';
import {
  canonicalKeyIdOfTufKey,
  notaryCli,
  rootKey,
  rootRoleKeyIds,
  startMitm,
  startNotaryServer,
  type MitmProxy,
  type NotaryCli,
  type NotaryServer,
} from '../../stack';
import { buildRendererOnce, keychainSkip, SCREENSHOT_DIR } from '../support/app';
import { launchChromium } from '../support/browser';
import { chooserOf, importEveryKey, type CallMain } from '../support/import-keys';
import { startChildHost, type ChildHost } from './support/child-app';
import { chooseOnly, openJob, summaryText } from './support/world';

describe('an interrupted root rotation', { skip: keychainSkip() }, () => {
  let notary: NotaryServer;
  let proxy: MitmProxy;
  let admin: NotaryCli;
  let follower: NotaryCli;
  let browser: Browser;
  let page: Page;
  let host: ChildHost | undefined;
  let dir: string;
  let gun: string;
  let oldRootId: string;
  let madeBeforeTheKill: string;

  const start = async () => {
    host = await startChildHost({ homeDir: join(dir, 'home'), rendererDir: await buildRendererOnce(), dockerConfigDir: join(dir, 'docker') });
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  };
  const shot = async (name: string) => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `flow-${name}.png`), fullPage: true, animations: 'disabled' });
  };
  const keys = () => page.evaluate(async () => {
    const result = await window.countersign!.keys.list({});
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }) as Promise<KeySummary[]>;
  const publishPath = () => `/v2/${gun}/_trust/tuf/`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'countersign-resume-'));
    await mkdir(join(dir, 'docker'), { recursive: true });
    notary = await startNotaryServer();
    proxy = await startMitm({ upstream: notary.url, ca: notary.ca });
    gun = `localhost:5000/flows/resume-${randomBytes(3).toString('hex')}`;
    admin = notaryCli({ server: notary.url, caFile: notary.caFile });
    await admin.init(gun, { publish: false });
    await admin.addHash(gun, 'v1', 100, 'ef'.repeat(32), { publish: false });
    await admin.publish(gun);
    follower = notaryCli({ server: notary.url, caFile: notary.caFile });
    assert.deepEqual((await follower.list(gun)).map((t) => t.name), ['v1']);
    const root = await notary.roleJson(gun, 'root');
    oldRootId = canonicalKeyIdOfTufKey(rootKey(root, rootRoleKeyIds(root, 'root')[0]!));

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    await start();
    // Setup through the page's own bridge: the server (through the proxy) and the watch list, then
    // the keys from the notary trust dir the user picks in the file dialog.
    await page.evaluate(
      async ({ url, caPem, name }) => {
        const api = window.countersign!;
        const saved = await api.settings.saveServer({ server: { name: 'Team notary', url, caPem } });
        if (!saved.ok) throw new Error(saved.error.message);
        const serverId = (saved.value as Settings).servers[0]!.id;
        const watched = await api.settings.watch({ gun: name, serverId });
        if (!watched.ok) throw new Error(watched.error.message);
      },
      { url: proxy.url, caPem: notary.caPem, name: gun },
    );
    // The keys through the page's own bridge too, one request per evaluate: the chosen file's
    // reference belongs to the page's session.
    const call: CallMain = (channel, request) =>
      page.evaluate(
        async ({ channel, request }) => {
          const [domain, method] = channel.split('.') as [string, string];
          const bridge = window.countersign as unknown as Record<string, Record<string, (r: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }>>>;
          const result = await bridge[domain]![method]!(request);
          if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
          return result.value;
        },
        { channel, request },
      ) as never;
    await importEveryKey(call, chooserOf(call, () => host!.choose(admin.trustDir)), Object.values(admin.passphrases));
    await page.reload();
  });

  after(async () => {
    await host?.stop();
    await browser?.close();
    await admin?.dispose();
    await follower?.dispose();
    await proxy?.stop();
    await notary?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('is killed while the new root is being published: the new key is kept and the rotation recorded', async () => {
    await openJob(page, 'Rotate keys');
    await chooseOnly(page, [gun]);
    await page.getByRole('radio', { name: /^Root/ }).check();
    await page.getByRole('button', { name: 'Run the preflight' }).click();
    await page.getByRole('table', { name: 'Preflight' }).getByText('Ready', { exact: true }).waitFor();
    // The upload waits at the proxy; the process dies meanwhile, and the upload never reaches the server.
    proxy.delay((path) => path === publishPath(), 2_000);
    await page.getByRole('button', { name: 'Rotate the root key of 1 repository' }).click();
    await page.getByTestId('flow-running').getByText(/publishing the new root/).waitFor();
    await shot('rotate-resume-1-running');
    await host!.kill();
    proxy.respondWith((path) => path === publishPath(), { status: 503, body: 'the app is gone' });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    proxy.reset();

    const root = await notary.roleJson(gun, 'root');
    assert.deepEqual(rootRoleKeyIds(root, 'root').map((id) => canonicalKeyIdOfTufKey(rootKey(root, id))), [oldRootId], 'nothing was published');
    const records = await readdir(join(dir, 'home', 'rotations'));
    assert.equal(records.length, 1);
    const record = JSON.parse(await readFile(join(dir, 'home', 'rotations', records[0]!), 'utf8')) as { repositories: { step: string; newKeyIds: string[] }[] };
    assert.equal(record.repositories[0]?.step, 'staged');
    madeBeforeTheKill = record.repositories[0]!.newKeyIds[0]!;
  });

  it('resumes in the app started again, and finishes with the same new key', async () => {
    await start();
    assert.ok((await keys()).some((k) => k.id === madeBeforeTheKill && k.location === 'keychain'), 'the new root key survived the kill');
    await openJob(page, 'Rotate keys');
    const banner = page.getByRole('region', { name: 'Interrupted rotation' });
    await banner.getByText(/new key made, not published yet/).waitFor();
    await shot('rotate-resume-2-offered');
    await banner.getByRole('button', { name: 'Resume the rotation' }).click();
    const text = await summaryText(page);
    await shot('rotate-resume-3-finished');
    assert.match(text, /1 of 1 repository published/);
    assert.match(text, new RegExp(`rotate the root key to ${madeBeforeTheKill.slice(0, 12)}`));
    assert.match(text, /a client that trusted only the old root followed the rotation/);

    const root = await notary.roleJson(gun, 'root');
    assert.deepEqual(rootRoleKeyIds(root, 'root').map((id) => canonicalKeyIdOfTufKey(rootKey(root, id))), [madeBeforeTheKill]);
    assert.deepEqual((await follower.list(gun)).map((t) => t.name), ['v1'], 'notary, trusting the old root, follows');
    assert.deepEqual(await readdir(join(dir, 'home', 'rotations')), [], 'the finished rotation leaves no record');
    assert.equal(await page.getByRole('region', { name: 'Interrupted rotation' }).count(), 0);
  });
});
