// Expiry across the watch list: nothing expires within the default 30 days of repositories made today;
// widened to ten years, targets and snapshot of every repository are listed, the ones this keychain
// cannot sign are marked, and the rest are re-signed in one action. notary sees the new versions.
// (3000 days: roots live 3650 days, targets and snapshot 3 years.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEFAULT_DOCKER_PASSPHRASES, dockerSigners, versionOf, type DockerSignersFixture, type NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

describe('re-signing what expires', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  let signers: DockerSignersFixture;
  const guns: string[] = [];

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
    signers = await dockerSigners({ notary: world.notary }, { signs: { alice: ['v1'] } });
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    await world.importKeys(signers.admin.trustDir, Object.values(DEFAULT_DOCKER_PASSPHRASES));
    await world.watch(...guns, signers.gun);
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
    await table.getByLabel(`Re-sign targets of ${signers.gun}`).uncheck();
    await world.shot('expiry-2-list');
    const before = await Promise.all(guns.map(async (gun) => versionOf(await world.notary.roleJson(gun, 'targets'))));
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
});
