// The key rotation wizard on the real stack, one role after the other: targets (two repositories at
// once), snapshot handed to the server, timestamp, and root — with the root key offline at first,
// brought in from its encrypted file, and the new root taken offline at the end. A notary client that
// trusted the repository before every rotation must keep following it; docker trust inspect must show
// the new keys.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { canonicalKeyIdOfTufKey, rootKey, rootRoleKeyIds, versionOf, type NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { chooseOnly, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

const ROOT_PASSPHRASE = 'offline-root-passphrase';
const NEW_ROOT_PASSPHRASE = 'new-root-passphrase';

/** Goes through the wizard's first two steps and returns the preflight table's text. */
async function preflight(page: Page, guns: readonly string[], role: RegExp): Promise<string> {
  await chooseOnly(page, guns);
  await page.getByRole('radio', { name: role }).check();
  await page.getByRole('button', { name: 'Run the preflight' }).click();
  const table = page.getByRole('table', { name: 'Preflight' });
  await table.waitFor({ timeout: 30_000 });
  return (await table.textContent()) ?? '';
}

describe('the key rotation wizard', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  /** A notary client that trusted the repositories before any rotation. */
  let follower: NotaryCli;
  let first: string;
  let second: string;

  const roleKeys = async (gun: string, role: string) => {
    const root = await world.notary.roleJson(gun, 'root');
    return rootRoleKeyIds(root, role).map((id) => canonicalKeyIdOfTufKey(rootKey(root, id)));
  };
  const followerStillFollows = async (gun: string) => {
    assert.deepEqual((await follower.list(gun)).map((t) => t.name), ['v1'], `notary (trusting ${gun} from before) follows the rotation`);
  };

  before(async () => {
    world = await startFlowWorld();
    const suffix = randomBytes(3).toString('hex');
    first = `localhost:5000/flows/rotate-a-${suffix}`;
    second = `localhost:5000/flows/rotate-b-${suffix}`;
    admin = world.notaryClient();
    for (const gun of [first, second]) {
      await admin.init(gun, { publish: false });
      await admin.addHash(gun, 'v1', 100, 'cd'.repeat(32), { publish: false });
      await admin.publish(gun);
    }
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    follower = world.notaryClient();
    for (const gun of [first, second]) await followerStillFollows(gun);
    await world.watch(first, second);
    await openJob(world.page, 'Rotate keys');
  });

  after(async () => {
    await world?.dispose();
  });

  it('rotates the targets key of two repositories, each step on screen', async () => {
    const { page } = world;
    const before = await roleKeys(first, 'targets');
    await chooseOnly(page, [first, second]);
    await page.getByRole('radio', { name: /^Targets/ }).check();
    await world.shot('rotate-targets-1-choose');
    await page.getByRole('button', { name: 'Run the preflight' }).click();
    const table = page.getByRole('table', { name: 'Preflight' });
    await table.waitFor({ timeout: 30_000 });
    assert.equal((await table.getByText('Ready', { exact: true }).all()).length, 2);
    await world.shot('rotate-targets-2-preflight');
    await page.getByRole('button', { name: 'Rotate the targets key of 2 repositories' }).click();
    const text = await summaryText(page);
    await world.shot('rotate-targets-3-summary');
    assert.match(text, /2 of 2 repositories published/);
    assert.match(text, /a client that trusted only the old root followed the rotation to root version 2/);

    const after = await roleKeys(first, 'targets');
    assert.notDeepEqual(after, before);
    const inspected = (await world.dockerInspect(first)).entries?.[0];
    assert.deepEqual(inspected?.AdministrativeKeys.find((k) => k.Name === 'Repository')?.Keys, after.map((ID) => ({ ID })));
    const keys = await world.call('keys.list', {});
    assert.ok(keys.some((k) => k.id === after[0] && k.location === 'keychain'), 'the new targets key is in the keychain');
    assert.ok(!keys.some((k) => k.id === before[0]), 'the old targets key, used by nothing now, left the keychain');
    for (const gun of [first, second]) await followerStillFollows(gun);
  });

  it('hands the snapshot key to the server', async () => {
    const { page } = world;
    await page.getByRole('button', { name: 'Rotate another key' }).click();
    await chooseOnly(page, [first]);
    await page.getByRole('radio', { name: /^Snapshot/ }).check();
    await page.getByLabel('Let the notary server hold the new snapshot key').check();
    await world.shot('rotate-snapshot-1-choose');
    await page.getByRole('button', { name: 'Run the preflight' }).click();
    await page.getByRole('button', { name: 'Rotate the snapshot key of 1 repository' }).click();
    assert.match(await summaryText(page), /rotate the snapshot key to [0-9a-f]{12} \(held by the server\)/);
    const served = JSON.parse((await world.notary.fetchTrustFile(first, 'snapshot.key')).body.toString()) as { keytype: string; keyval: { public: string } };
    assert.deepEqual(await roleKeys(first, 'snapshot'), [canonicalKeyIdOfTufKey({ keytype: served.keytype as 'ed25519', keyval: { public: served.keyval.public } })]);
    await followerStillFollows(first);
  });

  it('rotates the timestamp key, which the server makes', async () => {
    const { page } = world;
    const before = await roleKeys(first, 'timestamp');
    await page.getByRole('button', { name: 'Rotate another key' }).click();
    const text = await preflight(page, [first], /^Timestamp/);
    assert.match(text, /held by the server/);
    await page.getByRole('button', { name: 'Rotate the timestamp key of 1 repository' }).click();
    assert.match(await summaryText(page), /rotate the timestamp key/);
    assert.notDeepEqual(await roleKeys(first, 'timestamp'), before);
    await followerStillFollows(first);
  });

  it('rotates root with the root key brought in from its offline file, then takes the new root offline', async () => {
    const { page } = world;
    const [oldRoot] = (await world.call('keys.list', {})).filter((k) => k.role === 'root');
    assert.ok(oldRoot);
    const offlineFile = join(world.app.dir, 'usb', 'root.key');
    world.app.host.chooser.answer(offlineFile);
    const chosen = await world.call('files.choose', { purpose: 'save-key-file' });
    assert.ok(chosen.chosen);
    await world.call('rotation.takeKeyOffline', { keyId: oldRoot.id, file: chosen.ref, passphrase: ROOT_PASSPHRASE });
    const rootBefore = await world.notary.roleJson(first, 'root');

    await page.getByRole('button', { name: 'Rotate another key' }).click();
    await chooseOnly(page, [first]);
    await page.getByRole('radio', { name: /^Root/ }).check();
    await world.shot('rotate-root-1-choose');
    await page.getByRole('button', { name: 'Run the preflight' }).click();
    const bring = page.getByRole('form', { name: /^Bring root key [0-9a-f]{12} in/ });
    await bring.waitFor({ timeout: 30_000 });
    assert.equal(await bring.getByLabel('Encrypted key file').textContent(), offlineFile, 'the file is the one the key was taken offline to');
    assert.match((await page.getByRole('table', { name: 'Preflight' }).textContent()) ?? '', /The root key is offline: bring it in from its encrypted file first/);
    await world.shot('rotate-root-2-preflight-offline-root');
    await bring.getByLabel('Passphrase of the key file').fill('not the passphrase');
    await bring.getByRole('button', { name: 'Bring it in' }).click();
    await bring.getByText('code: passphrase-wrong').waitFor();
    await bring.getByLabel('Passphrase of the key file').fill(ROOT_PASSPHRASE);
    await bring.getByRole('button', { name: 'Bring it in' }).click();
    await page.getByRole('table', { name: 'Preflight' }).getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
    await world.shot('rotate-root-3-preflight-ready');
    await page.getByRole('button', { name: 'Rotate the root key of 1 repository' }).click();
    const text = await summaryText(page);
    assert.match(text, /a client that trusted only the old root followed the rotation to root version \d+/);
    assert.match(text, /old key [0-9a-f]{12} kept: old root keys are kept/);
    await page.getByText('Checked: a fresh client that trusted only the old root followed the rotation in every repository.').waitFor();
    await world.shot('rotate-root-4-check-and-keep-safe');

    const newRoot = await roleKeys(first, 'root');
    assert.notDeepEqual(newRoot, [oldRoot.id]);
    assert.ok(versionOf(await world.notary.roleJson(first, 'root')) > versionOf(rootBefore));
    await followerStillFollows(first);
    const inspected = (await world.dockerInspect(first)).entries?.[0];
    const rootRole = await world.notary.roleJson(first, 'root');
    assert.deepEqual(inspected?.AdministrativeKeys.find((k) => k.Name === 'Root')?.Keys, rootRoleKeyIds(rootRole, 'root').map((ID) => ({ ID })));

    const takeNew = page.getByRole('form', { name: /^Take the new root key/ });
    const newFile = join(world.app.dir, 'usb', 'new-root.key');
    // The file is picked in the main process's dialog; an existing file is never overwritten.
    world.app.host.chooser.answer(offlineFile);
    await takeNew.getByRole('button', { name: 'Choose…' }).click();
    await takeNew.getByText(offlineFile).waitFor();
    await takeNew.getByLabel('New passphrase', { exact: true }).fill(NEW_ROOT_PASSPHRASE);
    await takeNew.getByLabel('New passphrase again').fill(NEW_ROOT_PASSPHRASE);
    await takeNew.getByRole('button', { name: 'Take it offline' }).click();
    await takeNew.getByText('exists already').waitFor();
    world.app.host.chooser.answer(newFile);
    await takeNew.getByRole('button', { name: 'Choose…' }).click();
    await takeNew.getByText(newFile).waitFor();
    await takeNew.getByLabel('New passphrase', { exact: true }).fill(NEW_ROOT_PASSPHRASE);
    await takeNew.getByLabel('New passphrase again').fill(NEW_ROOT_PASSPHRASE);
    await takeNew.getByRole('button', { name: 'Take it offline' }).click();
    await page.getByTestId('key-offline').first().waitFor();
    const putBack = page.getByRole('form', { name: /^Put the old root key/ });
    world.app.host.chooser.answer(join(world.app.dir, 'usb', 'old-root.key'));
    await putBack.getByRole('button', { name: 'Choose…' }).click();
    await putBack.getByText(join(world.app.dir, 'usb', 'old-root.key')).waitFor();
    await putBack.getByLabel('New passphrase', { exact: true }).fill(ROOT_PASSPHRASE);
    await putBack.getByLabel('New passphrase again').fill(ROOT_PASSPHRASE);
    await putBack.getByRole('button', { name: 'Take it offline' }).click();
    await page.getByTestId('key-offline').nth(1).waitFor();
    await world.shot('rotate-root-5-offline');

    assert.ok(existsSync(newFile), 'the new root is in its encrypted file');
    const roots = (await world.call('keys.list', {})).filter((k) => k.role === 'root');
    assert.deepEqual(
      roots.map((k) => [k.id === oldRoot.id ? 'old' : newRoot.includes(k.id) ? 'new' : k.id, k.location]).sort(),
      [
        ['new', 'offline'],
        ['old', 'offline'],
      ],
      'no root key is left in the keychain',
    );
  });

  it('sent no private key and no passphrase to the renderer', () => {
    const sent = world.app.host.transcript.map((entry) => entry.body).join('\n');
    for (const secret of ['PRIVATE KEY', ROOT_PASSPHRASE, NEW_ROOT_PASSPHRASE, ...Object.values(admin.passphrases)]) {
      assert.ok(!sent.includes(secret), `a response carried ${secret.includes('KEY') ? 'a private key' : 'a passphrase'}`);
    }
  });
});
