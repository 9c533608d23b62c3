// What a reviewer does on the Audit and Evidence screens, as steps the dashboard specs share.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { TAG_STATUSES, type TagStatus } from '../../../../shared/audit';

export async function openReviewScreen(page: Page, label: 'Audit' | 'Evidence'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
}

export interface RegistryFields {
  name: string;
  url: string;
  caFile: string;
  username?: string;
  /** The notary server's name as saved. */
  serverName: string;
  gunHost?: string;
}

export async function fillRegistryForm(page: Page, registry: RegistryFields): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a registry' });
  await form.getByLabel('Name', { exact: true }).fill(registry.name);
  await form.getByLabel('URL', { exact: true }).fill(registry.url);
  await form.getByLabel('Registry CA certificate file').setInputFiles(registry.caFile);
  await form.getByLabel('Notary server with its trust data').selectOption({ label: registry.serverName });
  if (registry.username !== undefined) await form.getByLabel('User name (optional)').fill(registry.username);
  if (registry.gunHost !== undefined) await form.getByLabel('Name in trust data (optional)').fill(registry.gunHost);
}

export async function saveRegistryForm(page: Page, name: string): Promise<void> {
  await page.getByRole('form', { name: 'Add a registry' }).getByRole('button', { name: 'Save registry' }).click();
  await page.getByRole('article', { name }).waitFor();
}

/** Runs the audit with what the scope panel shows and waits for the dashboard of the new report. */
export async function runAudit(page: Page): Promise<void> {
  const report = page.getByTestId('audit-report');
  const previous = (await report.count()) > 0 ? await report.getAttribute('data-report-id') : null;
  await page.getByRole('button', { name: 'Run audit' }).click();
  await page.waitForFunction(
    (old) => {
      const id = document.querySelector('[data-testid="audit-report"]')?.getAttribute('data-report-id');
      return id !== undefined && id !== null && id !== old;
    },
    previous,
  );
}

/** The legend's count of each status: the dashboard's totals. */
export async function legendTotals(page: Page): Promise<Record<TagStatus, number>> {
  const entries = await Promise.all(TAG_STATUSES.map(async (status) => [status, Number((await page.getByTestId(`total-${status}`).textContent())?.replace(/,/g, ''))]));
  return Object.fromEntries(entries) as Record<TagStatus, number>;
}

export interface ShownTag {
  repository: string;
  tag: string;
  status: string;
  signers: string;
  digest: string;
}

/** The rows of the tag table now in view (the fixture's fit in it whole). */
export async function shownTags(page: Page): Promise<ShownTag[]> {
  const table = page.getByRole('table', { name: 'Audited tags' });
  await table.waitFor();
  return table.evaluate((element) =>
    [...element.querySelectorAll('[role="row"]')]
      .filter((row) => row.getAttribute('aria-rowindex') !== '1')
      .map((row) => {
        const cells = [...row.querySelectorAll('[role="cell"]')].map((cell) => (cell.textContent ?? '').trim());
        return { repository: cells[0] ?? '', tag: cells[1] ?? '', status: cells[2] ?? '', signers: cells[3] ?? '', digest: cells[4] ?? '' };
      }),
  );
}

/** Clicks something that makes the page download a file; returns the file's bytes and suggested name. */
export async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer; download: Download }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path), download };
}
