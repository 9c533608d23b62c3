// What a write command reports is what the server has: on the real notary-server behind a man in the
// middle, every outcome is checked against `notary list` (fresh trust dir) and `docker trust inspect`.
// - trust pinning holds on the write path too, on a repository this machine never read;
// - a lost answer, a cancel (Ctrl-C) while the upload is under way, a refusal: the command reads the
//   server back and says exactly what is published and what stays staged;
// - a change the server refused is never published by a later command unless the user says so;
// - a refused init leaves no keys behind, refused before or at its upload;
// - a 200 alone is not "published": an upload the server does not serve afterwards is unknown.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { postPath, signArgs, useProxiedWorld } from './support/proxied';
import { assertClientsAgree, publishedJson } from './support/world';

const proxied = useProxiedWorld();
const { viaProxy } = proxied;
const stagedNames = (home: string, gun: string) => proxied.stagedNames(home, gun);
const spawnCli = (home: string, argv: readonly string[]) => proxied.spawnCli(home, argv);

async function notaryNames(gun: string): Promise<string[]> {
  return (await proxied.world.notary().list(gun)).map((row) => row.name).sort();
}

function pin(home: string, pinning: object): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'trust-pinning.json'), JSON.stringify(pinning));
}

/**
 * Runs `argv` in a process of its own while the proxy holds its first upload for `holdMs`, and sends
 * it Ctrl-C once the upload reached the proxy; how it exited, what it printed, and the hold's remover.
 */
async function ctrlCWhileUploadIsHeld(home: string, gun: string, holdMs: number, argv: readonly string[]): Promise<{ code: number; stdout: string; removeDelay: () => void }> {
  let seen = 0;
  const removeDelay = proxied.mitm.delay((path) => path === postPath(gun) && ++seen === 1, holdMs);
  const child = spawnCli(home, argv);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  for (let i = 0; i < 2400 && seen === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(seen, 1, 'the upload reached the proxy');
  child.kill('SIGINT');
  return { code: await exited, stdout, removeDelay };
}

describe('trust pinning on the write path', () => {
  it('with disable_tofu, sign, revoke, signer add and witness refuse a repository never read here, and cache nothing', async () => {
    const owner = proxied.world.newHome();
    const gun = proxied.world.newGun('pinned-write');
    await proxied.world.csOk(owner, ['init', gun]);
    await proxied.world.csOk(owner, signArgs(`${gun}:v1`, 'v1'));

    const pinned = proxied.world.newHome();
    pin(pinned, { disable_tofu: true });
    for (const argv of [signArgs(`${gun}:v2`, 'v2'), ['revoke', `${gun}:v1`], ['witness', gun, 'targets'], ['init', gun]]) {
      const refused = await proxied.world.cs(pinned, argv);
      assert.equal(refused.code, 1, `${argv[0]} must refuse: ${refused.stdout}`);
      assert.match(refused.stderr, /root-pin-mismatch|trust on first use is disabled/i, `${argv[0]} names the pinning check`);
    }
    // Nothing was cached: inspect still refuses instead of trusting what a write command saw.
    const inspect = await proxied.world.cs(pinned, ['inspect', gun]);
    assert.equal(inspect.code, 1);
    assert.match(inspect.stderr, /root-pin-mismatch|trust on first use is disabled/i);
    assert.deepEqual(await notaryNames(gun), ['v1']);
    assert.equal(existsSync(join(pinned, 'staged')), false, 'nothing was staged');
  });

  it('init of a repository that does not exist yet meets the pins before anything is sent: disable_tofu, or a certs pin no new root can match', async () => {
    const pins = { 'new-tofu-off': () => ({ disable_tofu: true }), 'new-certs-pin': (gun: string) => ({ certs: { [gun]: ['0'.repeat(64)] } }) };
    for (const [name, pinningFor] of Object.entries(pins)) {
      const home = proxied.world.newHome();
      const gun = proxied.world.newGun(name);
      pin(home, pinningFor(gun));
      const keysBefore = (JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length;
      const posts = proxied.mitm.requestCount(postPath(gun));
      const refused = await proxied.world.cs(home, ['init', gun], viaProxy);
      assert.equal(refused.code, 1, `${name}: ${refused.stdout}`);
      assert.match(refused.stderr, /root-pin-mismatch/, `${name} names the pinning check`);
      assert.match(refused.stderr, /stopped before anything was sent to the server/);
      assert.equal(proxied.mitm.requestCount(postPath(gun)), posts, `${name}: no upload reached the server`);
      assert.equal((JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length, keysBefore, `${name}: the keys it made are gone`);
      assert.deepEqual(await stagedNames(home, gun), []);
    }
  });

  it('with a certs pin, a write goes through only for the pinned root certificate', async () => {
    const owner = proxied.world.newHome();
    const gun = proxied.world.newGun('certs-pin');
    await proxied.world.csOk(owner, ['init', gun]);
    const rootId = (JSON.parse(await proxied.world.csOk(owner, ['inspect', gun, '--json'])) as { AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[] }[])[0]!.AdministrativeKeys.find(
      (key) => key.Name === 'Root',
    )!.Keys[0]!.ID;
    const exported = join(proxied.world.work, 'certs-pin-keys.pem');
    const keys = (JSON.parse(await proxied.world.csOk(owner, ['key', 'list', '--json'])) as KeyRecord[]).filter((key) => key.gun === gun && key.role !== 'root');
    await proxied.world.csOk(owner, ['key', 'export', ...keys.map((key) => key.id), '--out', exported]);

    const wrong = proxied.world.newHome();
    pin(wrong, { certs: { [gun]: ['0'.repeat(64)] } });
    await proxied.world.csOk(wrong, ['key', 'import', exported]);
    const refused = await proxied.world.cs(wrong, signArgs(`${gun}:v1`, 'cv1'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /root-pin-mismatch/);

    const right = proxied.world.newHome();
    pin(right, { certs: { [gun]: [rootId] } });
    await proxied.world.csOk(right, ['key', 'import', exported]);
    const signed = await proxied.world.cs(right, [...signArgs(`${gun}:v1`, 'cv1'), '--json']);
    assert.equal(signed.code, 0, signed.stdout + signed.stderr);
    const published = publishedJson(signed.stdout);
    assert.equal(published.status, 'published');
    assert.deepEqual((await assertClientsAgree(proxied.world, right, published.view)).map((row) => row.name), ['v1']);
  });
});

describe('trust pinning by CA on the write path', () => {
  it('refuses a repository whose root certificate does not chain to the pinned CA', async () => {
    const owner = proxied.world.newHome();
    const gun = proxied.world.newGun('ca-pin');
    await proxied.world.csOk(owner, ['init', gun]);
    const pinned = proxied.world.newHome();
    // The notary server's TLS CA did not issue the repository's (self-signed) root certificate.
    pin(pinned, { ca: { 'localhost/publish/': proxied.world.server.caFile } });
    const refused = await proxied.world.cs(pinned, signArgs(`${gun}:v1`, 'ca-v1'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /root-pin-mismatch|root-certificate/);
    assert.deepEqual(await notaryNames(gun), []);
  });
});

describe('outcomes read back from the server', () => {
  it('a lost answer after the server accepted is reported as published, and nothing stays staged', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('lost-answer');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const removeRewrite = proxied.mitm.rewrite(postPath(gun), () => {
      throw new Error('the connection dropped after the server answered');
    });
    const result = await proxied.world.cs(home, [...signArgs(`${gun}:v1`, 'lost'), '--json'], viaProxy);
    removeRewrite();
    assert.equal(result.code, 0, result.stderr);
    const outcome = publishedJson(result.stdout);
    assert.equal(outcome.status, 'published');
    assert.deepEqual(outcome.stillStaged, []);
    assert.deepEqual((await assertClientsAgree(proxied.world, home, outcome.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });

  it('a refusal is reported as not published, stays staged, and the next command does not send it silently', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('refused-then');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const removeRefusal = proxied.mitm.respondWith(postPath(gun), { status: 401, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"push denied"}]}' });
    const refused = await proxied.world.cs(home, signArgs(`${gun}:v8`, 'v8'), viaProxy);
    removeRefusal();
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Not published: .*\n[\s\S]*Stays staged[\s\S]*sign v8/);
    assert.deepEqual(await stagedNames(home, gun), ['v8']);

    // Another command on the same machine: refused before anything happens, listing the earlier change.
    const next = await proxied.world.cs(home, signArgs(`${gun}:v7`, 'v7'), viaProxy);
    assert.equal(next.code, 1);
    assert.match(next.stderr, /staged-changes-pending: 1 change\(s\) were staged for .* before this command[\s\S]*sign v8/);
    assert.deepEqual(await notaryNames(gun), []);

    // Leaving it staged publishes exactly what this command made.
    const only = publishedJson(await proxied.world.csOk(home, [...signArgs(`${gun}:v7`, 'v7'), '--leave-staged', '--json'], viaProxy));
    assert.equal(only.status, 'published');
    assert.deepEqual(only.changes.map((change) => /sign (\S+)/.exec(change)?.[1]), ['v7']);
    assert.deepEqual(await notaryNames(gun), ['v7']);
    assert.deepEqual(await stagedNames(home, gun), ['v8']);

    // Including it says so and sends it.
    const both = publishedJson(await proxied.world.csOk(home, [...signArgs(`${gun}:v6`, 'v6'), '--include-staged', '--json'], viaProxy));
    assert.deepEqual(both.changes.map((change) => /sign (\S+)/.exec(change)?.[1]).sort(), ['v6', 'v8']);
    assert.deepEqual((await assertClientsAgree(proxied.world, home, both.view)).map((row) => row.name), ['v6', 'v7', 'v8']);
  });

  // Refused at its upload, or before it: when the server will not give a user without push rights its
  // timestamp key, nothing is sent, and the keys and the staged creation go all the same.
  for (const [name, refusedPath, said] of [
    ['init-refused', (gun: string) => postPath(gun), /the server was asked afterwards and does not have these changes/],
    ['init-key-refused', (gun: string) => `${postPath(gun)}timestamp.key`, /stopped before anything was sent to the server/],
  ] as const) {
    it(`an init the server refuses (${name}) removes the keys it made and stages nothing`, async () => {
      const home = proxied.world.newHome();
      const gun = proxied.world.newGun(name);
      const keysBefore = (JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length;
      const removeRefusal = proxied.mitm.respondWith(refusedPath(gun), { status: 403, body: '{"errors":[{"code":"DENIED"}]}' });
      const refused = await proxied.world.cs(home, ['init', gun], viaProxy);
      removeRefusal();
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, said);
      assert.match(refused.stderr, /the keys made for it were removed from the keychain/);
      assert.equal((JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length, keysBefore);
      assert.deepEqual(await stagedNames(home, gun), []);
    });
  }

  it('an upload answered 200 that the server does not serve (a proxy in between) is unknown, stays staged, and the next publish sends it', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('accepted-not-served');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const removeFakeOk = proxied.mitm.respondWith(postPath(gun), { status: 200, body: '' });
    const claimed = await proxied.world.cs(home, [...signArgs(`${gun}:v1`, 'not-served'), '--json'], viaProxy);
    removeFakeOk();
    assert.equal(claimed.code, 1, 'never "published" on a 200 alone');
    const outcome = JSON.parse(claimed.stdout) as { status: string; error: { code: string } };
    assert.equal(outcome.status, 'unknown');
    assert.equal(outcome.error.code, 'publish-not-served');
    assert.deepEqual(await notaryNames(gun), [], 'notary sees nothing new either');
    assert.deepEqual(await stagedNames(home, gun), ['v1']);

    const settled = publishedJson(await proxied.world.csOk(home, ['publish', gun, '--json'], viaProxy));
    assert.equal(settled.status, 'published');
    assert.deepEqual((await assertClientsAgree(proxied.world, home, settled.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });

  it('Ctrl-C while the upload is under way lets it finish, and reports what the server then has', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('interrupted');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    const { code, stdout, removeDelay } = await ctrlCWhileUploadIsHeld(home, gun, 1500, [...signArgs(`${gun}:v1`, 'ctrl-c'), '--json']);
    removeDelay();
    const outcome = publishedJson(stdout);
    assert.equal(outcome.status, 'published', 'the server took the upload: that is what is reported');
    assert.equal(code, 130, 'a command stopped by Ctrl-C exits 130, as a shell reports it, after saying what the server has');
    assert.deepEqual((await assertClientsAgree(proxied.world, home, outcome.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });
});

describe('an upload the server may still take', () => {
  it('Ctrl-C after the whole upload went out, with no answer by the end of the grace: unknown, kept staged, and the next publish finds it on the server', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('late-commit');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    // The proxy has the whole upload and holds it past the 10 s grace, then hands it to notary-server,
    // as a server that got every byte goes on storing it after the client hung up.
    const { code, stdout, removeDelay } = await ctrlCWhileUploadIsHeld(home, gun, 12_000, [...signArgs(`${gun}:v1`, 'late'), '--json']);
    const outcome = JSON.parse(stdout) as { status: string; error: { message: string } };
    assert.equal(outcome.status, 'unknown', 'not "cancelled": the server may still take it');
    assert.match(outcome.error.message, /the whole upload had gone out before that/);
    assert.equal(code, 130);
    assert.deepEqual(await stagedNames(home, gun), ['v1'], 'kept, so that the next publish settles it');

    for (let i = 0; i < 400 && (await notaryNames(gun)).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    removeDelay();
    assert.deepEqual(await notaryNames(gun), ['v1'], 'the server took it after all');
    const settled = publishedJson(await proxied.world.csOk(home, ['publish', gun, '--json'], viaProxy));
    assert.equal(settled.status, 'unchanged', 'already on the server: nothing sent again');
    assert.deepEqual(await stagedNames(home, gun), []);
  });
});

describe('a rotation killed mid-publish', () => {
  it('is listed by rotate --pending and finished by rotate --resume, as the app resumes it', async () => {
    const home = proxied.world.newHome();
    const gun = proxied.world.newGun('rotation-killed');
    await proxied.world.csOk(home, ['init', gun], viaProxy);
    await proxied.world.csOk(home, signArgs(`${gun}:v1`, 'rk-v1'), viaProxy);
    const oldTargets = (JSON.parse(await proxied.world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).find((key) => key.gun === gun && key.role === 'targets')!;
    // The upload is held, then refused: the process is killed while it waits.
    let seen = 0;
    const removeDelay = proxied.mitm.delay((path) => path === postPath(gun) && ++seen === 1, 1500);
    const removeRefusal = proxied.mitm.respondWith(postPath(gun), { status: 503, body: 'never forwarded' });
    const child = spawnCli(home, ['rotate', gun, 'targets']);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 2400 && seen === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(seen, 1, 'the rotation’s upload reached the proxy');
    child.kill('SIGKILL');
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 1600));
    removeDelay();
    removeRefusal();

    const pending = JSON.parse(await proxied.world.csOk(home, ['rotate', '--pending', '--json'], viaProxy)) as { id: string; repositories: { gun: string; step: string }[] }[];
    const record = pending.find((entry) => entry.repositories.some((r) => r.gun === gun));
    assert.ok(record, 'the interrupted rotation is listed');
    assert.equal(record.repositories[0]!.step, 'staged');

    const resumed = JSON.parse(await proxied.world.csOk(home, ['rotate', '--resume', record.id, '--json'], viaProxy)) as { status: string; rotation: { finished: boolean; newKeyIds: string[] }; retired: { removed: string[] } };
    assert.equal(resumed.rotation.finished, true);
    assert.deepEqual(resumed.retired.removed, [oldTargets.id]);
    const inspected = JSON.parse(await proxied.world.csOk(home, ['inspect', gun, '--json'], viaProxy)) as { AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[] }[];
    assert.deepEqual(inspected[0]!.AdministrativeKeys.find((key) => key.Name === 'Repository')!.Keys.map((key) => key.ID), resumed.rotation.newKeyIds);
    assert.deepEqual(await notaryNames(gun), ['v1'], 'notary follows the rotation and still sees v1');
  });
});
