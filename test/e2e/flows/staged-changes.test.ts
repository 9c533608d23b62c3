// What a failed or cancelled publish leaves behind, and publishing it later. The app reaches the notary
// server through a proxy that refuses uploads for a while: signing fails and the signature stays
// staged; the Staged changes screen lists it; a publish of two repositories is cancelled while the
// first upload is held (and never reaches the server); published again, both arrive. notary checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { chooseRepository, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

const DIGEST = `sha256:${'34'.repeat(32)}`;

describe('staged changes: kept after a failure, published later, cancellable', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  const guns: string[] = [];
  const uploadOf = (gun: string) => (path: string) => path === `/v2/${gun}/_trust/tuf/`;

  before(async () => {
    world = await startFlowWorld({ proxy: true });
    admin = world.notaryClient();
    for (const name of ['first', 'second']) {
      const gun = `localhost:5000/flows/staged-${name}-${randomBytes(3).toString('hex')}`;
      await admin.init(gun);
      guns.push(gun);
    }
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    await world.watch(...guns);
  });

  after(async () => {
    await world?.dispose();
  });

  it('keeps a signature staged when the server refuses the upload', async () => {
    const { page } = world;
    const refuse = world.proxy!.respondWith((path) => path.endsWith('/_trust/tuf/'), { status: 503, body: 'down for maintenance' });
    await openJob(page, 'Sign');
    for (const [i, gun] of guns.entries()) {
      if (i > 0) await page.getByRole('button', { name: 'Sign another tag' }).click();
      await chooseRepository(page, gun);
      await page.getByLabel('Tag', { exact: true }).fill('v1');
      await page.getByLabel('I have the digest').check();
      await page.getByLabel('Digest', { exact: true }).fill(DIGEST);
      await page.getByLabel('Size in bytes').fill('777');
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByRole('button', { name: 'Sign v1' }).click();
      const text = await summaryText(page);
      assert.match(text, /Not published/);
      assert.match(text, /Stays staged \(not on the server\)[\s\S]*sign v1 in targets/);
      assert.match(text, /the server was asked afterwards and does not have these changes/);
    }
    await world.shot('staged-1-sign-failed');
    refuse();
    for (const gun of guns) assert.deepEqual(await world.notaryList(gun), []);
  });

  it('cancels a publish while the first upload is held; the summary says, read back from the server, that nothing reached it', async () => {
    const { page } = world;
    const [first] = guns as [string, string];
    await openJob(page, 'Staged changes');
    for (const gun of guns) await page.getByRole('article', { name: gun }).getByText(/sign v1 in targets/).waitFor();
    await world.shot('staged-2-list');
    world.proxy!.delay(uploadOf(first), 3_000);
    await page.getByRole('button', { name: 'Publish 2 repositories' }).click();
    await page.getByTestId('flow-running').getByText(`${first}: publishing…`).waitFor();
    await page.getByTestId('flow-running').getByRole('button', { name: 'Cancel' }).click();
    // The upload the proxy holds is then refused, so the cancelled publish never reaches the server.
    world.proxy!.respondWith(uploadOf(first), { status: 503, body: 'cancelled' });
    const text = await summaryText(page);
    await world.shot('staged-3-cancelled');
    assert.match(text, /Cancelled, 0 of 2 repositories published/);
    assert.match(text, /Cancelled: not on the server/);
    assert.match(text, /cancelled before this repository was started: nothing was sent/);
    world.proxy!.reset();
    for (const gun of guns) assert.deepEqual(await world.notaryList(gun), []);
    // Still staged: the first repository's summary card says so (and the next test publishes both),
    // whether the cancel came before its upload or while the proxy held it.
    assert.match(text, /Stays staged \(not on the server\)[\s\S]*sign v1 in targets|1 change\(s\) are staged for this repository/);
  });

  it('publishes what stayed staged', async () => {
    const { page } = world;
    await page.getByRole('button', { name: 'Publish 2 repositories' }).click();
    const text = await summaryText(page);
    await world.shot('staged-4-published');
    assert.match(text, /2 of 2 repositories published/);
    for (const gun of guns) assert.deepEqual((await world.notaryList(gun)).map((t) => [t.name, t.digest, t.size]), [['v1', '34'.repeat(32), 777]]);
    await page.getByText('Nothing is staged').waitFor();
  });
});
