// The Migrate screen on the real stack: reached from the audit dashboard, with a key generated in the
// app (real keychain), it plans exactly the tags the audit found vouched for, signs them with
// progress, shows the result per tag and the cosign.pub to hand out; and no private key ever reaches
// the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keychainSkip, startApp, type RunningApp } from '../support/app';
import { addServer, openScreen } from '../support/flows';
import { fillRegistryForm, openReviewScreen, runAudit, saveRegistryForm } from '../audit/support/dashboard';
import { startReviewFixture, type ReviewFixture } from '../audit/support/review-fixture';

describe('the Migrate screen, on a real registry and notary-server', { skip: keychainSkip() }, () => {
  let fixture: ReviewFixture;
  let app: RunningApp;
  let vouched: string[];

  before(async () => {
    fixture = await startReviewFixture();
    const { report } = await fixture.cliReport();
    vouched = report.repositories.flatMap((r) => r.tags.filter((t) => t.status === 'signed' || t.status === 'expiring-soon').map((t) => `${r.repository}:${t.tag}`)).sort();
    app = await startApp();
  });

  after(async () => {
    await app?.close();
    await fixture?.stop();
  });

  it('plans the vouched tags from the audit, signs them, and shows the public key', async () => {
    const { page } = app;
    const { registry, notary } = fixture.mixed;
    await openScreen(page, 'Keys');
    const generate = page.getByRole('form', { name: 'Generate a key' });
    await generate.getByLabel('Signer name').fill('cosign');
    await generate.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('table', { name: 'Keys' }).getByText('cosign').first().waitFor();

    await addServer(page, { name: 'Team notary', url: notary.url, caFile: notary.caFile });
    await openReviewScreen(page, 'Audit');
    await fillRegistryForm(page, { name: 'Team registry', url: registry.url, caFile: registry.caFile, serverName: 'Team notary' });
    await saveRegistryForm(page, 'Team registry');
    await runAudit(page);

    await page.getByRole('button', { name: /^Migrate to cosign/ }).click();
    await page.getByRole('heading', { name: 'Migrate to cosign' }).waitFor();
    const keyOption = page.getByLabel('Signing key').locator('option', { hasText: 'cosign' });
    await page.getByLabel('Signing key').selectOption({ value: (await keyOption.getAttribute('value')) ?? '' });
    await page.getByRole('button', { name: 'Make the plan' }).click();
    await page.getByTestId('plan-summary').waitFor();
    const planned = (await page.getByTestId('plan-sign').evaluateAll((rows) => rows.map((row) => `${row.children[0]?.textContent}:${row.children[1]?.textContent}`))).sort();
    assert.deepEqual(planned, vouched);
    assert.ok((await page.getByTestId('plan-skip').count()) > 0, 'the rest are listed with a reason');
    assert.match((await page.getByTestId('cosign-pub').textContent()) ?? '', /^-----BEGIN PUBLIC KEY-----/);
    await app.screenshot('migrate-plan', { fullPage: true });

    await page.getByRole('button', { name: /^Sign \d+ tags?$/ }).click();
    await page.getByTestId('migrate-summary').filter({ hasText: 'signed' }).waitFor();
    const outcomes = await page.getByTestId('migrate-result').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    assert.deepEqual(outcomes, vouched.map(() => 'signed'));
    await app.screenshot('migrate-result', { fullPage: true });
    assert.doesNotMatch(JSON.stringify(app.host.transcript), /PRIVATE KEY/);
  });
});
