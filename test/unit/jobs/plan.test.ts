// The plan of a write job (core/jobs/plan.ts), against a simulated notary server: before anything is
// signed, it names the roles and keys a job will use, and stops at what would fail at the last click —
// with the fix. Reads fail closed: unreachable or unverifiable is never "initialise this repository".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CountersignError } from '../../../shared/errors';
import type { PlannedJob, WritePlan } from '../../../shared/schemas/flows';
import { canonicalKeyIdOf } from '../../../electron/core/crypto/key-id';
import { planWrite, type KnownKey } from '../../../electron/core/jobs/plan';
import type { NotaryClient } from '../../../electron/core/notary/notary-client';
import { stagingArea, type StageContext } from '../../../electron/core/publish/stage';
import { RepoSimulator, type SimFetcher, type SimKey } from '../../helpers/repo-simulator';
import { heldKeys, simKeysOf } from '../publish/support/sim-publish';

const GUN = 'example.com/team/app';
const REF = { gun: GUN, serverId: 'notary' };
const sign = (tag = 'v3'): PlannedJob => ({ kind: 'sign', tag, roles: [] });

let home: string;
let sim: RepoSimulator;
let fetcher: SimFetcher;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'countersign-plan-'));
  sim = new RepoSimulator({ gun: GUN }).addTarget('targets', 'v1').publish();
  fetcher = sim.fetcher();
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function context(keys: readonly SimKey[]): StageContext {
  const notary = { serverUrl: 'https://notary.example.com', fetcher: () => fetcher } as unknown as NotaryClient;
  return { home, gun: GUN, notary, keys: heldKeys(keys) };
}

/** The vault's records of `keys`: in the keychain unless named offline. */
function records(keys: readonly SimKey[], offline: readonly SimKey[] = []): KnownKey[] {
  return [
    ...keys.map((key) => ({ id: canonicalKeyIdOf(key.public), location: 'keychain' as const, label: 'laptop' })),
    ...offline.map((key) => ({ id: canonicalKeyIdOf(key.public), location: 'offline' as const, offlineFile: '/media/usb/root.key' })),
  ];
}

async function plan(job: PlannedJob, keys: readonly SimKey[], offline: readonly SimKey[] = []): Promise<WritePlan> {
  return planWrite(context(keys), REF, job, records(keys, offline));
}

const codes = (result: WritePlan) => result.problems.map((problem) => problem.code);
const roleNames = (result: WritePlan) => result.roles.map((role) => `${role.role} (${role.signer})`);

describe('signing a tag', () => {
  it('with the targets key and no delegations: targets and snapshot signed here, the timestamp by the server', async () => {
    const result = await plan(sign(), simKeysOf(sim, 'targets', 'snapshot'));
    assert.equal(result.ready, true);
    assert.equal(result.repository, 'exists');
    assert.deepEqual(roleNames(result), ['targets (you)', 'snapshot (you)', 'timestamp (server)']);
    const targets = result.roles[0]!;
    const id = canonicalKeyIdOf(simKeysOf(sim, 'targets')[0]!.public);
    assert.deepEqual(targets.keys, [{ keyId: id, shortId: id.slice(0, 12), presence: 'keychain', label: 'laptop' }]);
  });

  it('without the snapshot key: the server signs the snapshot', async () => {
    const result = await plan(sign(), simKeysOf(sim, 'targets'));
    assert.equal(result.ready, true);
    assert.deepEqual(roleNames(result), ['targets (you)', 'snapshot (server)', 'timestamp (server)']);
    assert.equal(result.roles[1]!.keys[0]!.presence, 'server');
  });

  it('with delegations present and only the targets key: blocked, "add yourself as a signer", before any click signs', async () => {
    sim.addDelegation('targets/releases');
    sim.publish();
    const result = await plan(sign(), simKeysOf(sim, 'targets', 'snapshot'));
    assert.equal(result.ready, false);
    assert.deepEqual(codes(result), ['add-yourself-as-signer']);
    assert.equal(result.problems[0]!.place, 'delegate');
    assert.match(result.problems[0]!.fix, /Add yourself as a signer/);
    // The role docker trust sign would use is named, with its key and where that key is (not here).
    assert.deepEqual(result.roles[0]!.role, 'targets/releases');
    assert.deepEqual(result.roles[0]!.keys.map((key) => key.presence), ['missing']);
  });

  it('with a signer key of the user: signs into targets/releases, targets untouched', async () => {
    const mine = sim.addDelegation('targets/releases');
    sim.publish();
    const result = await plan(sign(), [...mine, ...simKeysOf(sim, 'snapshot')]);
    assert.equal(result.ready, true);
    assert.deepEqual(roleNames(result), ['targets/releases (you)', 'snapshot (you)', 'timestamp (server)']);
  });

  it('without the targets key in a repository with no delegations: blocked, "import the targets key"', async () => {
    const result = await plan(sign(), simKeysOf(sim, 'snapshot'));
    assert.equal(result.ready, false);
    assert.deepEqual(codes(result), ['import-key']);
    assert.equal(result.problems[0]!.role, 'targets');
    assert.equal(result.problems[0]!.place, 'keys');
    assert.match(result.problems[0]!.fix, /Import the targets key/);
  });

  it('lists the changes staged earlier, which the job will ask about', async () => {
    const ctx = context(simKeysOf(sim, 'targets'));
    await stagingArea(ctx).stage([{ kind: 'target-add', role: 'targets', name: 'earlier', meta: { length: 1, hashes: { sha256: Buffer.alloc(32).toString('base64') } } }]);
    const result = await planWrite(ctx, REF, sign(), records(simKeysOf(sim, 'targets')));
    assert.equal(result.staged.length, 1);
    assert.match(result.staged[0]!.description, /earlier/);
    assert.equal(result.ready, true);
  });
});

describe('a repository the server does not have', () => {
  beforeEach(() => {
    fetcher.intercept(() => true, () => null);
  });

  it('blocks signing with "initialise this repository", leading to Init', async () => {
    const result = await plan(sign(), simKeysOf(sim, 'targets'));
    assert.equal(result.repository, 'absent');
    assert.deepEqual(codes(result), ['initialise-repository']);
    assert.equal(result.problems[0]!.place, 'init');
  });

  it('can be initialised: root and targets keys made here, snapshot and timestamp on the server', async () => {
    const result = await plan({ kind: 'init', serverManagedSnapshot: true }, []);
    assert.equal(result.ready, true);
    assert.deepEqual(roleNames(result), ['root (you)', 'targets (you)', 'snapshot (server)', 'timestamp (server)']);
  });
});

describe('reads fail closed', () => {
  it('an unreachable server is "could not be read", never "initialise"', async () => {
    fetcher.unreachable();
    for (const job of [sign(), { kind: 'init', serverManagedSnapshot: true } as const]) {
      const result = await plan(job, simKeysOf(sim, 'targets'));
      assert.equal(result.repository, 'unreadable');
      assert.equal(result.ready, false);
      assert.deepEqual(codes(result), ['not-verified']);
      assert.equal(result.problems[0]!.error?.code, 'server-unreachable');
    }
  });

  it('trust data that does not verify is "did not verify", never "initialise"', async () => {
    fetcher.tamper('targets', (bytes) => new TextEncoder().encode(new TextDecoder().decode(bytes).replace('"v1"', '"v9"')));
    const result = await plan(sign(), simKeysOf(sim, 'targets'));
    assert.equal(result.repository, 'unreadable');
    assert.deepEqual(codes(result), ['not-verified']);
  });

  it('a server that wants a sign-in says "sign in"', async () => {
    fetcher.intercept(() => true, () => {
      throw new CountersignError('auth-required', 'the server asks for a user name and password');
    });
    const result = await plan(sign(), simKeysOf(sim, 'targets'));
    assert.deepEqual(codes(result), ['sign-in']);
    assert.equal(result.problems[0]!.place, 'servers');
  });

  it('an existing repository cannot be initialised again', async () => {
    const result = await plan({ kind: 'init', serverManagedSnapshot: true }, []);
    assert.deepEqual(codes(result), ['already-initialised']);
  });
});

describe('revoking and delegating', () => {
  it('revoking a tag only targets signs, without its key: "import the targets key"', async () => {
    const result = await plan({ kind: 'revoke', tag: 'v1' }, simKeysOf(sim, 'snapshot'));
    assert.deepEqual(codes(result), ['import-key']);
    assert.equal(result.roles[0]!.role, 'targets');
  });

  it('revoking a tag nobody signs: nothing to revoke', async () => {
    const result = await plan({ kind: 'revoke', tag: 'v7' }, simKeysOf(sim, 'targets'));
    assert.deepEqual(codes(result), ['nothing-to-revoke']);
  });

  it('adding a signer re-signs targets, so it needs the targets key', async () => {
    assert.equal((await plan({ kind: 'delegate', name: 'alice' }, simKeysOf(sim, 'targets'))).ready, true);
    assert.deepEqual(codes(await plan({ kind: 'delegate', name: 'alice' }, [])), ['import-key']);
  });

});

describe('renewing what expires', () => {
  const expiry = (...roles: string[]): PlannedJob => ({ kind: 'expiry', roles });

  it('re-signing targets with its key: targets and snapshot signed here, the timestamp by the server', async () => {
    const result = await plan(expiry('targets', 'snapshot'), simKeysOf(sim, 'targets', 'snapshot'));
    assert.equal(result.ready, true);
    assert.equal(result.job, 'expiry');
    assert.deepEqual(roleNames(result), ['targets (you)', 'snapshot (you)', 'timestamp (server)']);
    assert.deepEqual(result.roles[0]!.keys.map((key) => key.presence), ['keychain']);
  });

  it('a snapshot alone is renewed by re-signing targets, so it needs the targets key: without it, "import the targets key"', async () => {
    // The list offers the snapshot when its key is here; the publish that renews it re-signs targets.
    const result = await plan(expiry('snapshot'), simKeysOf(sim, 'snapshot'));
    assert.equal(result.ready, false);
    assert.deepEqual(codes(result), ['import-key']);
    assert.equal(result.problems[0]!.role, 'targets');
    assert.equal(result.problems[0]!.place, 'keys');
    assert.match(result.problems[0]!.fix, /Import the targets key/);
    assert.deepEqual(result.roles[0]!.keys.map((key) => key.presence), ['missing']);
  });

  it('re-signing root with the root key offline: "bring the root key online", naming its file', async () => {
    const result = await plan(expiry('root'), simKeysOf(sim, 'snapshot'), simKeysOf(sim, 'root'));
    assert.deepEqual(codes(result), ['bring-key-online']);
    assert.equal(result.problems[0]!.place, 'keys');
    assert.match(result.problems[0]!.message, /\/media\/usb\/root\.key/);
    assert.match(result.problems[0]!.fix, /Bring the root key online/);
    assert.equal(result.roles[0]!.keys[0]!.presence, 'offline');
  });

  it('re-signing root with no root key anywhere here: "import the root key"', async () => {
    const result = await plan(expiry('root', 'targets'), simKeysOf(sim, 'targets', 'snapshot'));
    assert.deepEqual(codes(result), ['import-key']);
    assert.equal(result.problems[0]!.role, 'root');
    assert.deepEqual(roleNames(result), ['root (you)', 'targets (you)', 'snapshot (you)', 'timestamp (server)']);
  });

  it('re-signing root and targets with both keys: ready, root named first', async () => {
    const result = await plan(expiry('root', 'targets'), simKeysOf(sim, 'root', 'targets', 'snapshot'));
    assert.equal(result.ready, true);
    assert.deepEqual(roleNames(result), ['root (you)', 'targets (you)', 'snapshot (you)', 'timestamp (server)']);
  });

  it("a signer role with the signer's key: only that role and the snapshot are signed here", async () => {
    const mine = sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v2').publish();
    const result = await plan(expiry('targets/releases'), [...mine, ...simKeysOf(sim, 'snapshot')]);
    assert.equal(result.ready, true);
    assert.deepEqual(roleNames(result), ['targets/releases (you)', 'snapshot (you)', 'timestamp (server)']);
  });

  it("a signer role whose key is not here: \"import the targets/releases key\", not \"add yourself as a signer\"", async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v2').publish();
    const result = await plan(expiry('targets/releases'), simKeysOf(sim, 'targets', 'snapshot'));
    assert.deepEqual(codes(result), ['import-key']);
    assert.equal(result.problems[0]!.role, 'targets/releases');
  });

  it('a signer removed since the list was read: "nothing to re-sign", never a click that fails', async () => {
    const mine = sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v2').publish();
    sim.removeDelegation('targets/releases').publish();
    const result = await plan(expiry('targets/releases'), [...mine, ...simKeysOf(sim, 'targets', 'snapshot')]);
    assert.equal(result.ready, false);
    assert.deepEqual(codes(result), ['nothing-to-resign']);
    assert.equal(result.problems[0]!.role, 'targets/releases');
    assert.deepEqual(result.roles, []);
  });

  it('a signer role that does not verify is "did not verify", not "nothing to re-sign"', async () => {
    const mine = sim.addDelegation('targets/releases');
    sim.addTarget('targets/releases', 'v2').publish();
    fetcher.tamper('targets/releases', (bytes) => new TextEncoder().encode(new TextDecoder().decode(bytes).replace('"v2"', '"v9"')));
    const result = await plan(expiry('targets/releases'), [...mine, ...simKeysOf(sim, 'snapshot')]);
    assert.equal(result.ready, false);
    assert.deepEqual(codes(result), ['not-verified']);
    assert.equal(result.problems[0]!.role, 'targets/releases');
  });

  it('an unreachable server is "could not be read", never a plan with no problems', async () => {
    fetcher.unreachable();
    const result = await plan(expiry('targets'), simKeysOf(sim, 'targets', 'snapshot'));
    assert.equal(result.repository, 'unreadable');
    assert.deepEqual(codes(result), ['not-verified']);
    assert.equal(result.problems[0]!.error?.code, 'server-unreachable');
  });
});
