// Signing and revoking in the app on the real stack: a repository made by `notary init`, its keys moved
// into the keychain, images pushed to a real registry. Every result is checked with `notary list`
// (fresh trust dir) and `docker trust inspect` (fresh config).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { NotaryCli, PushedImage } from '../../stack';
import { keychainSkip } from '../support/app';
import { chooseRepository, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

describe('signing and revoking tags in the app', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let admin: NotaryCli;
  let repo: string;
  let gun: string;
  let v1: PushedImage;

  before(async () => {
    world = await startFlowWorld({ registry: true });
    repo = `flows/app-${randomBytes(3).toString('hex')}`;
    gun = `${world.registry!.host}/${repo}`;
    admin = world.notaryClient();
    await admin.init(gun);
    await world.importKeys(admin.trustDir, Object.values(admin.passphrases));
    v1 = await world.registry!.pushImage(repo, 'v1');
    // The registry as the security review configures it: its address and CA come from here.
    await world.call('registries.save', { registry: { name: 'Team registry', url: world.registry!.url, caPem: world.registry!.caPem, serverId: world.serverId } });
    await world.watch(gun);
  });

  after(async () => {
    await world?.dispose();
  });

  it('signs a tag with the digest the registry serves, step by step', async () => {
    const { page } = world;
    await openJob(page, 'Sign');
    await chooseRepository(page, gun);
    await page.getByLabel('Tag', { exact: true }).fill('v1');
    await page.getByText(`The registry configured for ${world.registry!.host}: Team registry`).waitFor();
    await page.getByRole('button', { name: 'Read digest' }).click();
    await page.getByTestId('registry-digest').filter({ hasText: v1.digest }).filter({ hasText: '(Team registry)' }).waitFor();
    await world.shot('sign-1-tag-and-digest');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('sign-review').waitFor();
    await page.getByText('v1 is not signed yet.').waitFor();
    await world.shot('sign-2-review');
    await page.getByRole('button', { name: 'Sign v1' }).click();
    const text = await summaryText(page);
    await world.shot('sign-3-summary');
    assert.match(text, /1 of 1 repository published/);
    assert.match(text, /sign v1 in targets/);
    assert.match(text, /serves sha256:[0-9a-f]{64} for v1: checked right before signing/);

    const listed = await world.notaryList(gun);
    assert.deepEqual(listed.map(({ name, digest, size }) => ({ name, digest, size })), [{ name: 'v1', digest: v1.sha256, size: v1.size }]);
    const inspected = await world.dockerInspect(gun);
    assert.deepEqual(inspected.entries?.[0]?.SignedTags, [{ SignedTag: 'v1', Digest: v1.sha256, Signers: ['Repo Admin'] }]);
  });

  it('refuses to sign when the tag was pushed again after its digest was read (the digest guard)', async () => {
    const { page } = world;
    const first = await world.registry!.pushImage(repo, 'v2');
    await page.getByRole('button', { name: 'Sign another tag' }).click();
    await page.getByLabel('Tag', { exact: true }).fill('v2');
    await page.getByRole('button', { name: 'Read digest' }).click();
    await page.getByTestId('registry-digest').filter({ hasText: first.digest }).waitFor();
    await page.getByRole('button', { name: 'Review' }).click();
    const again = await world.registry!.repushTag(repo, 'v2');
    assert.notEqual(again.digest, first.digest);
    await page.getByRole('button', { name: 'Sign v2' }).click();
    const text = await summaryText(page);
    await world.shot('sign-4-digest-guard');
    assert.match(text, /Not published/);
    assert.match(text, new RegExp(`serves ${again.digest} for \\S+:v2, not ${first.digest}`));
    assert.deepEqual((await world.notaryList(gun)).map((t) => t.name), ['v1'], 'nothing was signed');
  });

  it('signs a tag by a digest the user gives', async () => {
    const { page } = world;
    const v3 = await world.registry!.pushImage(repo, 'v3');
    await page.getByRole('button', { name: 'Sign another tag' }).click();
    await page.getByLabel('Tag', { exact: true }).fill('v3');
    await page.getByLabel('I have the digest').check();
    await page.getByLabel('Digest', { exact: true }).fill(v3.digest);
    await page.getByLabel('Size in bytes').fill(String(v3.size));
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Sign v3' }).click();
    assert.match(await summaryText(page), /sign v3 in targets/);
    const listed = await world.notaryList(gun);
    assert.deepEqual(listed.find((t) => t.name === 'v3'), { name: 'v3', digest: v3.sha256, size: v3.size, role: 'targets' });
  });

  it('revokes one tag after a preview of what changes', async () => {
    const { page } = world;
    await openJob(page, 'Revoke');
    await chooseRepository(page, gun);
    await page.getByLabel('Tag to revoke').selectOption('v1');
    await world.shot('revoke-1-choose');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('revocation-preview');
    await preview.waitFor();
    assert.match((await preview.textContent()) ?? '', /docker trust will no longer show v1 as signed/);
    await world.shot('revoke-2-preview');
    await page.getByRole('button', { name: 'Revoke v1' }).click();
    assert.match(await summaryText(page), /revoke v1 from targets/);
    await world.shot('revoke-3-summary');
    assert.deepEqual((await world.notaryList(gun)).map((t) => t.name), ['v3']);
    assert.deepEqual((await world.dockerInspect(gun)).entries?.[0]?.SignedTags.map((t) => t.SignedTag), ['v3']);
  });

  it('revokes every tag only once the repository name is typed', async () => {
    const { page } = world;
    await page.getByRole('button', { name: 'Revoke another' }).click();
    await page.getByLabel('Tag to revoke').selectOption('*');
    await page.getByRole('button', { name: 'Preview' }).click();
    const revokeAll = page.getByRole('button', { name: 'Revoke every tag' });
    assert.equal(await revokeAll.isDisabled(), true);
    await page.getByLabel('Repository name to confirm').fill(gun);
    await world.shot('revoke-4-all-confirm');
    await revokeAll.click();
    assert.match(await summaryText(page), /revoke v3 from targets/);
    assert.deepEqual(await world.notaryList(gun), []);
  });
});
