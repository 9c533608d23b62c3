// The security review dashboard on the real stack: a real registry with images pushed over its API and a
// real notary-server holding trust data made by notary, docker trust and Countersign, changed the ways
// real life changes them (a re-pushed tag, a removed signer, a role about to expire). What the dashboard
// shows, filters and exports must be what `countersign audit --json` says of the same registry; the
// evidence archive it makes must verify offline, in the app and with `countersign verify-archive`.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../../shared/audit';
import { keychainSecretStore } from '../../../electron/core/keys';
import { REGISTRY_KEYCHAIN_SERVICE } from '../../../electron/ipc/wire-services';
import { describeCounts, STATUS_LABEL } from '../../../renderer/src/features/audit/audit-model';
import { REPOS } from '../../integration/audit/support/mixed-registry';
import { startMitm, type MitmProxy } from '../../stack';
import { keychainSkip, startApp, type RunningApp } from '../support/app';
import { addServer } from '../support/flows';
import { NARROW, screenshotsAtBothSizes, WIDE } from '../support/layout';
import { downloadOf, fillRegistryForm, legendTotals, openReviewScreen, runAudit, saveRegistryForm, shownTags } from './support/dashboard';
import { COUNTERSIGNED, startReviewFixture, timeless, type ReviewFixture } from './support/review-fixture';

const REGISTRY_PASSWORD = 'registry-password-for-the-keychain';

/** "#b42318" as getComputedStyle writes colours: "rgb(180, 35, 24)". */
function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

describe('the security review dashboard, on a real registry and notary-server', { skip: keychainSkip() }, () => {
  let fixture: ReviewFixture;
  let app: RunningApp;
  let cli: { report: AuditReport; text: string };
  let slowRegistry: MitmProxy;

  before(async () => {
    fixture = await startReviewFixture();
    cli = await fixture.cliReport();
    const { registry, notary } = fixture.mixed;
    // The same registry behind a proxy that answers every tag list late: an audit there can be cancelled.
    slowRegistry = await startMitm({ upstream: registry.url, ca: notary.ca });
    slowRegistry.delay((path) => path.endsWith('/tags/list'), 4_000);
    app = await startApp();
  });

  after(async () => {
    await app?.close();
    await slowRegistry?.stop();
    await fixture?.stop();
  });

  it('says what is missing before anything is set up', async () => {
    const { page } = app;
    await openReviewScreen(page, 'Audit');
    await page.getByText('No notary server yet').waitFor();
    await app.screenshot('audit-no-server');
    await addServer(page, { name: 'Team notary', url: fixture.mixed.notary.url, caFile: fixture.mixed.notary.caFile });
    await openReviewScreen(page, 'Audit');
    await page.getByText('No registry to review yet').waitFor();
    await app.screenshot('audit-no-registry');
  });

  it('adds a registry with its CA after a passing check, and keeps its password in the keychain only', async () => {
    const { page } = app;
    const { registry } = fixture.mixed;
    await fillRegistryForm(page, { name: 'Team registry', url: registry.url, caFile: registry.caFile, serverName: 'Team notary', username: 'ci' });
    await page.getByRole('form', { name: 'Add a registry' }).getByRole('button', { name: 'Check connection' }).click();
    const check = page.getByTestId('registry-check');
    await check.filter({ hasText: 'Connected' }).waitFor();
    assert.match((await check.textContent()) ?? '', /lists 5 repositories/);
    await saveRegistryForm(page, 'Team registry');
    const card = page.getByRole('article', { name: 'Team registry' });
    await card.getByLabel('Password of ci').fill(REGISTRY_PASSWORD);
    await card.getByRole('button', { name: 'Save in keychain' }).click();
    await card.getByText('Saved in the system keychain.').waitFor();
    assert.equal(await keychainSecretStore(REGISTRY_KEYCHAIN_SERVICE).get('team-registry'), REGISTRY_PASSWORD);
    await page.getByText('No audit yet').waitFor();
    await app.screenshot('audit-ready');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('audits the whole catalog and shows the numbers countersign audit --json reports', async () => {
    const { page } = app;
    await runAudit(page);
    assert.deepEqual(await legendTotals(page), cli.report.totals);
    const tags = Object.values(cli.report.totals).reduce((sum, n) => sum + n, 0);
    assert.equal(await page.getByTestId('audit-scope').textContent(), `${cli.report.repositories.length} repositories, ${tags} tags`);

    // Each repository's bar says its counts in words; they must be the CLI's.
    for (const repository of cli.report.repositories) {
      const bar = page.getByRole('button', { name: `Show the tags of ${repository.repository}` }).getByRole('img');
      assert.equal(await bar.getAttribute('aria-label'), `${repository.repository}: ${describeCounts(repository.counts)}`);
    }
    // And every tag has the CLI's status, with the CLI's signers.
    const expected = cli.report.repositories.flatMap((r) => r.tags.map((t) => ({ repository: r.repository, tag: t.tag, status: STATUS_LABEL[t.status], signers: t.signers.join('') })));
    const shown = (await shownTags(page)).map(({ repository, tag, status, signers }) => ({ repository, tag, status, signers: signers === '—' ? '' : signers }));
    assert.deepEqual(shown, expected);
    assert.ok(shown.some((row) => row.repository === COUNTERSIGNED && row.status === 'Signed'), 'the tag Countersign signed is signed');
    await app.screenshot('audit-dashboard');
    await app.screenshot('audit-dashboard-full', { fullPage: true });
    // The theme follows the system's: the chart's colours must read on dark too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('audit-dashboard-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('audits only the repositories chosen from the catalog, as countersign audit --repo does', async () => {
    const { page } = app;
    const { registry } = fixture.mixed;
    await page.getByRole('radio', { name: 'Only the repositories I choose' }).check();
    const chooser = page.getByRole('group', { name: /Repositories \(/ });
    await chooser.getByLabel('Filter the catalog').fill('team');
    await chooser.getByRole('checkbox', { name: REPOS.team }).check();
    await app.screenshot('audit-choose-repositories');
    await runAudit(page);
    const only = JSON.parse((await fixture.cli(['audit', '--registry', registry.url, '--registry-ca', registry.caFile, '--repo', REPOS.team, '--json'])).stdout) as AuditReport;
    assert.deepEqual(await legendTotals(page), only.totals);
    assert.equal(await page.getByTestId('audit-scope').textContent(), '1 repository, 2 tags');
    // Back to the whole catalog for what follows.
    await page.getByRole('radio', { name: "Every repository in the registry's catalog" }).check();
    await runAudit(page);
    assert.deepEqual(await legendTotals(page), cli.report.totals);
  });

  it('flags the tag re-pushed after signing as a digest mismatch, naming both digests', async () => {
    const { page } = app;
    const v2 = (await shownTags(page)).find((row) => row.repository === REPOS.admin && row.tag === 'v2');
    assert.equal(v2?.status, 'Digest mismatch');
    const audited = cli.report.repositories.find((r) => r.repository === REPOS.admin)?.tags.find((t) => t.tag === 'v2');
    const served = await fixture.mixed.registry.manifestDigest(REPOS.admin, 'v2');
    assert.ok(served && audited?.signedDigest);
    assert.equal(v2?.digest, `${served.slice(7, 19)} served, ${audited.signedDigest.slice(7, 19)} signed`);
  });

  it('filters by status (the legend), repository, signer and text', async () => {
    const { page } = app;
    const count = page.getByTestId('tag-count');
    const unsigned = cli.report.totals.unsigned;
    await page.getByRole('list', { name: 'Tags by status' }).getByRole('button', { name: /Unsigned/ }).click();
    await count.filter({ hasText: `${unsigned} of ` }).waitFor();
    assert.deepEqual([...new Set((await shownTags(page)).map((row) => row.status))], ['Unsigned']);
    await page.getByRole('region', { name: 'Tags' }).scrollIntoViewIfNeeded();
    await app.screenshot('audit-filtered-unsigned');
    await page.evaluate(() => window.scrollTo(0, 0));

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Repository', { exact: true }).selectOption(REPOS.team);
    await count.filter({ hasText: '2 of ' }).waitFor();
    await page.getByLabel('Signer', { exact: true }).selectOption('bob');
    await count.filter({ hasText: '1 of ' }).waitFor();
    assert.deepEqual((await shownTags(page)).map((row) => [row.repository, row.tag, row.status]), [[REPOS.team, 'v2', 'Signed']]);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('button', { name: `Show the tags of ${REPOS.expiring}` }).click();
    await count.filter({ hasText: '1 of ' }).waitFor();
    assert.deepEqual((await shownTags(page)).map((row) => row.status), ['Expiring soon']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Search tags').fill('dev');
    await count.filter({ hasText: '1 of ' }).waitFor();
    await page.getByLabel('Search tags').fill('nothing-is-called-this');
    await page.getByText('No tag matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('exports the JSON countersign audit --json writes, and its CSV', async () => {
    const { page } = app;
    const json = await downloadOf(page, () => page.getByRole('button', { name: 'Export JSON' }).click());
    assert.match(json.name, /^audit-localhost_\d+-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(json.bytes.toString('utf8')) as AuditReport;
    assert.deepEqual(timeless(exported), timeless(cli.report));
    assert.equal(json.bytes.toString('utf8').replace(/"(auditedAt|finishedAt|verifiedAt)": "[^"]*"/g, '"$1": "T"'), cli.text.replace(/"(auditedAt|finishedAt|verifiedAt)": "[^"]*"/g, '"$1": "T"'), 'byte for byte, but for the times');
    await page.getByText(`Downloaded ${json.name}.`).waitFor();

    const csv = await downloadOf(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { registry } = fixture.mixed;
    const cliCsv = await fixture.cli(['audit', '--registry', registry.url, '--registry-ca', registry.caFile, '--csv']);
    assert.equal(csv.bytes.toString('utf8'), cliCsv.stdout);
  });

  it('shows the report on screen exactly as exported, and fits 1024 px with it open', async () => {
    const { page } = app;
    const { registry } = fixture.mixed;
    const cliCsv = await fixture.cli(['audit', '--registry', registry.url, '--registry-ca', registry.caFile, '--csv']);
    const section = page.getByRole('region', { name: 'Report' });
    await section.getByRole('button', { name: 'Show CSV' }).click();
    const text = section.getByTestId('report-text');
    await text.waitFor();
    assert.equal(await text.textContent(), cliCsv.stdout.replace(/\r\n$/, '').replace(/\r\n/g, '\n'));
    assert.equal(await section.getByTestId('report-lines').textContent(), `${cliCsv.stdout.trimEnd().split('\r\n').length} lines`);
    await section.scrollIntoViewIfNeeded();
    await screenshotsAtBothSizes(app, 'audit-report-csv');

    await section.getByRole('button', { name: 'Show JSON' }).click();
    await text.filter({ hasText: '"repositories"' }).waitFor();
    const shown = JSON.parse((await text.textContent()) ?? '') as AuditReport;
    assert.deepEqual(timeless(shown), timeless(cli.report));
    await screenshotsAtBothSizes(app, 'audit-report-json');

    // The summary and the tag table at 1024 px: every column on screen, digests short with a copy button.
    await page.setViewportSize(NARROW);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotsAtBothSizes(app, 'audit-summary');
    await page.getByRole('region', { name: 'Tags' }).scrollIntoViewIfNeeded();
    await screenshotsAtBothSizes(app, 'audit-tags');
    await page.setViewportSize(NARROW);
    const table = page.getByRole('table', { name: 'Audited tags' });
    const headers = await table.getByRole('columnheader').allTextContents();
    assert.deepEqual(headers, ['Repository', 'Tag', 'Status', 'Signed by', 'Digest', 'Why']);
    const v2 = table.getByRole('row').filter({ hasText: 'Digest mismatch' }).first();
    const served = await fixture.mixed.registry.manifestDigest(REPOS.admin, 'v2');
    assert.equal(await v2.getByRole('button', { name: 'Copy digest the registry serves' }).getAttribute('data-copy'), served);
    for (const header of await table.getByRole('columnheader').all()) {
      const box = await header.boundingBox();
      assert.ok(box !== null && box.x + box.width <= NARROW.width, `${await header.textContent()} is on screen at 1024 px`);
    }
    await section.getByRole('button', { name: 'Hide JSON' }).click();
    await page.setViewportSize(WIDE);
  });

  it('shows on the repository screen the tag the registry serves with another digest than signed', async () => {
    const { page } = app;
    const { registry } = fixture.mixed;
    await page.getByRole('table', { name: 'Coverage by repository' }).getByRole('button', { name: REPOS.admin, exact: true }).click();
    await page.getByRole('heading', { name: `${registry.host}/${REPOS.admin}` }).waitFor();
    const check = page.getByTestId('registry-check');
    const summary = check.getByTestId('registry-summary');
    // Before the registry was asked, no tag claims to match it.
    await summary.filter({ hasText: 'Registry not checked' }).waitFor();
    const table = page.getByRole('table', { name: 'Signed tags' });
    assert.deepEqual([...new Set(await table.locator('[role="row"] [role="cell"]:last-child').allTextContents())], ['registry not checked']);
    await check.scrollIntoViewIfNeeded();
    await screenshotsAtBothSizes(app, 'repository-registry-not-checked');

    await check.getByRole('button', { name: 'Check the registry' }).click();
    await summary.filter({ hasText: 'Registry checked' }).waitFor();
    assert.match((await summary.textContent()) ?? '', /1 tag served with another digest than signed, 1 not served, 1 matches\.$/);
    const served = await registry.manifestDigest(REPOS.admin, 'v2');
    const signedV2 = cli.report.repositories.find((r) => r.repository === REPOS.admin)?.tags.find((t) => t.tag === 'v2')?.signedDigest;
    const mismatches = check.getByRole('list', { name: 'Tags the registry serves differently' });
    assert.equal(await mismatches.textContent(), `v2: registry serves ${served} but signed ${signedV2}`);
    assert.equal(await mismatches.getByRole('button', { name: 'Copy digest the registry serves' }).getAttribute('data-copy'), served);
    assert.equal(await mismatches.getByRole('button', { name: 'Copy signed digest' }).getAttribute('data-copy'), signedV2);
    assert.equal(await mismatches.evaluate((element) => getComputedStyle(element).color), await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bad').trim()).then(hexToRgb));
    const cells = Object.fromEntries(
      await table.locator('[role="row"]').filter({ has: page.locator('[role="cell"]') }).evaluateAll((rows) => rows.map((row) => [row.querySelector('[role="cell"]')?.textContent, row.querySelector('[role="cell"]:last-child')?.textContent])),
    ) as Record<string, string>;
    assert.equal(cells['v1'], '✓ serves the signed digest');
    assert.match(cells['v2'] ?? '', /^✕ serves sha256:[0-9a-f]{12}…$/);
    assert.equal(cells['v3'], 'not served by the registry');
    await check.scrollIntoViewIfNeeded();
    await screenshotsAtBothSizes(app, 'repository-registry-mismatch');
    await page.goBack();
    await page.getByTestId('coverage-ring').waitFor();
  });

  it("opens a repository's detail from the dashboard, and comes back to the same dashboard", async () => {
    const { page } = app;
    await page.getByRole('table', { name: 'Coverage by repository' }).getByRole('button', { name: REPOS.team, exact: true }).click();
    await page.getByRole('heading', { name: `${fixture.mixed.registry.host}/${REPOS.team}` }).waitFor();
    await page.getByTestId('verification').locator('.badge').getByText(/^Verified/).waitFor();
    await page.goBack();
    await page.getByTestId('coverage-ring').waitFor();
  });

  it('exports an evidence archive of chosen repositories, which verifies offline, and a tampered copy does not', async () => {
    const { page } = app;
    const coverage = page.getByRole('table', { name: 'Coverage by repository' });
    assert.equal(await coverage.getByLabel(`Include ${REPOS.plain} in an evidence archive`).isDisabled(), true, 'no trust data, nothing to archive');
    await coverage.getByLabel(`Include ${REPOS.admin} in an evidence archive`).check();
    await coverage.getByLabel(`Include ${REPOS.team} in an evidence archive`).check();
    await page.getByRole('button', { name: 'Export evidence archive (2)' }).click();
    await page.getByRole('heading', { name: 'Evidence', exact: true }).waitFor();
    const archive = await downloadOf(page, () => page.getByRole('button', { name: 'Export archive of 2 repositories' }).click());
    await page.getByTestId('archive-made').waitFor();
    const sha256 = ((await page.getByTestId('archive-sha256').textContent()) ?? '').trim();
    await app.screenshot('evidence-exported');

    const file = join(app.dir, archive.name);
    await writeFile(file, archive.bytes);
    const verified = await fixture.cli(['verify-archive', file, '--sha256', sha256]);
    assert.equal(verified.code, 0, verified.stderr);

    const form = page.getByRole('form', { name: 'Verify an archive' });
    await form.getByLabel('Archive file').setInputFiles(file);
    await form.getByLabel('Expected sha256').fill(sha256);
    await form.getByRole('button', { name: 'Verify offline' }).click();
    const report = page.getByTestId('archive-verification');
    await report.getByText(`${archive.name} verifies.`).waitFor();
    assert.equal(await report.getByRole('list', { name: `Checks of ${fixture.mixed.registry.host}/${REPOS.team}` }).locator('.check-failed').count(), 0);
    await app.screenshot('evidence-verified', { fullPage: true });

    // One byte of the first repository's targets changed: its file hashes and signatures no longer match.
    const tampered = Buffer.from(archive.bytes);
    const at = tampered.indexOf(Buffer.from('"_type":"Targets"'));
    assert.ok(at > 0);
    tampered[at + 2] = 'X'.charCodeAt(0);
    const tamperedFile = join(app.dir, `tampered-${archive.name}`);
    await writeFile(tamperedFile, tampered);
    await form.getByLabel('Archive file').setInputFiles(tamperedFile);
    await form.getByLabel('Expected sha256').fill('');
    await form.getByRole('button', { name: 'Verify offline' }).click();
    await report.getByText(`tampered-${archive.name} does NOT verify.`).waitFor();
    assert.ok((await report.locator('.check-failed').count()) > 0);
    await app.screenshot('evidence-tampered', { fullPage: true });
  });

  it('cancels an audit that is still running, and keeps the last report', async () => {
    const { page } = app;
    const { registry } = fixture.mixed;
    await openReviewScreen(page, 'Audit');
    await page.getByRole('button', { name: 'Manage registries' }).click();
    await page.getByRole('region', { name: 'Registries' }).getByRole('button', { name: 'Add registry' }).click();
    await fillRegistryForm(page, { name: 'Slow mirror', url: slowRegistry.url, caFile: registry.caFile, serverName: 'Team notary', gunHost: registry.host });
    await saveRegistryForm(page, 'Slow mirror');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('combobox', { name: /^Registry/ }).selectOption({ label: `Slow mirror (${slowRegistry.host})` });
    await page.getByRole('button', { name: 'Run audit' }).click();
    await page.getByRole('progressbar', { name: 'Repositories audited' }).waitFor();
    await app.screenshot('audit-running');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('The audit was cancelled; nothing was reported.').waitFor();
    assert.deepEqual(await legendTotals(page), cli.report.totals, 'the last report stays');
    assert.equal(app.host.router.runningOperations(), 0);
  });

  it('never sent a password to the renderer', () => {
    for (const { channel, body } of app.host.transcript) assert.doesNotMatch(body, new RegExp(REGISTRY_PASSWORD), channel);
  });
});
