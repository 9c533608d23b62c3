// A repository with 10,000 signed tags stays usable: only the visible rows are in the page, the
// filter narrows the table, and the last tag can be scrolled to. How fast it draws and filters is
// measured by `npm run bench` (bench/renderer.ts), not asserted here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, type RunningApp } from './support/app';
import { largeView } from './support/large-view';
import { screenshotsAtBothSizes } from './support/layout';

const TAGS = 10_000;
const GUN = 'registry.example.test/big/app';

describe(`a repository with ${TAGS} signed tags`, () => {
  let app: RunningApp;
  before(async () => {
    const view = largeView(GUN, 'https://notary.example.test', TAGS);
    app = await startApp({ overrides: { trust: { inspect: async () => view, acknowledgeRoot: async () => undefined, inspectCached: async () => view } } });
    await app.page.evaluate(async () => {
      await window.countersign!.settings.saveServer({ server: { name: 'Big', url: 'https://notary.example.test' } });
    });
    await app.page.goto(`${app.host.url}#/repositories/big/${GUN}`);
    await app.page.getByRole('table', { name: 'Signed tags' }).getByRole('row').nth(1).waitFor();
  });
  after(async () => {
    await app?.close();
  });

  it('keeps only the visible rows in the page', async () => {
    const rows = await app.page.locator('[role=table][aria-label="Signed tags"] [role=row]').count();
    assert.ok(rows > 1 && rows < 60, `${rows} rows in the DOM`);
    await app.screenshot('repository-10000-tags');
  });

  it('filters the table by tag and by signer', async () => {
    const { page } = app;
    const filter = page.getByLabel('Filter signed tags');
    const count = page.getByTestId('tag-count');
    await filter.fill('nothing-matches');
    await count.filter({ hasText: /^0 / }).waitFor();
    await filter.fill('v99.99.');
    await page.getByRole('table', { name: 'Signed tags' }).getByRole('row', { name: /v99\.99\./ }).waitFor();
    await filter.fill('');
    await count.filter({ hasText: /10,?000/ }).waitFor();
  });

  it('scrolls to the last tag', async () => {
    const { page } = app;
    await page.locator('.vtable-body').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await page.getByRole('table', { name: 'Signed tags' }).getByRole('row', { name: /v99\.99\./ }).waitFor();
  });

  it('offers the 10,000 tags to revoke through a search, not a native list of every tag', async () => {
    const { page } = app;
    await page.goto(`${app.host.url}#/revoke/big/${GUN}`);
    const list = page.getByRole('listbox', { name: 'Tag to revoke' });
    await list.getByRole('option').first().waitFor();
    assert.equal(await page.locator('select[aria-label="Tag to revoke"]').count(), 0);
    assert.ok((await list.getByRole('option').count()) <= 50, 'only a short list of matches is in the page');
    await page.getByLabel('Search: Tag to revoke').fill('v99.99.');
    await list.getByRole('option', { name: /^v99\.99\./ }).first().click();
    await page.getByTestId('picker-count').filter({ hasText: /Chosen: v99\.99\./ }).waitFor();
    await screenshotsAtBothSizes(app, 'revoke-10000-tags-picker');
  });
});
