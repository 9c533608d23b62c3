// The renderer with a 10,000-tag repository, in Debian's Chromium through the test host: how long
// the tag table takes to appear after its data arrives, and to filter. Budgets: 300 ms and 50 ms.
// Measured here, not in a test, because timings on a shared 2-core machine are benchmarks, not facts.
import { startApp, type RunningApp } from '../test/e2e/support/app';
import { largeView } from '../test/e2e/support/large-view';
import { median } from './stats';

const TAGS = 10_000;
const GUN = 'registry.example.test/big/app';
const RENDER_BUDGET_MS = 300;
const FILTER_BUDGET_MS = 50;

export async function benchRenderer(rounds: number): Promise<void> {
  const view = largeView(GUN, 'https://notary.example.test', TAGS);
  const app = await startApp({ overrides: { trust: { inspect: async () => view, acknowledgeRoot: async () => undefined, inspectCached: async () => view } } });
  try {
    await app.page.evaluate(async () => {
      // Not watched: a background refresh of the watch list would compete with the measured render.
      await window.countersign!.settings.saveServer({ server: { name: 'Big', url: 'https://notary.example.test' } });
    });
    const render = await renderTimes(app, rounds);
    const filter = await filterTimes(app);
    console.log(`\nRenderer, ${TAGS} signed tags (Chromium, ${rounds} loads)`);
    console.log(`  table shown after its data: median ${median(render).toFixed(0)} ms (budget ${RENDER_BUDGET_MS}); samples ${render.map((t) => t.toFixed(0)).join(' ')}`);
    console.log(`  filter: median ${median(filter).toFixed(0)} ms (budget ${FILTER_BUDGET_MS}); samples ${filter.map((t) => t.toFixed(0)).join(' ')}`);
  } finally {
    await app.close();
  }
}

/** From the page's own "view data arrived" mark to the frame after the first tag row was committed. */
async function renderTimes(app: RunningApp, rounds: number): Promise<number[]> {
  const { page } = app;
  await page.addInitScript(() => {
    const marker = window as unknown as { tagsShownAt?: number };
    const observer = new MutationObserver(() => {
      if (document.querySelector('[aria-label="Signed tags"] [role=row][aria-rowindex="2"]') === null) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        marker.tagsShownAt = performance.now();
      });
    });
    observer.observe(document, { subtree: true, childList: true });
  });
  const times: number[] = [];
  for (let run = 0; run < rounds; run++) {
    // A query string makes each run a fresh document (a hash change alone would not reload).
    await page.goto(`${app.host.url}?run=${run}#/repositories/big/${GUN}`);
    await page.waitForFunction(() => (window as unknown as { tagsShownAt?: number }).tagsShownAt !== undefined);
    times.push(
      await page.evaluate(() => {
        const mark = performance.getEntriesByName('countersign:view-data').at(-1);
        return (window as unknown as { tagsShownAt: number }).tagsShownAt - (mark?.startTime ?? Number.NaN);
      }),
    );
  }
  return times;
}

/** From setting the filter text (as typing does) to the frame after the tag count changed. */
async function filterTimes(app: RunningApp): Promise<number[]> {
  const times: number[] = [];
  for (const query of ['v42.', 'signer-3', 'v99.99', 'nothing-matches', '']) {
    times.push(
      await app.page.evaluate(
        (text) =>
          new Promise<number>((resolve) => {
            const input = document.querySelector<HTMLInputElement>('input[aria-label="Filter signed tags"]')!;
            const count = document.querySelector('[data-testid="tag-count"]')!;
            const before = count.textContent;
            const start = performance.now();
            const observer = new MutationObserver(() => {
              if (count.textContent === before) return;
              observer.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - start));
            });
            observer.observe(count, { childList: true, characterData: true, subtree: true });
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }),
        query,
      ),
    );
  }
  return times;
}
