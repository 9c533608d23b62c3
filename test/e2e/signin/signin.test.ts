// The app's screens against a deployment that needs a sign-in, built like Harbor's on loopback: a token
// issuer (test code in Harbor's core's place), the real notary-server and docker-registry with token
// auth, and a registry behind htpasswd. alice may push to team/, bob may only pull, nobody else may
// read. Everything under test is typed into the page; what the app says is checked against `notary
// list` and `docker trust inspect`, and no password or token may end up on disk or in the renderer.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ChannelName, RequestOf, ResponseOf } from '../../../shared/contract';
import { keychainSecretStore } from '../../../electron/core/keys';
import { SERVER_KEYCHAIN_SERVICE } from '../../../electron/ipc/wire-services';
import {
  DEFAULT_NOTARY_PASSPHRASES,
  dockerLogin,
  dockerTrust,
  makeTempDir,
  notaryCli,
  secretTraces,
  startTokenStack,
  trustCaIn,
  type DockerTrust,
  type GuardedRegistry,
  type NotaryCli,
  type NotaryServer,
  type PushedImage,
  type TestCa,
  type TokenIssuer,
  type TokenStack,
} from '../../stack';
import { keychainSkip, startApp, type RunningApp } from '../support/app';
import { chooserOf, importEveryKey } from '../support/import-keys';
import { addServer, openScreen, watchRepository } from '../support/flows';
import { screenshotsAtBothSizes } from '../support/layout';
import { fillRegistryForm, openReviewScreen, runAudit, saveRegistryForm, shownTags } from '../audit/support/dashboard';
import { openJob, summaryText } from '../flows/support/world';

const USERS = {
  alice: { password: 'alice-e2e-push-password', rights: { 'team/': ['push', 'pull', '*'] }, catalog: true },
  bob: { password: 'bob-e2e-pull-password', rights: { 'team/': ['pull'] } },
} as const;
const HTPASSWD = { carol: 'carol-e2e-htpasswd-password' };
const WRONG_PASSWORD = 'alice-mistyped-password';
const HARBOR = 'Harbor notary';
const ANONYMOUS = 'Harbor notary, no sign-in';

describe('the app against servers that need a sign-in (token auth, as Harbor)', { skip: keychainSkip() }, () => {
  let stack: TokenStack;
  let ca: TestCa;
  let issuer: TokenIssuer;
  let registry: GuardedRegistry;
  let basicRegistry: GuardedRegistry;
  let notary: NotaryServer;
  let admin: NotaryCli;
  let docker: DockerTrust;
  let app: RunningApp;
  let page: Page;
  let gun: string;
  let v1: PushedImage;
  let v2: PushedImage;
  let v3: PushedImage;
  const aliceAuth = Buffer.from(`alice:${USERS.alice.password}`).toString('base64');
  /** The issuer's request count when the right password was saved. */
  let fixedAt = 0;

  const call = async <C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const result = await app.host.router.dispatch(channel, { request }, { session: 'test-setup', emitProgress: () => undefined });
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as ResponseOf<C>;
  };
  const card = (name: string) => page.getByRole('article', { name, exact: true });
  const rowOf = (name: string, server: string) =>
    page.getByRole('table', { name: 'Watched repositories' }).getByRole('row').filter({ has: page.getByRole('button', { name, exact: true }) }).filter({ hasText: server });
  /** `notary list` from a fresh trust dir, signed in as alice (NOTARY_AUTH, as notary reads it). */
  const notaryList = async (): Promise<string[]> => {
    const reader = notaryCli({ server: notary.url, caFile: ca.caCertFile });
    try {
      const listed = await reader.runOk(['list', gun], { env: { NOTARY_AUTH: aliceAuth } });
      return listed.stdout.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((name) => /^v\d$/.test(name));
    } finally {
      await reader.dispose();
    }
  };
  const dockerSignedTags = async (): Promise<string[]> => (await docker.inspect(gun)).entries?.[0]?.SignedTags.map((tag) => tag.SignedTag) ?? [];

  async function savePassword(name: string, username: string, password: string): Promise<void> {
    await openScreen(page, 'Servers');
    await card(name).getByLabel(`Password of ${username}`).fill(password);
    await card(name).getByRole('button', { name: 'Save in keychain' }).click();
    await card(name).getByText('Saved in the system keychain.').waitFor();
  }

  /** The report of the check a saved password starts by itself (or, with `click`, one the user asks for). */
  async function checkSaved(name: string, options: { click?: boolean } = {}): Promise<string> {
    await openScreen(page, 'Servers');
    if (options.click === true) await card(name).getByRole('button', { name: 'Check connection' }).click();
    const report = card(name).getByTestId('connection-report');
    await report.waitFor();
    await card(name).getByTestId('check-progress').waitFor({ state: 'detached' });
    return (await report.textContent()) ?? '';
  }

  /** The repository as watched on the Harbor server (it is watched anonymously too). */
  async function chooseOnHarbor(): Promise<void> {
    const label = page.getByRole('group', { name: /^Repositor/ }).locator('label').filter({ hasText: gun }).filter({ hasText: new RegExp(`${HARBOR}$`) });
    await label.locator('input').check();
  }

  async function signByDigest(tag: string, image: PushedImage): Promise<string> {
    await openJob(page, 'Sign');
    const another = page.getByRole('button', { name: 'Sign another tag' });
    if (await another.isVisible()) await another.click();
    await chooseOnHarbor();
    await page.getByLabel('Tag', { exact: true }).fill(tag);
    await page.getByLabel('I have the digest').check();
    await page.getByLabel('Digest', { exact: true }).fill(image.digest);
    await page.getByLabel('Size in bytes').fill(String(image.size));
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: `Sign ${tag}` }).click();
    return summaryText(page);
  }

  before(async () => {
    stack = await startTokenStack({ dir: makeTempDir('e2e-signin'), users: USERS, htpasswd: HTPASSWD });
    ({ ca, issuer, registry, basicRegistry, notary } = stack);
    v1 = await stack.storage.pushImage('team/app', 'v1', { seed: 'e2e-signin-v1' });
    v2 = await stack.storage.pushImage('team/app', 'v2', { seed: 'e2e-signin-v2' });
    v3 = await stack.storage.pushImage('team/app', 'v3', { seed: 'e2e-signin-v3' });
    gun = `${registry.host}/team/app`;
    // The repository's owner made it with notary (signed in with NOTARY_AUTH) and signed v1; the app
    // gets the owner's keys, as a team member would import them.
    admin = notaryCli({ server: notary.url, caFile: ca.caCertFile });
    await admin.runOk(['init', gun, '-p'], { env: { NOTARY_AUTH: aliceAuth } });
    await admin.runOk(['addhash', gun, 'v1', String(v1.size), '--sha256', v1.sha256, '-p'], { env: { NOTARY_AUTH: aliceAuth } });
    // docker trust inspect as alice after `docker login` to the registry (docker signs in to notary so).
    docker = await dockerTrust({ server: notary.url, caFile: ca.caCertFile });
    await trustCaIn(docker.configDir, [registry.host], ca.caCertFile);
    await dockerLogin(docker, registry.host, 'alice', USERS.alice.password, ca.caCertFile);

    // No docker login on the app's side: every sign-in the app uses is typed into it.
    app = await startApp({ settingsFile: true });
    page = app.page;
    const imported = await importEveryKey(call, chooserOf(call, () => app.host.chooser.answer(admin.trustDir)), Object.values(DEFAULT_NOTARY_PASSPHRASES));
    assert.ok(imported.length >= 2, JSON.stringify(imported));
  });

  after(async () => {
    await app?.close();
    await admin?.dispose();
    await docker?.dispose();
    await stack?.stop();
  });

  it('adds a server that needs a sign-in: a wrong password is refused by name, the server stays, the right one signs in as alice with her rights', async () => {
    await addServer(page, { name: HARBOR, url: notary.url, caFile: ca.caCertFile, username: 'alice' });
    await savePassword(HARBOR, 'alice', WRONG_PASSWORD);
    const refused = await checkSaved(HARBOR);
    const issuerHost = new URL(issuer.realm).host;
    assert.match(refused, new RegExp(`sign-in refused for alice at ${issuerHost.replace(/\./g, '\\.')}`));
    assert.match(refused, /Sign-in refused for alice: check the password saved for this server/);
    assert.doesNotMatch(refused, /unreachable|tamper|not signed|unsigned/i);
    await screenshotsAtBothSizes(app, 'signin-1-wrong-password', { fullPage: true });

    // The repository reads as "sign-in refused" (amber), never as unsigned, unreachable or tampered.
    await watchRepository(page, gun, HARBOR);
    const row = rowOf(gun, HARBOR);
    await row.locator('[data-trust="sign-in"]').waitFor();
    assert.match((await row.textContent()) ?? '', /Sign-in refused/);
    await screenshotsAtBothSizes(app, 'signin-2-list-refused');
    // The repository's screen names who was refused, and by which service.
    await row.getByRole('button', { name: gun, exact: true }).click();
    const explained = (await page.getByTestId('verification').textContent()) ?? '';
    assert.match(explained, /Sign-in refused/);
    assert.match(explained, /sign-in refused for alice at /);
    assert.match(explained, /could not be read/);
    assert.doesNotMatch(explained, /Not signed|tamper|unreachable/i);
    await screenshotsAtBothSizes(app, 'signin-2b-repository-refused', { fullPage: true });

    // Nothing was lost: the same saved server takes the right password.
    fixedAt = issuer.requests().length;
    await savePassword(HARBOR, 'alice', USERS.alice.password);
    const signedIn = await checkSaved(HARBOR);
    assert.match(signedIn, /Connected and signed in as alice/);
    // The password went to main and from there to the OS keychain (gnome-keyring), filed under the server.
    const harbor = (await call('settings.get', {})).servers.find((server) => server.name === HARBOR)!;
    assert.equal(await keychainSecretStore(SERVER_KEYCHAIN_SERVICE).get(harbor.id), USERS.alice.password);
    assert.match(signedIn, new RegExp(`Signed in as alice, who may pull and push ${gun.replace(/[.]/g, '\\.')}`));
    await screenshotsAtBothSizes(app, 'signin-3-signed-in', { fullPage: true });
  });

  it('re-reads the repository watched under the wrong password as soon as the right one is saved: verified, without Refresh all', async () => {
    await openScreen(page, 'Repositories');
    // Nobody presses Refresh all: saving the password re-read the repositories watched on the server.
    const row = rowOf(gun, HARBOR);
    await row.locator('[data-trust="verified"]').waitFor();
    assert.doesNotMatch((await row.textContent()) ?? '', /Sign-in refused/);
    // What the row says came from that read, as alice, of this repository.
    const reread = issuer.requests().slice(fixedAt);
    assert.ok(reread.some((request) => request.account === 'alice' && request.status === 200 && request.scopes.includes(`repository:${gun}:pull`)), JSON.stringify(reread));
    await screenshotsAtBothSizes(app, 'signin-3b-rechecked');
  });

  it('shows the repository verified under sign-in, with its signed tags (one token per repository and scope)', async () => {
    const before = fixedAt;
    await rowOf(gun, HARBOR).getByRole('button', { name: gun, exact: true }).click();
    const tags = page.getByRole('table', { name: 'Signed tags' });
    await tags.waitFor();
    assert.match((await tags.textContent()) ?? '', new RegExp(`v1[\\s\\S]*${v1.sha256.slice(0, 12)}`));
    await screenshotsAtBothSizes(app, 'signin-4-repository-verified', { fullPage: true });
    const asked = issuer.requests().slice(before);
    assert.ok(asked.every((request) => request.account === 'alice' && request.status === 200), JSON.stringify(asked));
    assert.ok(asked.some((request) => request.scopes.includes(`repository:${gun}:pull`)));
  });

  it('without a sign-in the repository reads "Sign-in needed", not "Not signed"', async () => {
    await addServer(page, { name: ANONYMOUS, url: notary.url, caFile: ca.caCertFile });
    // The token service gives anonymous users a token, as Harbor does: the check passes, not signed in.
    const report = await checkSaved(ANONYMOUS, { click: true });
    assert.match(report, /Connected, not signed in \(anonymous\)/);
    assert.match(report, /Not signed in \(anonymous\)\. Rights are per repository/);
    // The same repository on a second server: watched as watchRepository does, waiting for this row.
    await openScreen(page, 'Repositories');
    const watch = page.getByRole('form', { name: 'Watch a repository' });
    await watch.getByLabel('Repository name').fill(gun);
    await watch.getByLabel('Notary server').selectOption({ label: ANONYMOUS });
    await watch.getByRole('button', { name: 'Watch' }).click();
    const row = rowOf(gun, ANONYMOUS);
    await row.locator('[data-trust="sign-in"]').waitFor();
    const text = (await row.textContent()) ?? '';
    assert.match(text, /Sign-in needed/);
    assert.doesNotMatch(text, /Not signed/);
    await screenshotsAtBothSizes(app, 'signin-5-sign-in-needed');
    // The check says why: anonymous users may not read it.
    const rights = await checkSaved(ANONYMOUS, { click: true });
    assert.match(rights, new RegExp(`Not signed in \\(anonymous\\), who may neither pull nor push ${gun.replace(/[.]/g, '\\.')}`));
  });

  it('signs and revokes as alice; the summary is what the server has, and notary and docker trust see it', async () => {
    const signed = await signByDigest('v2', v2);
    assert.match(signed, /1 of 1 repository published/);
    assert.match(signed, /Published \(read back from the server\)/);
    await screenshotsAtBothSizes(app, 'signin-6-signed', { fullPage: true });

    await openJob(page, 'Revoke');
    await chooseOnHarbor();
    await page.getByLabel('Search: Tag to revoke').fill('v1');
    await page.getByRole('listbox', { name: 'Tag to revoke' }).getByRole('option', { name: /^v1 / }).click();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Revoke v1' }).click();
    const revoked = await summaryText(page);
    assert.match(revoked, /revoke v1 from targets/);
    assert.match(revoked, /1 of 1 repository published/);
    await screenshotsAtBothSizes(app, 'signin-7-revoked', { fullPage: true });

    assert.deepEqual(await notaryList(), ['v2']);
    assert.deepEqual(await dockerSignedTags(), ['v2']);
  });

  it('as bob (pull only), a signature is refused in plain words and the summary says nothing was published', async () => {
    await openScreen(page, 'Servers');
    await card(HARBOR).getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: `Edit ${HARBOR}` });
    await form.getByLabel('User name (optional)').fill('bob');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await savePassword(HARBOR, 'bob', USERS.bob.password);
    const report = await checkSaved(HARBOR);
    assert.match(report, new RegExp(`Signed in as bob, who may pull but not push ${gun.replace(/[.]/g, '\\.')}`));
    await screenshotsAtBothSizes(app, 'signin-8-bob-rights', { fullPage: true });

    const text = await signByDigest('v3', v3);
    assert.match(text, /0 of 1 repository published/);
    assert.match(text, /Not published/);
    assert.match(text, /signed in as bob, who may pull but not push/);
    assert.match(text, /access-denied|may not do that/);
    await screenshotsAtBothSizes(app, 'signin-9-bob-refused', { fullPage: true });
    assert.deepEqual(await notaryList(), ['v2'], 'nothing was published');
    assert.deepEqual(await dockerSignedTags(), ['v2']);
    const settings = await call('settings.get', {});
    const harbor = settings.servers.find((server) => server.name === HARBOR)!;
    await call('publish.discard', { gun, serverId: harbor.id });
  });

  it('audits a registry behind sign-in, and a registry with no notary server behind it reads "trust data unreadable", never unsigned', async () => {
    await openReviewScreen(page, 'Audit');
    await fillRegistryForm(page, { name: 'Harbor registry', url: registry.url, caFile: ca.caCertFile, serverName: HARBOR, username: 'alice' });
    await saveRegistryForm(page, 'Harbor registry');
    const harborCard = card('Harbor registry');
    await harborCard.getByLabel('Password of alice').fill(USERS.alice.password);
    await harborCard.getByRole('button', { name: 'Save in keychain' }).click();
    await harborCard.getByText('Saved in the system keychain.').waitFor();
    // The audit reads trust data as alice again (bob was only a visit).
    await openScreen(page, 'Servers');
    await card(HARBOR).getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('form', { name: `Edit ${HARBOR}` }).getByLabel('User name (optional)').fill('alice');
    await page.getByRole('form', { name: `Edit ${HARBOR}` }).getByRole('button', { name: 'Save changes' }).click();
    await savePassword(HARBOR, 'alice', USERS.alice.password);
    await openReviewScreen(page, 'Audit');
    await runAudit(page);
    const tags = Object.fromEntries((await shownTags(page)).map((tag) => [`${tag.repository}:${tag.tag}`, tag.status]));
    assert.deepEqual(tags, { 'team/app:v1': 'Unsigned', 'team/app:v2': 'Signed', 'team/app:v3': 'Unsigned' });
    await screenshotsAtBothSizes(app, 'signin-10-audit', { fullPage: true });

    // Someone points the "notary server" at the registry itself: its answers are not a notary's.
    await addServer(page, { name: 'Registry, no notary', url: basicRegistry.url, caFile: ca.caCertFile, username: 'carol' });
    await savePassword('Registry, no notary', 'carol', HTPASSWD.carol);
    await openReviewScreen(page, 'Audit');
    await page.getByRole('button', { name: 'Manage registries' }).click();
    await page.getByRole('button', { name: 'Add registry' }).click();
    await fillRegistryForm(page, { name: 'Plain registry', url: basicRegistry.url, caFile: ca.caCertFile, serverName: 'Registry, no notary', username: 'carol' });
    await saveRegistryForm(page, 'Plain registry');
    const plain = card('Plain registry');
    await plain.getByLabel('Password of carol').fill(HTPASSWD.carol);
    await plain.getByRole('button', { name: 'Save in keychain' }).click();
    await plain.getByText('Saved in the system keychain.').waitFor();
    await openReviewScreen(page, 'Audit');
    // The scope's first choice is the registry (its label is the select's only name).
    await page.getByLabel('What to audit').locator('select').first().selectOption({ label: `Plain registry (${basicRegistry.host})` });
    await runAudit(page);
    const plainTags = await shownTags(page);
    assert.deepEqual(plainTags.map((tag) => tag.status), ['Trust data unreadable', 'Trust data unreadable', 'Trust data unreadable']);
    const reportText = (await page.getByTestId('audit-report').textContent()) ?? '';
    assert.match(reportText, /no notary server/);
    assert.doesNotMatch(reportText, /\bUnsigned\b/);
    await screenshotsAtBothSizes(app, 'signin-11-audit-no-notary', { fullPage: true });
  });

  it('keeps every password and token out of the home, the settings file and everything the renderer received', async () => {
    const secrets = secretTraces(USERS, HTPASSWD, [WRONG_PASSWORD]);
    assert.ok(issuer.requests().length > 0);
    const files: { path: string; text: string }[] = [];
    for (const entry of await readdir(app.dir, { recursive: true })) {
      const path = join(app.dir, entry);
      if ((await stat(path)).isFile()) files.push({ path, text: await readFile(path, 'latin1') });
    }
    assert.ok(files.some((file) => file.path.endsWith(join('home', 'settings.json'))), 'the settings file exists');
    const page = await app.page.evaluate(() => document.documentElement.outerHTML + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    const renderer = [...app.host.transcript.map(({ channel, body }) => ({ path: `IPC answer ${channel}`, text: body })), { path: 'the page', text: page }];
    assert.ok(app.host.transcript.length > 20);
    for (const { path, text } of [...files, ...renderer]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${path} holds a secret`);
    }
  });
});
