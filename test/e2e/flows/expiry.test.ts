// Expiry across the watch list: nothing expires within the default 30 days of repositories made today;
// widened to ten years, targets and snapshot of every repository are listed, the ones this keychain
// cannot sign are marked, and the rest are re-signed in one action after a Review that names, per
// repository, the roles and the key that signs each. notary sees the new versions. A repository whose
// targets key left the keychain stops at Review with "import the targets key", and nothing is published.
// (3000 days: roots live 3650 days, targets and snapshot 3 years.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEFAULT_DOCKER_PASSPHRASES, dockerSigners, versionOf, type DockerSignersFixture, type NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { screenshotsAtBothSizes } from '../support/layout';
import type { Page } from 'playwright-core';
import { openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

/** The roles of each repository's publish, as the Review's plan names them (role, signer, key). */
async function planRows(page: Page, gun: string): Promise<string[]> {
  const region = page.getByRole('region', { name: `Plan for ${gun}` });
  const plan = region.getByTestId('write-plan');
  await plan.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
    throw new Error(`no plan for ${gun}; the page says: ${await page.locator('main, body').first().innerText()}`, { cause: error });
  });
  return (await plan.getByRole('table', { name: 'Roles and keys' }).getByRole('row').allTextContents()).slice(1);
}

describe('re-signing what expires', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  let signers: DockerSignersFixture;
  const guns: string[] = [];
  /** Its targets key leaves the keychain in the blocked case; its snapshot key stays. */
  let lost: string;

  before(async () => {
    world = await startFlowWorld();
    admin = world.notaryClient();
    for (const name of ['web', 'api']) {
      const gun = `localhost:5000/flows/expiry-${name}-${randomBytes(3).toString('hex')}`;
      await admin.init(gun, { publish: false });
      await admin.addHash(gun, 'v1', 100, '12'.repeat(32), { publish: false });
      await admin.publish(gun);
      guns.push(gun);
    }
    lost = `localhost:5000/flows/expiry-lost-${randomBytes(3).toString('hex')}`;
    await admin.init(lost, { publish: false });
    await admin.addHash(lost, 'v1', 100, '34'.repeat(32), { publish: false });
    await admin.publish(lost);
    signers = await dockerSigners({ notary: world.notary }, { signs: { alice: ['v1'] } });
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    await world.importKeys(signers.admin.trustDir, Object.values(DEFAULT_DOCKER_PASSPHRASES));
    await world.watch(...guns, signers.gun, lost);
  });

  after(async () => {
    await signers?.dispose();
    await world?.dispose();
  });

  it('lists every role expiring within the window (here 3000 days), and re-signs the chosen ones in one action', async () => {
    const { page } = world;
    await openJob(page, 'Expiring');
    await page.getByText('Nothing expires within 30 days').waitFor({ timeout: 30_000 });
    await world.shot('expiry-1-nothing-soon');
    await page.getByLabel('Days ahead').fill('3000');
    await page.getByRole('button', { name: 'Check again' }).click();
    const table = page.getByRole('table', { name: 'Expiring roles' });
    await table.waitFor({ timeout: 30_000 });
    const rowOf = (gun: string, role: string) => table.getByRole('row').filter({ hasText: gun }).filter({ has: page.getByRole('cell', { name: role, exact: true }) });
    for (const gun of guns) {
      assert.equal(await rowOf(gun, 'targets').count(), 1);
      assert.equal(await rowOf(gun, 'snapshot').count(), 1);
    }
    assert.match((await rowOf(signers.gun, 'targets/releases').textContent()) ?? '', /the keychain holds none of its keys/);
    assert.equal(await table.getByLabel(`Re-sign targets/releases of ${signers.gun}`).isDisabled(), true);
    assert.match((await rowOf(signers.gun, 'snapshot').textContent()) ?? '', /the notary server holds the snapshot key/);
    // Only the two notary repositories are re-signed here.
    for (const label of [`Re-sign targets of ${signers.gun}`, `Re-sign targets of ${lost}`, `Re-sign snapshot of ${lost}`]) await table.getByLabel(label).uncheck();
    await world.shot('expiry-2-list');
    const before = await Promise.all(guns.map(async (gun) => versionOf(await world.notary.roleJson(gun, 'targets'))));
    await page.getByRole('button', { name: 'Review re-signing 4 roles' }).click();
    // Review: per repository, the roles its publish re-signs and the key for each, read just now.
    const keys = await world.call('keys.list', {});
    for (const gun of guns) {
      const targetsKey = keys.find((key) => key.role === 'targets' && key.gun === gun);
      assert.ok(targetsKey, `the targets key of ${gun} is in the keychain`);
      const rows = await planRows(page, gun);
      assert.equal(rows.length, 3);
      assert.match(rows[0]!, new RegExp(`^targets\\s*you.*${targetsKey.id.slice(0, 12)}.*in the keychain`));
      assert.match(rows[1]!, /^snapshot\s*you.*in the keychain/);
      assert.match(rows[2]!, /^timestamp\s*the notary server/);
    }
    assert.deepEqual(await page.getByTestId('write-plan').evaluateAll((plans) => plans.map((plan) => plan.getAttribute('data-ready'))), ['yes', 'yes']);
    await world.shot('expiry-2b-review');
    await page.getByRole('button', { name: 'Re-sign 4 roles' }).click();
    const text = await summaryText(page);
    await world.shot('expiry-3-summary');
    assert.match(text, /2 of 2 repositories published/);
    assert.match(text, /the snapshot was renewed by the same publish/);

    for (const [i, gun] of guns.entries()) {
      assert.equal(versionOf(await world.notary.roleJson(gun, 'targets')), before[i]! + 1, `targets of ${gun} was signed again`);
      assert.deepEqual((await world.notaryList(gun)).map((t) => t.name), ['v1']);
    }
  });

  it('a repository whose targets key is not in the keychain stops at Review with "import the targets key", and nothing is published', async () => {
    const { page } = world;
    // Its snapshot is still offered (its key is here), but renewing it re-signs targets.
    const targetsKey = (await world.call('keys.list', {})).find((key) => key.role === 'targets' && key.gun === lost);
    assert.ok(targetsKey);
    await world.call('keys.remove', { id: targetsKey.id, confirm: true });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByLabel('Days ahead').fill('3000');
    await page.getByRole('button', { name: 'Check again' }).click();
    const table = page.getByRole('table', { name: 'Expiring roles' });
    await table.getByLabel(`Re-sign snapshot of ${lost}`).waitFor({ timeout: 30_000 });
    assert.equal(await table.getByLabel(`Re-sign targets of ${lost}`).isDisabled(), true);
    // One repository that is ready beside the blocked one: the whole action waits for the fix.
    const wanted = new Set([`Re-sign snapshot of ${lost}`, `Re-sign targets of ${guns[0]}`]);
    for (const box of await table.getByRole('checkbox').all()) {
      if ((await box.isEnabled()) && !wanted.has((await box.getAttribute('aria-label')) ?? '')) await box.uncheck();
    }
    const served = async () => Promise.all([lost, guns[0]!].flatMap((gun) => ['targets', 'snapshot'].map(async (role) => versionOf(await world.notary.roleJson(gun, role)))));
    const before = await served();
    await page.getByRole('button', { name: 'Review re-signing 2 roles' }).click();

    const rows = await planRows(page, lost);
    assert.match(rows[0]!, new RegExp(`^targets.*${targetsKey.id.slice(0, 12)}.*not in the keychain`));
    const region = page.getByRole('region', { name: `Plan for ${lost}` });
    const problem = region.getByTestId('plan-problem');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-code'), 'import-key');
    assert.match((await problem.textContent()) ?? '', /Import the targets key/);
    assert.equal(await page.getByRole('region', { name: `Plan for ${guns[0]}` }).getByTestId('write-plan').getAttribute('data-ready'), 'yes');
    // The last click is not offered.
    assert.equal(await page.getByRole('button', { name: /^Re-sign \d+ roles?$/ }).count(), 0);
    await page.getByText('Fix what is named above first').waitFor();
    // At 1440 and 1024 px, and no sideways scroll at 1024.
    await screenshotsAtBothSizes(world.app, 'expiry-review-blocked', { fullPage: true });
    await problem.getByRole('button', { name: 'Open Keys' }).click();
    await page.locator('[data-screen="keys"]').waitFor();

    assert.deepEqual(await served(), before, 'no role got a new version');
    assert.deepEqual((await world.notaryList(lost)).map((t) => t.name), ['v1']);
  });
});
