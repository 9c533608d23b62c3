// The update workflow around the verified cache: a warm refresh of an unchanged repository costs one
// request; nothing refused ever reaches the cache; and when the server cannot be reached, the last
// verified view is shown, marked stale, and only after it is verified again as of when it was cached.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadRepository } from '../../../electron/core/trust/load-repository';
import { MetadataCache } from '../../../electron/core/state/metadata-cache';
import { overwriteCachedFile } from '../../helpers/cached-files';
import { attack, flippedSignature, releasedRepository, resignedBy } from '../../helpers/tamper';
import { daysFrom, refreshSim, refusal, tempDir } from '../../helpers/tuf-harness';
import { endless, newKey, newRootKey, sha256Hex, type RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator';

const SERVER = 'https://notary.test:4443';

let home: { dir: string; remove: () => void };
beforeEach(() => {
  home = tempDir('tuf-cache');
});
afterEach(() => home.remove());

function load(sim: RepoSimulator, fetcher: SimFetcher = sim.fetcher(), now?: Date) {
  return loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher, ...(now ? { now } : {}) });
}

/** Every file of the verified cache (the failure note attempt.json aside), path -> content. */
function cacheState(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name !== 'attempt.json') files.set(relative(home.dir, path), readFileSync(path, 'hex'));
    }
  };
  walk(home.dir);
  return files;
}

describe('a pinned repository whose cached root is lost', () => {
  it('is refused rather than trusted again on first use', async () => {
    const sim = releasedRepository();
    const first = await refreshSim(sim);
    const stored = { ...first.toStore, files: new Map([...first.toStore.files].filter(([role]) => role !== 'root')) };
    await assert.rejects(refreshSim(sim, { stored }), refusal('root-pin-mismatch', 'root'));
  });
});

describe('warm refresh', () => {
  it('costs exactly one request when the repository has not changed', async () => {
    const sim = releasedRepository();
    await load(sim);
    const fetcher = sim.fetcher();
    const { downloads, view } = await load(sim, fetcher);
    assert.deepEqual(fetcher.requests, ['timestamp.json']);
    assert.equal(downloads, 1);
    assert.deepEqual(view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('costs one request when only the timestamp was renewed by the server', async () => {
    const sim = releasedRepository();
    const first = await refreshSim(sim);
    sim.publishTimestamp();
    const fetcher = sim.fetcher();
    const result = await refreshSim(sim, { fetcher, stored: first.toStore });
    assert.deepEqual(fetcher.requests, ['timestamp.json']);
    assert.equal(result.toStore.versions['timestamp'], sim.version('timestamp'));
  });

  it('fetches only what changed, by hash: timestamp, snapshot and the changed role', async () => {
    const sim = releasedRepository();
    const first = await refreshSim(sim);
    sim.addTarget('targets/releases', 'v2').publish();
    const fetcher = sim.fetcher();
    await refreshSim(sim, { fetcher, stored: first.toStore });
    assert.deepEqual(fetcher.requests, [
      'timestamp.json',
      `snapshot.${sha256Hex(sim.file('snapshot'))}.json`,
      `targets/releases.${sha256Hex(sim.file('targets/releases'))}.json`,
    ]);
  });
});

describe('nothing refused is written to the cache', () => {
  const refusals: { name: string; code: string; role: string; attack: (sim: RepoSimulator) => SimFetcher }[] = [
    { name: 'a badly signed timestamp', code: 'signature-threshold', role: 'timestamp', attack: (sim) => attack(sim, 'timestamp', flippedSignature) },
    { name: 'targets signed by an unknown key', code: 'signature-threshold', role: 'targets', attack: (sim) => attack(sim, 'targets', resignedBy([newKey()])) },
    { name: 'a replayed snapshot', code: 'version-rollback', role: 'snapshot', attack: (sim) => attack(sim, 'snapshot', () => sim.file('1.snapshot')) },
    {
      name: 'an expired targets',
      code: 'expired',
      role: 'targets',
      attack: (sim) => {
        sim.setExpires('targets', daysFrom(sim.now, -1)).editSigned('targets', () => undefined).publish();
        return sim.fetcher();
      },
    },
    {
      name: 'a new root the old root did not sign',
      code: 'root-rotation',
      role: 'root',
      attack: (sim) => {
        const fresh = [newRootKey(sim.gun)];
        sim.rotateRoot({ keys: fresh, signers: fresh });
        sim.publish();
        return sim.fetcher();
      },
    },
    {
      name: 'an endless snapshot',
      code: 'metadata-too-large',
      role: 'snapshot',
      attack: (sim) => {
        sim.addTarget('targets', 'v2').publish();
        return sim.fetcher().intercept((name) => name.startsWith('snapshot'), () => ({ chunks: endless() }));
      },
    },
  ];

  for (const { name, code, role, attack: attackWith } of refusals) {
    it(`keeps the cache byte for byte as it was after ${name}`, async () => {
      const sim = releasedRepository();
      sim.addTarget('targets', 'v2').publish();
      await load(sim);
      const before = cacheState();
      await assert.rejects(load(sim, attackWith(sim)), refusal(code as never, role));
      assert.deepEqual(cacheState(), before);
      const failure = await new MetadataCache(home.dir, SERVER, sim.gun).lastFailure();
      assert.equal(failure?.error.code, code, 'the failure itself is remembered, apart from the verified data');
    });
  }

  it('does not cache a delegation that failed, while caching the rest of the refresh', async () => {
    const sim = releasedRepository();
    await load(sim);
    sim.editSigned('targets/releases', () => undefined).publish({ rewrite: { 'targets/releases': flippedSignature } });
    const refused = sim.file('targets/releases');
    const { view } = await load(sim);
    assert.equal(view.warnings[0]?.code, 'signature-threshold');
    const stored = await new MetadataCache(home.dir, SERVER, sim.gun).load();
    assert.equal(stored?.files.has('targets/releases'), false);
    assert.ok(![...cacheState().keys()].some((path) => path.includes(sha256Hex(refused))));
    assert.deepEqual(stored?.files.get('timestamp'), sim.file('timestamp'));
  });
});

describe('a cancelled refresh', () => {
  it('stops with cancelled and leaves the cache as it was', async () => {
    const sim = releasedRepository();
    await load(sim);
    const before = cacheState();
    sim.addTarget('targets', 'v2').publish();
    const controller = new AbortController();
    const fetcher = sim.fetcher().intercept('timestamp.json', (served) => {
      controller.abort();
      return served;
    });
    const loading = loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher, signal: controller.signal });
    await assert.rejects(loading, { code: 'cancelled' });
    assert.deepEqual(cacheState(), before);
  });
});

describe('when the server cannot be reached', () => {
  it('shows the last verified view, marked stale, without downloading anything', async () => {
    const sim = releasedRepository();
    const fresh = await load(sim);
    const { view, downloads } = await load(sim, sim.fetcher().unreachable());
    assert.equal(downloads, 0);
    assert.equal(view.source, 'cache');
    assert.equal(view.stale?.reason.code, 'server-unreachable');
    assert.equal(view.verifiedAt, fresh.view.verifiedAt);
    assert.deepEqual(view.signedTags, fresh.view.signedTags);
  });

  it('keeps saying since when it has been unreachable', async () => {
    const sim = releasedRepository();
    await load(sim);
    const firstFailure = daysFrom(sim.now, 1);
    const first = await load(sim, sim.fetcher().unreachable(), firstFailure);
    const second = await load(sim, sim.fetcher().unreachable(), daysFrom(sim.now, 2));
    assert.equal(first.view.stale?.since, firstFailure.toISOString());
    assert.equal(second.view.stale?.since, firstFailure.toISOString());
  });

  it('still shows a view whose timestamp has expired since it was verified (it is checked as of then)', async () => {
    const sim = releasedRepository();
    await load(sim);
    const { view } = await load(sim, sim.fetcher().unreachable(), daysFrom(sim.now, 30));
    assert.ok(view.stale);
    assert.deepEqual(view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('refuses a cache edited on disk instead of showing it', async () => {
    const sim = releasedRepository();
    await load(sim);
    // Swap the cached targets for a forged one, fixing up the cache's own index so that it loads.
    const forged = resignedBy([newKey()])(sim.file('targets'));
    overwriteCachedFile(new MetadataCache(home.dir, SERVER, sim.gun).dir, 'targets', forged, { relist: true });
    await assert.rejects(load(sim, sim.fetcher().unreachable()), refusal('hash-mismatch', 'targets'));
  });

  it('has nothing to show for a repository never verified before', async () => {
    const sim = releasedRepository();
    await assert.rejects(load(sim, sim.fetcher().unreachable()), { code: 'server-unreachable' });
  });
});
