// The plan of a write job (core/jobs/plan.ts) on the real notary-server and keychain: what it says a
// job will do and what stops it is what the server and the keychain then show. An unsigned
// repository is planned as "initialise", initialised by the core's init job, and read by fresh notary
// and docker clients; an unreachable server is never taken for an unsigned repository.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PlannedJob, RepositoryRef } from '../../../shared/schemas/flows';
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

  it('an unreachable server is "could not be read", never "initialise"', async () => {
    const result = await plan(world.newGun('plan-unreachable'), { kind: 'init', serverManagedSnapshot: true }, 'https://127.0.0.1:9');
    assert.equal(result.repository, 'unreadable');
    assert.equal(result.ready, false);
    assert.deepEqual(result.problems.map((p) => p.code), ['not-verified']);
    assert.equal(result.problems[0]?.error?.code, 'server-unreachable');
  });
});
