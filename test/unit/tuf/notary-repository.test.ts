// The engine against a repository the real notary made (test/fixtures/tuf/notary-delegations), and
// the simulator against the same files: the simulator is only worth its tests if it makes what
// notary makes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshRepository } from '../../../electron/core/tuf/updater';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { notaryFixture, notaryFixtureBytes, notaryFixtureFetcher, notaryFixtureNow } from '../../helpers/notary-fixture';
import { decodeFile, RepoSimulator } from '../../helpers/repo-simulator';

function refreshFixture() {
  return refreshRepository({ gun: notaryFixture.gun, fetcher: notaryFixtureFetcher(), now: notaryFixtureNow });
}

describe('a repository made by notary', () => {
  it('verifies every role, nested and path-restricted delegations included', async () => {
    const result = await refreshFixture();
    assert.deepEqual(result.failedDelegations, []);
    assert.deepEqual([...result.trusted.delegations.keys()].sort(), notaryFixture.delegations.map((d) => d.role).sort());
    assert.equal(result.trusted.root.signed.version, 2, 'the rotated root');
  });

  it('walks 1.root.json -> 2.root.json when it starts from the first root', async () => {
    const first = await refreshRepository({
      gun: notaryFixture.gun,
      fetcher: notaryFixtureFetcher(),
      now: notaryFixtureNow,
      stored: { files: new Map([['root', notaryFixtureBytes('1.root.json')]]), versions: {}, verifiedAt: notaryFixtureNow.toISOString() },
    });
    assert.equal(first.trusted.root.signed.version, 2);
  });

  it('shows each tag from the roles that hold it', async () => {
    const result = await refreshFixture();
    const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: 'fixture', source: 'server', verifiedAt: notaryFixtureNow.toISOString() });
    const tags = view.signedTags.map((t) => `${t.tag}:${t.signers.join('+')}`);
    // docker reads tags from targets and targets/releases only; v1 is in both, so "Repo Admin".
    assert.deepEqual(tags, ['html/<a&b>:Repo Admin', 'unicode/café-☃:Repo Admin', 'v1:Repo Admin', 'v2:Repo Admin']);
    assert.deepEqual(view.signers.map((s) => s.name), ['team/sub', 'team', 'alice']);
  });
});

/** The structure of a metadata file with its variable parts (IDs, names, values) abstracted away. */
function shape(value: unknown, mapPath = false): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (mapPath) return entries.length === 0 ? {} : { '*': shape(entries[0]![1]) };
    return Object.fromEntries(entries.map(([k, v]) => [k, shape(v, MAPS.has(k))]));
  }
  return typeof value;
}
/** Objects whose keys are data (key IDs, target names, role names), not field names. */
const MAPS = new Set(['keys', 'targets', 'meta']);

function rawFieldOrder(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8').slice(0, 11);
}

describe('the repository simulator', () => {
  const sim = new RepoSimulator({ gun: notaryFixture.gun });
  sim.addDelegation('targets/releases');
  sim.addDelegation('targets/team', { paths: ['team/'] });
  sim.addDelegation('targets/team/sub', { paths: ['team/sub/'] });
  sim.addTarget('targets', 'v1').addTarget('targets/releases', 'v1').addTarget('targets/team', 'team/app').addTarget('targets/team/sub', 'team/sub/tool');
  sim.rotateRoot();
  sim.publish();

  const pairs: [string, string][] = [
    ['root', 'root.json'],
    ['2.root', '2.root.json'],
    ['targets', 'targets.json'],
    ['snapshot', 'snapshot.json'],
    ['timestamp', 'timestamp.json'],
    ['targets/team', 'targets/team.json'],
    ['targets/team/sub', 'targets/team/sub.json'],
  ];
  for (const [simulated, real] of pairs) {
    it(`makes ${simulated}.json in the shape notary gives ${real}`, () => {
      const ours = decodeFile(sim.file(simulated));
      const theirs = decodeFile(notaryFixtureBytes(real));
      assert.deepEqual(shape(ours), shape(theirs));
      assert.equal(rawFieldOrder(sim.file(simulated)), rawFieldOrder(notaryFixtureBytes(real)));
      assert.deepEqual(
        ours.signatures.map((s) => s.method),
        theirs.signatures.map((s) => s.method),
      );
    });
  }

  it('uses notary key types: an ecdsa-x509 root, ecdsa targets and snapshot, an ed25519 timestamp', () => {
    const keyTypes = (root: ReturnType<typeof decodeFile>) => {
      const signed = root.signed as unknown as { keys: Record<string, { keytype: string }>; roles: Record<string, { keyids: string[] }> };
      return Object.fromEntries(Object.entries(signed.roles).map(([role, r]) => [role, r.keyids.map((id) => signed.keys[id]?.keytype)]));
    };
    assert.deepEqual(keyTypes(decodeFile(sim.file('root'))), keyTypes(decodeFile(notaryFixtureBytes('root.json'))));
  });

  it('serves every version and every file by hash, as notary-server does', () => {
    for (const name of ['1.root.json', '2.root.json', '1.targets.json', '2.targets.json', '1.timestamp.json']) assert.ok(sim.files.has(name), name);
    const snapshot = decodeFile<{ meta: Record<string, { hashes: { sha256: string } }> }>(sim.file('snapshot')).signed;
    for (const [role, meta] of Object.entries(snapshot.meta)) {
      assert.ok(sim.files.has(`${role}.${Buffer.from(meta.hashes.sha256, 'base64').toString('hex')}.json`), role);
    }
  });
});
