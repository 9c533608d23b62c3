// A compromised signer key purged from every delegation of the chosen repositories. The repository
// was made with the real docker CLI (docker trust signer add: alice and bob; alice signed v1, then
// bob signed v2, so targets/releases carries bob's signature only). Removing bob's key leaves
// releases unverifiable (the keychain holds no key of alice): the app shows that v1 and v2 lose their
// trust first, and signs them again into targets in the same publish. docker trust inspect and notary
// check the result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DOCKER_PASSPHRASES, dockerSigners, notaryTargetsOnly, type DockerSignersFixture, type NotaryRepoFixture } from '../../stack';
import { keychainSkip } from '../support/app';
import { screenshotsAtBothSizes } from '../support/layout';
import { chooseOnly, openJob, startFlowWorld, summaryText, type FlowWorld } from './support/world';

describe('revoking a compromised key across repositories', { skip: keychainSkip() }, () => {
  let world: FlowWorld;
  let signed: DockerSignersFixture;
  let other: NotaryRepoFixture;

  before(async () => {
    world = await startFlowWorld();
    signed = await dockerSigners({ notary: world.notary }, { signs: { alice: ['v1'], bob: ['v2'] } });
    other = await notaryTargetsOnly({ notary: world.notary }, { tags: ['v1'] });
    await world.importKeys(signed.admin.trustDir, Object.values(DEFAULT_DOCKER_PASSPHRASES));
    await world.importKeys(other.admin.trustDir, Object.values(other.admin.passphrases));
    await world.watch(signed.gun, other.gun);
  });

  after(async () => {
    await signed?.dispose();
    await other?.dispose();
    await world?.dispose();
  });

  it('shows which tags lose their signatures, then removes the key and signs them again', async () => {
    const { page } = world;
    const bob = signed.signers['bob']!;
    await openJob(page, 'Revoke');
    await page.getByRole('tab', { name: 'A compromised key' }).click();
    await chooseOnly(page, [signed.gun, other.gun]);
    // The 12 characters every screen shows are enough: the app resolves them against the signers' keys.
    await page.getByLabel('Compromised key ID').fill(bob.keyId.slice(0, 12));
    assert.match((await page.getByTestId('key-id-resolved').textContent()) ?? '', new RegExp(`${bob.keyId}.*signer bob`));
    await world.shot('revoke-key-1-choose');
    await page.getByRole('button', { name: 'Show what changes' }).click();
    const changes = page.getByRole('region', { name: 'What changes' });
    await changes.waitFor({ timeout: 30_000 });
    const repository = changes.getByRole('article', { name: signed.gun });
    const text = (await repository.textContent()) ?? '';
    assert.match(text, /targets\/bob: removed — the key is its only key/);
    assert.match(text, /targets\/releases: the key is removed/);
    assert.match(text, /2 tags lose their valid signatures/);
    assert.equal(await changes.getByRole('article', { name: other.gun }).getByText('no delegation lists this key').count(), 1);
    // Nothing is re-signed unless ticked; ticking says who re-trusts it.
    assert.equal(await repository.getByLabel('Keep v1 trusted').isChecked(), false);
    assert.equal(await repository.getByLabel('Keep v2 trusted').isChecked(), false);
    await repository.getByLabel('Keep v1 trusted').check();
    await repository.getByLabel('Keep v2 trusted').check();
    assert.match((await repository.textContent()) ?? '', /v1.*re-trusted: signed again into targets/);
    assert.equal(await repository.getByLabel(`Role to sign again into for ${signed.gun}`).inputValue(), 'targets');
    await world.shot('revoke-key-2-what-changes');
    await screenshotsAtBothSizes(world.app, 'revoke-key-what-changes', { fullPage: true });
    await page.getByRole('button', { name: 'Remove the key from 1 repository' }).click();
    const summary = await summaryText(page);
    await world.shot('revoke-key-3-summary');
    assert.match(summary, /2 tag\(s\) signed again into targets/);

    const inspected = (await world.dockerInspect(signed.gun)).entries?.[0];
    assert.deepEqual(inspected?.Signers.map((s) => s.Name), ['alice'], 'bob is no signer any more');
    assert.deepEqual(
      inspected?.SignedTags.map((t) => [t.SignedTag, t.Digest]),
      ['v1', 'v2'].map((tag) => [tag, signed.tags[tag]!.sha256]),
      'v1 and v2 stay trusted, signed again with their digests',
    );
    const delegations = await world.notaryClient().delegationList(signed.gun);
    assert.ok(!delegations.some((d) => d.role === 'targets/bob'));
    assert.deepEqual(delegations.find((d) => d.role === 'targets/releases')?.keyIds, [signed.signers['alice']!.keyId]);
    const listed = await world.notaryList(signed.gun);
    assert.deepEqual(listed.map((t) => [t.name, t.digest]).sort(), ['v1', 'v2'].map((tag) => [tag, signed.tags[tag]!.sha256]));
  });
});
