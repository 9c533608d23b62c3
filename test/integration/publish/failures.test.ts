// Publishing when things go wrong, on the real notary-server behind a man in the middle: someone else
// publishes first (400 VERSION: re-fetch, re-apply, retry), the server fails or the answer is lost
// mid-publish, the server refuses the update, the key is missing or wrong, the process is killed.
// Nothing staged is ever lost, nothing half-signed reaches the server, and a retry succeeds.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { postPath, signArgs, useProxiedWorld } from './support/proxied';
import { assertClientsAgree, fakeDigest, publishedJson } from './support/world';

const proxied = useProxiedWorld();
const { viaProxy } = proxied;
const stagedNames = (home: string, gun: string) => proxied.stagedNames(home, gun);

/**
 * Holds the nth request to `path` (counting from now) for `ms`. The proxy decides whether to hold a
 * request only after reading its body, so a hook removed once the request was merely seen could miss it.
 */
function holdNth(path: string, nth: number, ms: number): void {
  let seen = 0;
  proxied.mitm.delay((candidate) => candidate === path && ++seen === nth, ms);
}

async function untilRequested(path: string, count = 1): Promise<void> {
  for (let i = 0; i < 400 && proxied.mitm.requestCount(path) < count; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(proxied.mitm.requestCount(path) >= count, `the proxy saw ${count} request(s) to ${path}`);
}

async function servedTargetsVersion(gun: string): Promise<number> {
  return ((await proxied.world.server.roleJson(gun, 'targets')) as { signed: { version: number } }).signed.version;
}

/** A repository made through the proxy, with one tag, and its keys loaded into a second client (notary). */
async function sharedRepository(label: string, initArgs: string[] = []) {
  const home = proxied.world.newHome();
  const gun = proxied.world.newGun(label);
  await proxied.world.csOk(home, ['init', gun, ...initArgs], viaProxy);
  await proxied.world.csOk(home, signArgs(`${gun}:v1`, `${label}-v1`), viaProxy);
  const keys = (JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).filter((key) => key.gun === gun && key.role !== 'root');
  const keyFile = join(proxied.world.work, `${label}-keys.pem`);
  await proxied.world.csOk(home, ['key', 'export', ...keys.map((key) => key.id), '--out', keyFile]);
  const other = proxied.world.notary();
  await other.keyImport(keyFile);
  return { home, gun, other, keys };
}

describe('someone else publishes first', () => {
  it('re-fetches, re-applies and retries on 400 VERSION, and both changes are in the repository', async () => {
    const { home, gun, other } = await sharedRepository('conflict');
    holdNth(postPath(gun), 1, 3000); // our first upload waits; the retry goes straight through
    const ours = proxied.world.cs(home, [...signArgs(`${gun}:ours`, 'ours'), '--json'], viaProxy);
    await untilRequested(postPath(gun));
    const theirs = fakeDigest('theirs');
    await other.addHash(gun, 'theirs', theirs.size, theirs.hex);

    const result = await ours;
    assert.equal(result.code, 0, result.stderr);
    const published = publishedJson(result.stdout);
    assert.equal(published.attempts, 2);
    assert.deepEqual((await assertClientsAgree(proxied.world, home, published.view)).map((row) => row.name), ['ours', 'theirs', 'v1']);
  });

  it('gives up with publish-conflict after the last attempt, keeping the change staged', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('always-conflict');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const version = await servedTargetsVersion(gun);
    const removeCanned = proxied.mitm.respondWith(postPath(gun), {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"errors":[{"code":"VERSION","message":"A newer version of metadata is already available.","detail":null}]}',
    });
    const before = proxied.mitm.requestCount(postPath(gun));
    const result = await proxied.world.cs(home, signArgs(`${gun}:v1`, 'never'), viaProxy);
    removeCanned();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /publish-conflict: the repository changed on the server meanwhile/);
    assert.equal(proxied.mitm.requestCount(postPath(gun)) - before, 5);
    assert.deepEqual(await stagedNames(home, gun), ['v1']);
    assert.equal(await servedTargetsVersion(gun), version);
  });

  it('reports the server’s refusal (INVALID_UPDATE) when the role it signs was removed meanwhile, keeping the change staged', async () => {
    const { home, gun, other } = await sharedRepository('removed-role', ['--server-managed-snapshot']);
    await proxied.world.csOk(home, ['key', 'generate', 'releaser', '--dir', proxied.world.work]);
    await other.delegationAdd(gun, 'targets/releases', [join(proxied.world.work, 'releaser.pub')], { allPaths: true });
    holdNth(postPath(gun), 1, 3000);
    const ours = proxied.world.cs(home, signArgs(`${gun}:v2`, 'v2'), viaProxy);
    await untilRequested(postPath(gun));
    await other.delegationRemove(gun, 'targets/releases');
    const result = await ours;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /publish-rejected: the server refused the update \(INVALID_UPDATE/);
    assert.deepEqual(await stagedNames(home, gun), ['v2']);
  });
});

describe('the server fails mid-publish', () => {
  it('keeps the change staged after a server error, and publish succeeds once the server is back', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('server-error');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const removeCanned = proxied.mitm.respondWith(postPath(gun), { status: 500, body: 'storage on fire' });
    const failed = await proxied.world.cs(home, signArgs(`${gun}:v1`, 'v1'), viaProxy);
    removeCanned();
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /http-status: publish: the server answered 500: storage on fire/);
    assert.deepEqual(await stagedNames(home, gun), ['v1']);
    assert.deepEqual(await proxied.world.notary().list(gun), []);

    const published = publishedJson(await proxied.world.csOk(home, ['publish', gun, '--json'], viaProxy));
    assert.equal(published.published, true);
    assert.deepEqual((await assertClientsAgree(proxied.world, home, published.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });

  // A lost answer after the server accepted: honest-outcomes.test.ts (the command reads the server back).
});

describe('keys', () => {
  it('refuses to sign without the repository’s targets key, or with another targets key, staging and publishing nothing', async () => {
    const owner = proxied.world.newHome();
    const gun = proxied.world.newGun('no-key');
    await proxied.world.csOk(owner, ['init', gun], viaProxy);
    const version = await servedTargetsVersion(gun);

    const stranger = proxied.world.newHome();
    const missing = await proxied.world.cs(stranger, signArgs(`${gun}:v1`, 'v1'), viaProxy);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /key-not-found \[targets\]: the vault holds no key of targets/);

    await proxied.world.csOk(stranger, ['key', 'generate', 'targets', '--gun', gun, '--dir', join(proxied.world.work)]);
    const wrong = await proxied.world.cs(stranger, signArgs(`${gun}:v1`, 'v1'), viaProxy);
    assert.match(wrong.stderr, /key-not-found \[targets\]/);
    assert.deepEqual(await stagedNames(stranger, gun), []);
    assert.equal(await servedTargetsVersion(gun), version);
  });

  it('fails the publish with key-not-found when a staged change’s key left the vault, uploading nothing and keeping the change', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('key-gone');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    await proxied.world.csOk(home, [...signArgs(`${gun}:v1`, 'v1'), '--stage'], viaProxy);
    const targetsKey = (JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).find((key) => key.gun === gun && key.role === 'targets')!;
    await proxied.world.csOk(home, ['key', 'remove', targetsKey.id, '--yes']);
    const before = proxied.mitm.requestCount(postPath(gun));

    const failed = await proxied.world.cs(home, ['publish', gun], viaProxy);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /key-not-found \[targets\]: signing targets needs 1 of its keys/);
    assert.equal(proxied.mitm.requestCount(postPath(gun)), before, 'nothing was uploaded');
    assert.deepEqual(await stagedNames(home, gun), ['v1']);
  });
});

describe('a killed process', () => {
  const spawnCli = (home: string, argv: string[]) => proxied.spawnCli(home, argv);

  async function killWhenRequested(child: ReturnType<typeof spawnCli>, path: string, count: number): Promise<void> {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await untilRequested(path, count);
    child.kill('SIGKILL');
    await exited;
  }

  it('loses nothing when killed with its upload on the way or before the upload reached the server, and publish completes the work', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('killed');
    await proxied.world.csOk(home, ['init', gun], viaProxy);

    // Killed while the upload is on its way: the server receives it after the process died.
    holdNth(postPath(gun), 1, 1500);
    const posts = proxied.mitm.requestCount(postPath(gun));
    const forwarded = proxied.mitm.history(postPath(gun)).length;
    await killWhenRequested(spawnCli(home, signArgs(`${gun}:uploaded`, 'uploaded')), postPath(gun), posts + 1);
    assert.deepEqual(await stagedNames(home, gun), ['uploaded'], 'the staged change outlives the process');
    for (let i = 0; i < 200 && proxied.mitm.history(postPath(gun)).length === forwarded; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(proxied.mitm.history(postPath(gun)).length, forwarded + 1, 'the server received the upload after the process died');

    // Killed after staging, before its upload reached the server (the proxy holds it, then drops it).
    holdNth(postPath(gun), 1, 1500);
    const removeRefusal = proxied.mitm.respondWith(postPath(gun), { status: 503, body: 'never forwarded' });
    await killWhenRequested(spawnCli(home, [...signArgs(`${gun}:staged`, 'staged'), '--leave-staged']), postPath(gun), proxied.mitm.requestCount(postPath(gun)) + 1);
    await new Promise((resolve) => setTimeout(resolve, 1600)); // the held upload is over, and was not forwarded
    removeRefusal();
    assert.deepEqual((await proxied.world.notary().list(gun)).map((row) => row.name), ['uploaded']);
    assert.deepEqual((await stagedNames(home, gun)).sort(), ['staged', 'uploaded']);

    const published = publishedJson(await proxied.world.csOk(home, ['publish', gun, '--json'], viaProxy));
    assert.deepEqual((await assertClientsAgree(proxied.world, home, published.view)).map((row) => row.name), ['staged', 'uploaded']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });
});
