// The plan of a job in its Review step (issue 13), on the real stack: Sign's Review names the roles it
// re-signs and the key for each; with only the targets key on a repository that has signers, it stops
// there with "add yourself as a signer" and a button to Delegate — the user never reaches a click
// that can only fail. An unsigned repository is initialised from the app, then read by fresh
// `notary list` and `docker trust inspect` clients, and the app shows it verified and pinned.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { screenshotsAtBothSizes } from '../support/layout';
import { chooseRepository, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const ROOT_PASSPHRASE = 'a long root passphrase typed in the app';

describe('the plan in Review, and initialising a repository', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  let plain: string;
  let delegated: string;
  let unsigned: string;

  before(async () => {
    world = await startFlowWorld();
    const suffix = randomBytes(3).toString('hex');
    plain = `localhost:5000/plan/plain-${suffix}`;
    delegated = `localhost:5000/plan/delegated-${suffix}`;
    unsigned = `localhost:5000/plan/unsigned-${suffix}`;
    admin = world.notaryClient();
    await admin.init(plain);
    await admin.init(delegated);
    // A signer whose key stays with them: this keychain gets only the repository's own keys.
    const docker = await world.dockerClient();
    const alice = await docker.keyGenerate('alice');
    await admin.delegationAdd(delegated, 'targets/releases', [alice.publicKeyFile], { allPaths: true });
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    await world.watch(plain, delegated, unsigned);
  });

  after(async () => {
    await world?.dispose();
  });

  async function reviewSigning(gun: string, tag: string): Promise<void> {
    const { page } = world;
    // From another screen: the Sign screen starts afresh.
    await page.goto(`${page.url().split('#')[0]}#/repositories`);
    await openJob(page, 'Sign');
    await chooseRepository(page, gun);
    await page.getByLabel('Tag', { exact: true }).fill(tag);
    await page.getByLabel('I have the digest').check();
    await page.getByLabel('Digest', { exact: true }).fill(DIGEST);
    await page.getByLabel('Size in bytes').fill('1234');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('write-plan').waitFor({ timeout: 30_000 });
  }

  it("Sign's Review names the repository, the roles it re-signs and the key that signs each", async () => {
    await reviewSigning(plain, 'v1');
    const { page } = world;
    const plan = page.getByTestId('write-plan');
    assert.equal(await plan.getAttribute('data-ready'), 'yes');
    const roles = page.getByRole('table', { name: 'Roles and keys' });
    const rows = (await roles.getByRole('row').allTextContents()).slice(1);
    const targetsKey = (await world.call('keys.list', {})).find((key) => key.role === 'targets' && key.gun === plain);
    assert.ok(targetsKey, 'the targets key is in the keychain');
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, new RegExp(`^targets\\s*you.*${targetsKey.id.slice(0, 12)}.*in the keychain`));
    assert.match(rows[1]!, /^snapshot\s*you.*in the keychain/);
    assert.match(rows[2]!, /^timestamp\s*the notary server.*held by the notary server/);
    assert.match((await plan.textContent()) ?? '', new RegExp(`${plain.replaceAll('.', '\\.')} on https://.*read and verified just now`));
    await screenshotsAtBothSizes(world.app, 'plan-sign-review', { fullPage: true });
    await page.getByRole('button', { name: 'Sign v1' }).click();
    assert.match(await summaryText(page), /sign v1 in targets/);
    assert.deepEqual((await world.notaryList(plain)).map((t) => t.name), ['v1']);
  });

  it('with only the targets key on a repository with signers: stops at Review with "add yourself as a signer"', async () => {
    await reviewSigning(delegated, 'v3');
    const { page } = world;
    const problem = page.getByTestId('plan-problem');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-code'), 'add-yourself-as-signer');
    assert.match((await problem.textContent()) ?? '', /Add yourself as a signer/);
    // The last click is not offered; the role docker trust sign would use is named, its key not here.
    assert.equal(await page.getByRole('button', { name: 'Sign v3' }).count(), 0);
    const rows = (await page.getByRole('table', { name: 'Roles and keys' }).getByRole('row').allTextContents()).slice(1);
    assert.match(rows[0]!, /^targets\/releases.*not in the keychain/);
    await screenshotsAtBothSizes(world.app, 'plan-sign-blocked', { fullPage: true });
    await problem.getByRole('button', { name: 'Add a signer (Delegate)' }).click();
    await page.locator('[data-screen="delegate"]').waitFor();
    assert.deepEqual(await world.notaryList(delegated), [], 'nothing was signed');
  });

  it('an unsigned repository is initialised from its screen, then notary and docker read it and the app shows it verified', async () => {
    const { page } = world;
    await page.goto(`${page.url().split('#')[0]}#/repositories/${encodeURIComponent(world.serverId)}/${unsigned}`);
    await page.getByRole('button', { name: 'Initialise this repository' }).click();
    const plan = page.getByTestId('write-plan');
    await plan.waitFor({ timeout: 30_000 });
    assert.equal(await plan.getAttribute('data-ready'), 'yes');
    const table = page.getByRole('table', { name: 'Roles and keys' });
    const rows = (await table.getByRole('row').allTextContents()).slice(1);
    assert.deepEqual(await table.locator('tbody tr td:first-child').allTextContents(), ['root', 'targets', 'snapshot', 'timestamp']);
    assert.match(rows[2]!, /held by the notary server/);
    await screenshotsAtBothSizes(world.app, 'init-review', { fullPage: true });
    await page.getByRole('button', { name: `Initialise ${unsigned}` }).click();
    const text = await summaryText(page);
    await screenshotsAtBothSizes(world.app, 'init-summary', { fullPage: true });
    assert.match(text, /1 of 1 repository published/);
    assert.match(text, /Published \(read back from the server\)/);

    assert.deepEqual(await world.notaryList(unsigned), []);
    const inspected = await world.dockerInspect(unsigned);
    assert.equal(inspected.entries?.[0]?.Name, unsigned);
    const admins = inspected.entries?.[0]?.AdministrativeKeys.map((k) => k.Name).sort();
    assert.deepEqual(admins, ['Repository', 'Root']);

    await page.getByRole('button', { name: `Open ${unsigned}` }).click();
    const verification = page.getByTestId('verification');
    await verification.getByText('Signed and verified').waitFor({ timeout: 30_000 });
    await verification.getByText('Pinned on first use, not compared yet').waitFor();
    await screenshotsAtBothSizes(world.app, 'init-verified', { fullPage: true });
  });

  it('initialising with the root key offline: the passphrase typed here, the key then only in its encrypted file', async () => {
    const { page } = world;
    const gun = `${unsigned}-offline`;
    await page.goto(`${page.url().split('#')[0]}#/init/${encodeURIComponent(world.serverId)}/${gun}`);
    await page.getByTestId('write-plan').waitFor({ timeout: 30_000 });
    const choice = page.getByRole('group', { name: 'Where the root key goes' });
    await choice.getByLabel('Take it offline into an encrypted file').check();
    const file = join(world.app.dir, `root-${randomBytes(3).toString('hex')}.key`);
    // The file is picked in the main process's dialog (the test host's scripted chooser answers it).
    world.app.host.chooser.answer(file);
    await choice.getByRole('button', { name: 'Choose…' }).click();
    await choice.getByLabel('Root key file').filter({ hasText: file }).waitFor();
    await choice.getByLabel('Root key passphrase', { exact: true }).fill(ROOT_PASSPHRASE);
    await choice.getByLabel('Root key passphrase again').fill(ROOT_PASSPHRASE);
    await screenshotsAtBothSizes(world.app, 'init-root-offline', { fullPage: true });
    await page.getByRole('button', { name: `Initialise ${gun}` }).click();
    const text = await summaryText(page);
    assert.match(text, /Published \(read back from the server\)/);
    assert.match(text, new RegExp(`left the keychain: it is offline in ${file.replaceAll('.', '\\.')}`));
    assert.equal(existsSync(file), true);
    const roots = (await world.call('keys.list', {})).filter((key) => key.role === 'root' && key.location === 'offline');
    assert.equal(roots.length, 1);
    assert.equal((await world.dockerInspect(gun)).entries?.[0]?.Name, gun);
  });

  it('a repository that exists already is not offered to be initialised again', async () => {
    const { page } = world;
    await page.goto(`${page.url().split('#')[0]}#/init/${encodeURIComponent(world.serverId)}/${plain}`);
    const problem = page.getByTestId('plan-problem');
    await problem.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
      throw new Error(`no plan problem; the page says: ${await page.locator('main, body').first().innerText()}`, { cause: error });
    });
    assert.equal(await problem.getAttribute('data-code'), 'already-initialised');
    assert.equal(await page.getByRole('button', { name: `Initialise ${plain}` }).count(), 0);
  });

  it('sent no private key and no passphrase to the renderer', () => {
    const sent = world.app.host.transcript.map((entry) => entry.body).join('\n');
    for (const secret of ['PRIVATE KEY', ROOT_PASSPHRASE, ...Object.values(admin.passphrases)]) {
      assert.ok(!sent.includes(secret), `a response carried ${secret.includes('KEY') ? 'a private key' : 'a passphrase'}`);
    }
  });
});
