// What a person does in the app, as steps the specs share.
import type { Page } from 'playwright-core';

export async function openScreen(page: Page, label: 'This machine' | 'Repositories' | 'Servers' | 'Keys' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
}

export interface ServerFields {
  name: string;
  url: string;
  caFile?: string;
  username?: string;
}

export async function fillServerForm(page: Page, server: ServerFields): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a notary server' });
  await form.getByLabel('Name', { exact: true }).fill(server.name);
  await form.getByLabel('URL', { exact: true }).fill(server.url);
  if (server.caFile !== undefined) await form.getByLabel('CA certificate file').setInputFiles(server.caFile);
  if (server.username !== undefined) await form.getByLabel('User name (optional)').fill(server.username);
}

export async function checkDraftConnection(page: Page): Promise<string> {
  const form = page.getByRole('form', { name: 'Add a notary server' });
  await form.getByRole('button', { name: 'Check connection' }).click();
  const report = form.getByTestId('connection-report');
  await report.waitFor();
  await page.getByText('Checking…').waitFor({ state: 'detached' });
  return (await report.textContent()) ?? '';
}

export async function addServer(page: Page, server: ServerFields): Promise<void> {
  await openScreen(page, 'Servers');
  const addButton = page.getByRole('button', { name: 'Add server' });
  if (await addButton.isVisible()) await addButton.click();
  await fillServerForm(page, server);
  await page.getByRole('button', { name: 'Save server' }).click();
  await page.getByRole('article', { name: server.name }).waitFor();
}

export async function watchRepository(page: Page, gun: string, serverName: string): Promise<void> {
  await openScreen(page, 'Repositories');
  const form = page.getByRole('form', { name: 'Watch a repository' });
  await form.getByLabel('Repository name').fill(gun);
  await form.getByLabel('Notary server').selectOption({ label: serverName });
  await form.getByRole('button', { name: 'Watch' }).click();
  await page.getByRole('table', { name: 'Watched repositories' }).getByRole('button', { name: gun }).waitFor();
}
