// What a write command reports is what the server has: on the real notary-server behind a man in the
// middle, every outcome is checked against `notary list` (fresh trust dir) and `docker trust inspect`.
// - trust pinning holds on the write path too, on a repository this machine never read;
// - a lost answer, a cancel (Ctrl-C) while the upload is under way, a refusal: the command reads the
//   server back and says exactly what is published and what stays staged;
// - a change the server refused is never published by a later command unless the user says so;
// - a refused init leaves no keys behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KeyRecord } from '../../../electron/core/keys/key-index';
import { startMitm, type MitmProxy } from '../../stack';
import { assertClientsAgree, fakeDigest, PASSPHRASE, publishedJson, startWorld, type World } from './support/world';

let world: World;
let mitm: MitmProxy;
before(async () => {
  world = await startWorld();
  mitm = await startMitm({ upstream: world.server.url, ca: world.server.ca });
});
after(async () => {
  await mitm?.stop();
  await world?.dispose();
});

const viaProxy = { get server() { return mitm.url; } };
const postPath = (gun: string) => `/v2/${gun}/_trust/tuf/`;

function signArgs(ref: string, seed: string): string[] {
  const { digest, size } = fakeDigest(seed);
  return ['sign', ref, '--digest', digest, '--size', String(size)];
}

async function stagedNames(home: string, gun: string): Promise<string[]> {
  const { staged } = JSON.parse(await world.csOk(home, ['status', gun, '--json'], viaProxy)) as { staged: { name?: string; kind: string }[] };
  return staged.map((change) => change.name ?? change.kind);
}

async function notaryNames(gun: string): Promise<string[]> {
  return (await world.notary().list(gun)).map((row) => row.name).sort();
}

function pin(home: string, pinning: object): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'trust-pinning.json'), JSON.stringify(pinning));
}

describe('trust pinning on the write path', () => {
  it('with disable_tofu, sign, revoke, signer add and witness refuse a repository never read here, and cache nothing', async () => {
    const owner = world.newHome();
    const gun = world.newGun('pinned-write');
    await world.csOk(owner, ['init', gun]);
    await world.csOk(owner, signArgs(`${gun}:v1`, 'v1'));

    const pinned = world.newHome();
    pin(pinned, { disable_tofu: true });
    for (const argv of [signArgs(`${gun}:v2`, 'v2'), ['revoke', `${gun}:v1`], ['witness', gun, 'targets'], ['init', gun]]) {
      const refused = await world.cs(pinned, argv);
      assert.equal(refused.code, 1, `${argv[0]} must refuse: ${refused.stdout}`);
      assert.match(refused.stderr, /root-pin-mismatch|trust on first use is disabled/i, `${argv[0]} names the pinning check`);
    }
    // Nothing was cached: inspect still refuses instead of trusting what a write command saw.
    const inspect = await world.cs(pinned, ['inspect', gun]);
    assert.equal(inspect.code, 1);
    assert.match(inspect.stderr, /root-pin-mismatch|trust on first use is disabled/i);
    assert.deepEqual(await notaryNames(gun), ['v1']);
    assert.equal(existsSync(join(pinned, 'staged')), false, 'nothing was staged');
  });

  it('with a certs pin, a write goes through only for the pinned root certificate', async () => {
    const owner = world.newHome();
    const gun = world.newGun('certs-pin');
    await world.csOk(owner, ['init', gun]);
    const rootId = (JSON.parse(await world.csOk(owner, ['inspect', gun, '--json'])) as { AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[] }[])[0]!.AdministrativeKeys.find(
      (key) => key.Name === 'Root',
    )!.Keys[0]!.ID;
    const exported = join(world.work, 'certs-pin-keys.pem');
    const keys = (JSON.parse(await world.csOk(owner, ['key', 'list', '--json'])) as KeyRecord[]).filter((key) => key.gun === gun && key.role !== 'root');
    await world.csOk(owner, ['key', 'export', ...keys.map((key) => key.id), '--out', exported]);

    const wrong = world.newHome();
    pin(wrong, { certs: { [gun]: ['0'.repeat(64)] } });
    await world.csOk(wrong, ['key', 'import', exported]);
    const refused = await world.cs(wrong, signArgs(`${gun}:v1`, 'cv1'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /root-pin-mismatch/);

    const right = world.newHome();
    pin(right, { certs: { [gun]: [rootId] } });
    await world.csOk(right, ['key', 'import', exported]);
    const signed = await world.cs(right, [...signArgs(`${gun}:v1`, 'cv1'), '--json']);
    assert.equal(signed.code, 0, signed.stdout + signed.stderr);
    const published = publishedJson(signed.stdout);
    assert.equal(published.status, 'published');
    assert.deepEqual((await assertClientsAgree(world, right, published.view)).map((row) => row.name), ['v1']);
  });
});

describe('outcomes read back from the server', () => {
  it('a lost answer after the server accepted is reported as published, and nothing stays staged', async () => {
    const home = world.newHome();
    const gun = world.newGun('lost-answer');
    await world.csOk(home, ['init', gun], viaProxy);
    const removeRewrite = mitm.rewrite(postPath(gun), () => {
      throw new Error('the connection dropped after the server answered');
    });
    const result = await world.cs(home, [...signArgs(`${gun}:v1`, 'lost'), '--json'], viaProxy);
    removeRewrite();
    assert.equal(result.code, 0, result.stderr);
    const outcome = publishedJson(result.stdout);
    assert.equal(outcome.status, 'published');
    assert.deepEqual(outcome.stillStaged, []);
    assert.deepEqual((await assertClientsAgree(world, home, outcome.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });

  it('a refusal is reported as not published, stays staged, and the next command does not send it silently', async () => {
    const home = world.newHome();
    const gun = world.newGun('refused-then');
    await world.csOk(home, ['init', gun], viaProxy);
    const removeRefusal = mitm.respondWith(postPath(gun), { status: 401, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"push denied"}]}' });
    const refused = await world.cs(home, signArgs(`${gun}:v8`, 'v8'), viaProxy);
    removeRefusal();
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Not published: .*\n[\s\S]*Stays staged[\s\S]*sign v8/);
    assert.deepEqual(await stagedNames(home, gun), ['v8']);

    // Another command on the same machine: refused before anything happens, listing the earlier change.
    const next = await world.cs(home, signArgs(`${gun}:v7`, 'v7'), viaProxy);
    assert.equal(next.code, 1);
    assert.match(next.stderr, /staged-changes-pending: 1 change\(s\) were staged for .* before this command[\s\S]*sign v8/);
    assert.deepEqual(await notaryNames(gun), []);

    // Leaving it staged publishes exactly what this command made.
    const only = publishedJson(await world.csOk(home, [...signArgs(`${gun}:v7`, 'v7'), '--leave-staged', '--json'], viaProxy));
    assert.equal(only.status, 'published');
    assert.deepEqual(only.changes.map((change) => /sign (\S+)/.exec(change)?.[1]), ['v7']);
    assert.deepEqual(await notaryNames(gun), ['v7']);
    assert.deepEqual(await stagedNames(home, gun), ['v8']);

    // Including it says so and sends it.
    const both = publishedJson(await world.csOk(home, [...signArgs(`${gun}:v6`, 'v6'), '--include-staged', '--json'], viaProxy));
    assert.deepEqual(both.changes.map((change) => /sign (\S+)/.exec(change)?.[1]).sort(), ['v6', 'v8']);
    assert.deepEqual((await assertClientsAgree(world, home, both.view)).map((row) => row.name), ['v6', 'v7', 'v8']);
  });

  it('an init the server refuses removes the keys it made and stages nothing', async () => {
    const home = world.newHome();
    const gun = world.newGun('init-refused');
    const keysBefore = (JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length;
    const removeRefusal = mitm.respondWith(postPath(gun), { status: 403, body: 'forbidden' });
    const refused = await world.cs(home, ['init', gun], viaProxy);
    removeRefusal();
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the keys made for it were removed from the keychain/);
    assert.equal((JSON.parse(await world.csOk(home, ['key', 'list', '--json'])) as KeyRecord[]).length, keysBefore);
    assert.deepEqual(await stagedNames(home, gun), []);
  });

  it('Ctrl-C while the upload is under way lets it finish, and reports what the server then has', async () => {
    const home = world.newHome();
    const gun = world.newGun('interrupted');
    await world.csOk(home, ['init', gun], viaProxy);
    let seen = 0;
    const removeDelay = mitm.delay((path) => path === postPath(gun) && ++seen === 1, 1500);
    const bin = join(import.meta.dirname, '..', '..', '..', 'electron', 'cli', 'bin.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', bin, '--home', home, '--server', mitm.url, '--tls-ca', world.server.caFile, ...signArgs(`${gun}:v1`, 'ctrl-c'), '--json'], {
      env: { ...process.env, COUNTERSIGN_HOME: undefined, COUNTERSIGN_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 400 && seen === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(seen, 1, 'the upload reached the proxy');
    child.kill('SIGINT');
    const code = await exited;
    removeDelay();
    const outcome = publishedJson(stdout);
    assert.equal(outcome.status, 'published', 'the server took the upload: that is what is reported');
    assert.equal(code, 1, 'a cancelled command still exits non-zero');
    assert.deepEqual((await assertClientsAgree(world, home, outcome.view)).map((row) => row.name), ['v1']);
    assert.deepEqual(await stagedNames(home, gun), []);
  });
});
