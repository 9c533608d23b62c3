// The plan of a write job (core/jobs/plan.ts) on the real notary-server and keychain: what it says a
// job will do and what stops it is what the server and the keychain then show. An unsigned
// repository is planned as "initialise", initialised by the core's init job, and read by fresh notary
// and docker clients; an unreachable server is never taken for an unsigned repository.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PlannedJob, RepositoryRef, WritePlan } from '../../../shared/schemas/flows';
import { createJobs } from '../../../electron/core/jobs';
import type { JobEnvironment } from '../../../electron/core/jobs/environment';
import { noPassphrases } from '../../../electron/core/keys/passphrase';
import { HttpClient } from '../../../electron/core/net/http';
import { NotaryClient } from '../../../electron/core/notary/notary-client';
import { versionOf } from '../../stack';
import { openTestVault } from '../keys/support/vault-fixture';
import { startWorld, type World } from './support/world';

describe('the plan of a job, on the real notary-server', () => {
  let world: World;
  let http: HttpClient;
  let home: string;

  before(async () => {
    world = await startWorld();
    http = new HttpClient({ ca: await readFile(world.server.caFile, 'utf8') });
    home = world.newHome('plan');
  });
  after(async () => {
    http?.close();
    await world?.dispose();
  });

  /** The core's jobs over `home`, its keychain and the server at `url` (by default the real one). */
  function jobs(url = world.server.url) {
    const env: JobEnvironment = {
      homeDir: home,
      notary: () => new NotaryClient(url, http),
      vault: () => openTestVault(noPassphrases, { home }).vault,
      registry: () => {
        throw new Error('no registry in these tests');
      },
    };
    return createJobs(env);
  }
  const ref = (gun: string): RepositoryRef => ({ gun, serverId: world.server.url });
  const plan = (gun: string, job: PlannedJob, url?: string) => jobs(url).plan.plan(ref(gun), job, new AbortController().signal);
  const flow = { signal: new AbortController().signal, progress: () => undefined };
  const sign: PlannedJob = { kind: 'sign', tag: 'v1', roles: [] };

  it('an unsigned repository: signing is blocked with "initialise", initialising is ready; the init job makes it, and notary and docker read it', async () => {
    const gun = world.newGun('plan-unsigned');
    const blocked = await plan(gun, sign);
    assert.equal(blocked.repository, 'absent');
    assert.deepEqual(blocked.problems.map((p) => p.code), ['initialise-repository']);
    const ready = await plan(gun, { kind: 'init', serverManagedSnapshot: true });
    assert.equal(ready.ready, true);

    const summary = await jobs().init.repository({ ...ref(gun), serverManagedSnapshot: true, earlierStaged: 'refuse' }, flow);
    assert.equal(summary.outcomes[0]?.status, 'published');
    assert.deepEqual(await world.notary().list(gun), []);
    const inspected = await (await world.docker()).inspect(gun);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.deepEqual(inspected.entries?.[0]?.AdministrativeKeys.map((k) => k.Name).sort(), ['Repository', 'Root']);

    // Now it exists: signing is planned into targets with the key init made, which the keychain holds.
    const after = await plan(gun, sign);
    assert.equal(after.ready, true);
    assert.deepEqual(after.roles.map((r) => `${r.role}:${r.signer}`), ['targets:you', 'snapshot:server', 'timestamp:server']);
    assert.equal(after.roles[0]?.keys[0]?.presence, 'keychain');
    assert.deepEqual((await plan(gun, { kind: 'init', serverManagedSnapshot: true })).problems.map((p) => p.code), ['already-initialised']);
  });

  it('signers present and only the targets key here: blocked "add yourself as a signer", and signing would indeed fail', async () => {
    const gun = world.newGun('plan-delegated');
    await world.csOk(home, ['init', gun]);
    const alice = await (await world.docker()).keyGenerate('alice');
    await world.csOk(home, ['signer', 'add', 'alice', gun, '--key', alice.publicKeyFile]);
    const result = await plan(gun, sign);
    assert.equal(result.ready, false);
    assert.deepEqual(result.problems.map((p) => p.code), ['add-yourself-as-signer']);
    assert.deepEqual(result.roles.map((r) => r.role).slice(0, 2).sort(), ['targets/alice', 'targets/releases']);
    // What the job itself does at the last click: refused the same way, nothing published.
    const signed = await jobs().sign.tag({ ...ref(gun), tag: 'v1', target: { digest: `sha256:${'cd'.repeat(32)}`, size: 10 }, roles: [], earlierStaged: 'refuse' }, flow);
    assert.equal(signed.outcomes[0]?.status, 'failed');
    assert.equal(signed.outcomes[0]?.error?.code, 'key-not-found');
    assert.deepEqual(await world.notary().list(gun), []);
  });

  it('initialising with the root key offline: once the server has the repository, the root key is only in its encrypted file', async () => {
    const gun = world.newGun('plan-root-offline');
    const file = join(world.work, `root-${Date.now()}.key`);
    const summary = await jobs().init.repository({ ...ref(gun), serverManagedSnapshot: true, earlierStaged: 'refuse', rootOffline: { file, passphrase: 'correct horse battery' } }, flow);
    const outcome = summary.outcomes[0];
    assert.equal(outcome?.status, 'published');
    assert.match(outcome?.notes.join('\n') ?? '', /the root key [0-9a-f]{12} left the keychain: it is offline in /);
    assert.equal(existsSync(file), true);
    const roots = (await openTestVault(noPassphrases, { home }).vault.list()).filter((key) => key.role === 'root' && key.certificates?.some((c) => c.gun === gun));
    assert.deepEqual(roots.map((key) => key.location), ['offline']);
    assert.equal((await (await world.docker()).inspect(gun)).code, 0);
  });

  it('renewing root with the root key offline: blocked "bring the root key online" naming its file, and the expiry job would indeed fail', async () => {
    const gun = world.newGun('plan-expiry-root');
    const file = join(world.work, `root-${Date.now()}.key`);
    await jobs().init.repository({ ...ref(gun), serverManagedSnapshot: true, earlierStaged: 'refuse', rootOffline: { file, passphrase: 'correct horse battery' } }, flow);
    const rootVersion = versionOf(await world.server.roleJson(gun, 'root'));

    const blocked = await plan(gun, { kind: 'expiry', roles: ['root', 'targets'] });
    assert.equal(blocked.ready, false);
    assert.deepEqual(blocked.problems.map((p) => `${p.code}:${p.role ?? ''}`), ['bring-key-online:root']);
    assert.ok(blocked.problems[0]?.message.includes(file), blocked.problems[0]?.message);
    assert.deepEqual(blocked.roles.map((r) => `${r.role}:${r.signer}`), ['root:you', 'targets:you', 'snapshot:server', 'timestamp:server']);
    // Targets alone is renewable with the keys here.
    assert.equal((await plan(gun, { kind: 'expiry', roles: ['targets'] })).ready, true);

    // What the job itself does at the last click: refused, root not re-signed.
    const resigned = await jobs().expiry.resign([{ ...ref(gun), roles: ['root'] }], flow);
    assert.equal(resigned.outcomes[0]?.status, 'failed');
    assert.equal(resigned.outcomes[0]?.error?.code, 'key-not-found');
    assert.equal(versionOf(await world.server.roleJson(gun, 'root')), rootVersion);
  });

  describe('countersign --plan (the same plan, from the command line)', () => {
    const TAG = 'v1';

    it('sign --plan with the targets key in the keychain: the roles and their keys, exit 0, and nothing published, staged or made', async () => {
      const gun = world.newGun('plan-cli-ready');
      await world.csOk(home, ['init', gun, '--server-managed-snapshot']);
      const targetsVersion = versionOf(await world.server.roleJson(gun, 'targets'));
      const keysBefore = await world.csOk(home, ['key', 'list', '--json']);

      const text = await world.cs(home, ['sign', `${gun}:${TAG}`, '--plan']);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.split('\n');
      assert.equal(lines[0], `Plan: sign ${gun} on ${world.server.url}: ready`);
      assert.match(text.stdout, /^ {2}targets {4}signed by you, 1 of 1 key: [0-9a-f]{12} in the keychain$/m);
      assert.match(text.stdout, /^ {2}snapshot {3}signed by the server, 1 of 1 key: [0-9a-f]{12} held by the server$/m);
      assert.match(text.stdout, /^ {2}timestamp {2}signed by the server, 1 of 1 key: [0-9a-f]{12} held by the server$/m);

      // --json is the core's plan, as the app's IPC handler answers it.
      const json = await world.cs(home, ['sign', `${gun}:${TAG}`, '--plan', '--json']);
      assert.equal(json.code, 0, json.stderr);
      const printed = JSON.parse(json.stdout) as WritePlan;
      assert.deepEqual(printed, await plan(gun, sign));
      assert.deepEqual(printed.roles.map((r) => `${r.role}:${r.signer}`), ['targets:you', 'snapshot:server', 'timestamp:server']);

      // Nothing written: the real notary client sees no tag, the server's targets version is the same, nothing is staged, no key was made.
      assert.deepEqual(await world.notary().list(gun), []);
      assert.equal(versionOf(await world.server.roleJson(gun, 'targets')), targetsVersion);
      assert.match(await world.csOk(home, ['status', gun]), /^No staged changes/);
      assert.equal(await world.csOk(home, ['key', 'list', '--json']), keysBefore);
    });

    it('sign --plan from a keychain without the targets key: exit 1, naming "import the targets key" and the command; nothing sent', async () => {
      const gun = world.newGun('plan-cli-missing');
      await world.csOk(home, ['init', gun, '--server-managed-snapshot']);
      const targetsVersion = versionOf(await world.server.roleJson(gun, 'targets'));
      const elsewhere = world.newHome('plan-cli-no-keys');

      const result = await world.cs(elsewhere, ['sign', `${gun}:${TAG}`, '--plan']);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /: blocked$/m);
      assert.match(result.stdout, /^ {2}targets {4}signed by you, 1 of 1 key: [0-9a-f]{12} missing \(not in this keychain\)$/m);
      assert.match(result.stdout, /^ {2}import-key \[targets\]: Signing targets needs 1 of its keys/m);
      assert.match(result.stdout, /^ {4}Fix: Import the targets key: /m);
      assert.match(result.stdout, /^ {4}With the CLI: countersign key import FILE\|TRUST_DIR$/m);
      const json = JSON.parse((await world.cs(elsewhere, ['sign', `${gun}:${TAG}`, '--plan', '--json'])).stdout) as WritePlan;
      assert.deepEqual(json.problems.map((p) => `${p.code}:${p.role ?? ''}`), ['import-key:targets']);
      assert.equal(json.ready, false);

      // And the job itself, from that keychain, is refused the same way.
      const signed = await world.cs(elsewhere, ['sign', `${gun}:${TAG}`, '--digest', `sha256:${'ef'.repeat(32)}`, '--size', '10']);
      assert.equal(signed.code, 1);
      assert.deepEqual(await world.notary().list(gun), []);
      assert.equal(versionOf(await world.server.roleJson(gun, 'targets')), targetsVersion);
    });

    it('signer add, witness and revoke --plan read the same plans as the app and change nothing on the server', async () => {
      const gun = world.newGun('plan-cli-others');
      await world.csOk(home, ['init', gun, '--server-managed-snapshot']);
      const before = { targets: versionOf(await world.server.roleJson(gun, 'targets')), root: versionOf(await world.server.roleJson(gun, 'root')) };

      const signer = await world.cs(home, ['signer', 'add', 'alice', gun, '--plan', '--json']);
      assert.equal(signer.code, 0, signer.stdout);
      assert.deepEqual(JSON.parse(signer.stdout), await plan(gun, { kind: 'delegate', name: 'alice' }));
      const witness = await world.cs(home, ['witness', gun, 'root', 'targets', '--plan']);
      assert.equal(witness.code, 0, witness.stdout);
      assert.match(witness.stdout, /^Plan: witness \(renew\) .*: ready$/m);
      assert.match(witness.stdout, /^ {2}root {7}signed by you, 1 of 1 key: [0-9a-f]{12} in the keychain$/m);
      const revoke = await world.cs(home, ['revoke', `${gun}:${TAG}`, '--plan']);
      assert.equal(revoke.code, 1);
      assert.match(revoke.stdout, /^ {2}nothing-to-revoke: .* does not sign "v1"\.$/m);

      assert.deepEqual({ targets: versionOf(await world.server.roleJson(gun, 'targets')), root: versionOf(await world.server.roleJson(gun, 'root')) }, before);
      assert.match(await world.csOk(home, ['status', gun]), /^No staged changes/);
    });

    it('init --plan on an unsigned repository is ready and makes nothing: no trust data on the server, no key in the vault', async () => {
      const gun = world.newGun('plan-cli-init');
      const fresh = world.newHome('plan-cli-init');
      const result = await world.cs(fresh, ['init', gun, '--plan']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^ {2}root {7}signed by you, 1 of 1 key: new key made by the job$/m);
      assert.match(result.stdout, /^ {2}snapshot {3}signed by you, 1 of 1 key: new key made by the job$/m);
      assert.deepEqual(JSON.parse(await world.csOk(fresh, ['key', 'list', '--json'])), []);
      // Signing it is blocked until it is initialised, with the command that does it.
      const sign = await world.cs(fresh, ['sign', `${gun}:${TAG}`, '--plan']);
      assert.equal(sign.code, 1);
      assert.match(sign.stdout, new RegExp(`^ {4}With the CLI: countersign init ${gun.replaceAll('/', '\\/')}$`, 'm'));
      assert.equal((await world.notary().list(gun).then(() => 'listed', () => 'absent')), 'absent');
    });
  });

  it('an unreachable server is "could not be read", never "initialise"', async () => {
    const result = await plan(world.newGun('plan-unreachable'), { kind: 'init', serverManagedSnapshot: true }, 'https://127.0.0.1:9');
    assert.equal(result.repository, 'unreadable');
    assert.equal(result.ready, false);
    assert.deepEqual(result.problems.map((p) => p.code), ['not-verified']);
    assert.equal(result.problems[0]?.error?.code, 'server-unreachable');
  });
});
