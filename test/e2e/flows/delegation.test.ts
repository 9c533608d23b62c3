// One-click delegation on the real stack: a collaborator's docker trust key (alice.pub, made by the
// real `docker trust key generate`) is dropped into the app and added to two repositories after a dry
// run; alice then signs with docker trust; her key is replaced safely; she is removed as the last
// releases signer. `docker trust inspect` and `notary` check every step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DockerTrust, GeneratedSignerKey, NotaryCli } from '../../stack';
import { keychainSkip } from '../support/app';
import { chooseRepository, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

describe('delegating to a collaborator in the app', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  let alice: DockerTrust;
  let aliceKey: GeneratedSignerKey;
  /** Its snapshot key is on the server: collaborators can publish. */
  let shared: string;
  /** Made by notary init: the snapshot key stays with the admin. */
  let local: string;
  let newKeyId: string;

  before(async () => {
    world = await startFlowWorld();
    const suffix = randomBytes(3).toString('hex');
    shared = `localhost:5000/flows/shared-${suffix}`;
    local = `localhost:5000/flows/local-${suffix}`;
    admin = world.notaryClient();
    await admin.init(shared);
    await admin.rotate(shared, 'snapshot', { serverManaged: true });
    await admin.init(local);
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    alice = await world.dockerClient();
    aliceKey = await alice.keyGenerate('alice');
    await world.watch(shared, local);
  });

  after(async () => {
    await world?.dispose();
  });

  it('reads the collaborator’s .pub, runs a dry run per repository, and publishes', async () => {
    const { page } = world;
    await openJob(page, 'Delegate');
    await page.getByLabel('Public key file').setInputFiles(aliceKey.publicKeyFile);
    await page.getByTestId('collaborator-key').filter({ hasText: aliceKey.keyId }).waitFor();
    assert.equal(await page.getByLabel('Signer name').inputValue(), 'alice', "the name comes from the file's role header");
    await world.shot('delegate-1-their-key');
    await page.getByRole('button', { name: 'Next' }).click();
    await chooseRepository(page, shared);
    await chooseRepository(page, local);
    await world.shot('delegate-2-where');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const plan = page.getByRole('table', { name: 'Dry run' });
    await plan.waitFor({ timeout: 30_000 });
    const localRow = plan.getByRole('row', { name: new RegExp(local) });
    assert.match((await localRow.textContent()) ?? '', /snapshot key of this repository is in this keychain/);
    assert.match((await plan.getByRole('row', { name: new RegExp(shared) }).textContent()) ?? '', /update delegation targets\/alice/);
    await world.shot('delegate-3-dry-run');
    await page.getByRole('button', { name: 'Publish to 2 repositories' }).click();
    const text = await summaryText(page);
    await world.shot('delegate-4-summary');
    assert.match(text, /2 of 2 repositories published/);
    assert.match(text, /alice can now sign with their own key/);

    for (const gun of [shared, local]) {
      const signers = (await world.dockerInspect(gun)).entries?.[0]?.Signers;
      assert.deepEqual(signers, [{ Name: 'alice', Keys: [{ ID: aliceKey.keyId }] }], `docker trust inspect ${gun}`);
    }
    const delegations = await world.notaryClient().delegationList(shared);
    assert.deepEqual(
      delegations.map(({ role, keyIds, paths }) => ({ role, keyIds, paths })).sort((a, b) => a.role.localeCompare(b.role)),
      [
        { role: 'targets/alice', keyIds: [aliceKey.keyId], paths: [''] },
        { role: 'targets/releases', keyIds: [aliceKey.keyId], paths: [''] },
      ],
    );
  });

  it('lets the collaborator sign with docker trust afterwards', async () => {
    const roles = await alice.signLikeDocker(shared, 'v1', 1234, 'ab'.repeat(32));
    assert.deepEqual([...roles].sort(), ['targets/alice', 'targets/releases']);
    const inspected = (await world.dockerInspect(shared)).entries?.[0];
    assert.deepEqual(inspected?.SignedTags, [{ SignedTag: 'v1', Digest: 'ab'.repeat(32), Signers: ['alice'] }]);
  });

  it("replaces the signer's key: new key added, roles re-signed with it, old key removed", async () => {
    const { page } = world;
    await page.getByRole('tab', { name: "Replace a signer's key" }).click();
    await chooseRepository(page, shared);
    await page.getByLabel('Signer', { exact: true }).selectOption('alice');
    await page.getByRole('group', { name: 'Key to replace' }).getByRole('radio').check();
    await world.shot('delegate-replace-1-signer');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Make a new key in this keychain').check();
    await world.shot('delegate-replace-2-new-key');
    await page.getByRole('button', { name: 'Replace the key' }).click();
    const text = await summaryText(page);
    await world.shot('delegate-replace-3-summary');
    const match = /now use key ([0-9a-f]{12}) instead of ([0-9a-f]{12})/.exec(text);
    assert.ok(match, text);
    assert.equal(match[2], aliceKey.keyId.slice(0, 12));
    const keys = await world.call('keys.list', {});
    newKeyId = keys.find((k) => k.id.startsWith(match[1]!))!.id;

    const inspected = (await world.dockerInspect(shared)).entries?.[0];
    assert.deepEqual(inspected?.Signers, [{ Name: 'alice', Keys: [{ ID: newKeyId }] }]);
    assert.deepEqual(inspected?.SignedTags, [{ SignedTag: 'v1', Digest: 'ab'.repeat(32), Signers: ['alice'] }], 'v1 stays trusted: its roles were signed again with the new key');
    assert.deepEqual((await world.notaryList(shared)).map((t) => [t.name, t.digest]), [['v1', 'ab'.repeat(32)]], 'notary verifies the re-signed roles too');
  });

  it('removes the signer only after confirming it is the last releases signer', async () => {
    const { page } = world;
    await page.getByRole('tab', { name: 'Remove a signer' }).click();
    await chooseRepository(page, shared);
    await page.getByLabel('Signer', { exact: true }).selectOption('alice');
    await world.shot('delegate-remove-0-signer');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('The last releases signer.').waitFor();
    const remove = page.getByRole('button', { name: 'Remove alice' });
    assert.equal(await remove.isDisabled(), true, 'the removal waits for the confirmation');
    await world.shot('delegate-remove-1-confirm');
    await page.getByLabel('I understand: remove alice anyway.').check();
    await remove.click();
    assert.match(await summaryText(page), /remove delegation targets\/alice/);
    await world.shot('delegate-remove-2-summary');
    const inspected = (await world.dockerInspect(shared)).entries?.[0];
    assert.deepEqual(inspected?.Signers, []);
    assert.deepEqual(inspected?.SignedTags, []);
    assert.ok(!(await world.call('keys.list', {})).some((k) => k.id === newKeyId && k.usage.length > 0), 'no repository uses the replaced key any more');
  });
});
