// The authenticated view cache: an unchanged repository (the very timestamp verified last time) is
// served from the view of that verification in one request, writing nothing; anything else — a view
// or MAC edited or copied on disk, another timestamp, a role or certificate past its expiry, no
// key — goes through the full verification, which decides as it always did.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MetadataCache } from '../../../electron/core/state/metadata-cache';
import { storedViewCacheKey, type ViewCacheKey } from '../../../electron/core/state/view-cache';
import { renderSignedTags } from '../../../electron/core/trust/docker-inspect';
import { loadRepository } from '../../../electron/core/trust/load-repository';
import { acknowledgeAnchor } from '../../../electron/core/trust/root-anchor';
import { overwriteCachedFile } from '../../helpers/cached-files';
import { releasedRepository } from '../../helpers/tamper';
import { daysFrom, tempDir } from '../../helpers/tuf-harness';
import { RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator';

const SERVER = 'https://notary.test:4443';

let home: { dir: string; remove: () => void };
beforeEach(() => {
  home = tempDir('tuf-view-cache');
});
afterEach(() => home.remove());

const secret = randomBytes(32);
const key: ViewCacheKey = () => Promise.resolve(secret);

function load(sim: RepoSimulator, options: { fetcher?: SimFetcher; now?: Date; viewCacheKey?: ViewCacheKey; withSignedTagsJson?: boolean; withTrustAnchor?: boolean } = {}) {
  return loadRepository({
    home: home.dir,
    server: SERVER,
    gun: sim.gun,
    fetcher: options.fetcher ?? sim.fetcher(),
    viewCacheKey: 'viewCacheKey' in options ? options.viewCacheKey : key,
    ...(options.now ? { now: options.now } : {}),
    ...(options.withSignedTagsJson ? { withSignedTagsJson: true } : {}),
    ...(options.withTrustAnchor === undefined ? {} : { withTrustAnchor: options.withTrustAnchor }),
  });
}

const dirOf = (sim: RepoSimulator) => new MetadataCache(home.dir, SERVER, sim.gun).dir;

/** Modification times of every file under the home: what a run wrote. */
function mtimes(): Map<string, number> {
  const times = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else times.set(path, stat.mtimeMs);
    }
  };
  walk(home.dir);
  return times;
}

describe('the view cache', () => {
  it('serves an unchanged repository from the verified view: one request, nothing written', async () => {
    const sim = releasedRepository();
    const first = await load(sim);
    const before = mtimes();
    const fetcher = sim.fetcher();
    const warm = await load(sim, { fetcher });
    assert.equal(warm.fromViewCache, true);
    assert.deepEqual(fetcher.requests, ['timestamp.json']);
    assert.deepEqual(warm.view.signedTags, first.view.signedTags);
    assert.deepEqual(mtimes(), before);
    // What a full verification of the unchanged repository says now: no longer a first use.
    const full = await load(sim, { viewCacheKey: undefined });
    assert.equal(full.view.trustAnchor?.firstUse, false);
    assert.deepEqual({ ...warm.view, verifiedAt: '' }, { ...full.view, verifiedAt: '' });
  });

  it('serves the trust anchor as it is now, not as it was when the view was cached', async () => {
    const sim = releasedRepository();
    const first = await load(sim);
    assert.equal(first.view.trustAnchor?.firstUse, true);
    assert.equal(first.view.trustAnchor?.acknowledged, false);
    await acknowledgeAnchor(dirOf(sim));
    const warm = await load(sim);
    assert.equal(warm.fromViewCache, true);
    assert.equal(warm.view.trustAnchor?.firstUse, false);
    assert.equal(warm.view.trustAnchor?.acknowledged, true);
    assert.equal(warm.view.trustAnchor?.pinnedAt, first.view.trustAnchor?.pinnedAt);
  });

  it('serves without the anchor a reader that does not show it (an audit)', async () => {
    const sim = releasedRepository();
    await load(sim);
    const warm = await load(sim, { withTrustAnchor: false });
    assert.equal(warm.fromViewCache, true);
    assert.equal(warm.view.trustAnchor, undefined);
  });

  it("keeps docker's SignedTags as printed beside the view, and serves the view's rows only when read", async () => {
    const sim = releasedRepository();
    const first = await load(sim, { withSignedTagsJson: true });
    assert.equal(first.signedTagsJson, renderSignedTags(first.view));
    const warm = await load(sim, { withSignedTagsJson: true });
    assert.equal(warm.fromViewCache, true);
    assert.equal(warm.signedTagsJson, first.signedTagsJson);
    assert.equal(typeof Object.getOwnPropertyDescriptor(warm.view, 'signedTags')?.get, 'function', 'not parsed yet');
    assert.deepEqual(warm.view.signedTags, first.view.signedTags);
    warm.view.signedTags = [];
    assert.deepEqual(warm.view.signedTags, [], 'a row property can be set like any other');
  });

  it('renders the SignedTags from the rows when the view was kept without them (by an audit, say)', async () => {
    const sim = releasedRepository();
    const first = await load(sim);
    assert.equal(first.signedTagsJson, undefined);
    const warm = await load(sim, { withSignedTagsJson: true });
    assert.equal(warm.fromViewCache, true);
    assert.equal(warm.signedTagsJson, renderSignedTags(first.view));
  });

  it('keeps one whole cache when two refreshes of a new repository write it at once', async () => {
    const sim = releasedRepository();
    const [a, b] = await Promise.all([load(sim, { withSignedTagsJson: true }), load(sim, { withSignedTagsJson: true })]);
    assert.deepEqual(a.view.signedTags, b.view.signedTags);
    assert.ok(!readdirSync(dirOf(sim)).some((name) => name.endsWith('.tmp')), 'no temporary file is left');
    const warm = await load(sim, { withSignedTagsJson: true });
    assert.equal(warm.fromViewCache, true);
    assert.equal(warm.signedTagsJson, a.signedTagsJson);
    assert.deepEqual(warm.view.signedTags, a.view.signedTags);
  });

  it('refuses a view edited on disk and verifies in full instead', async () => {
    const sim = releasedRepository();
    await load(sim);
    const viewPath = join(dirOf(sim), 'view.cache');
    const forged = readFileSync(viewPath, 'utf8').replace('"v1"', '"forged"');
    assert.notEqual(forged, readFileSync(viewPath, 'utf8'));
    writeFileSync(viewPath, forged);
    const warm = await load(sim);
    assert.equal(warm.fromViewCache, undefined);
    assert.deepEqual(warm.view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('refuses a view and MAC copied from another repository', async () => {
    const a = releasedRepository();
    const b = new RepoSimulator({ gun: 'example.com/countersign/other' });
    b.addTarget('targets', 'only-in-b').publish();
    await load(a);
    await load(b);
    copyFileSync(join(dirOf(b), 'view.cache'), join(dirOf(a), 'view.cache'));
    const warm = await load(a);
    assert.equal(warm.fromViewCache, undefined);
    assert.deepEqual(warm.view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('refuses a cache file cut short, or whose MAC line was damaged', async () => {
    const sim = releasedRepository();
    await load(sim);
    const viewPath = join(dirOf(sim), 'view.cache');
    const whole = readFileSync(viewPath);
    for (const damaged of [whole.subarray(0, 64), whole.subarray(0, whole.length - 1), Buffer.concat([Buffer.from('0'.repeat(64)), whole.subarray(64)]), whole.subarray(1)]) {
      writeFileSync(viewPath, damaged);
      assert.equal((await load(sim)).fromViewCache, undefined);
      writeFileSync(viewPath, whole);
    }
    assert.equal((await load(sim)).fromViewCache, true, 'the whole file still serves');
  });

  it('refuses a view whose MAC was made with another key', async () => {
    const sim = releasedRepository();
    await load(sim, { viewCacheKey: () => Promise.resolve(randomBytes(32)) });
    assert.equal((await load(sim)).fromViewCache, undefined);
  });

  it('verifies in full when the timestamp changed, even if nothing else did', async () => {
    const sim = releasedRepository();
    await load(sim);
    sim.publishTimestamp();
    const fetcher = sim.fetcher();
    const warm = await load(sim, { fetcher });
    assert.equal(warm.fromViewCache, undefined);
    // The timestamp downloaded for the check is the one the full refresh uses: still one request.
    assert.deepEqual(fetcher.requests, ['timestamp.json']);
  });

  it('verifies in full once a role it rests on has expired, and so refuses the expired data', async () => {
    const sim = releasedRepository();
    await load(sim);
    await assert.rejects(load(sim, { now: daysFrom(new Date(), 5 * 365) }), { code: 'expired' });
  });

  it('verifies in full when the clock is before the verification the view came from', async () => {
    const sim = releasedRepository();
    await load(sim);
    // Three days earlier the root certificate was not valid yet, beyond notary's one-day leeway for a
    // certificate that starts in the future: the full verification says so.
    await assert.rejects(load(sim, { now: daysFrom(new Date(), -3) }), { code: 'root-certificate' });
  });

  it('asks the server for the root of a repository never verified here at once, beside the timestamp, not after the keychain answers', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher();
    let answer: () => void = () => undefined;
    const keyOnceAnswered = new Promise<Uint8Array>((resolve) => (answer = () => resolve(secret)));
    const slowKeychain: ViewCacheKey = () => keyOnceAnswered;
    const loading = load(sim, { fetcher, viewCacheKey: slowKeychain });
    assert.deepEqual(fetcher.requests, ['timestamp.json', 'root.json']);
    answer();
    assert.equal((await loading).downloads, fetcher.requests.length, 'each early download is used, none is asked for twice');
  });

  it('keeps no view with a delegation left out, so the next load verifies again and sees it mended', async () => {
    const sim = releasedRepository();
    const broken = sim.fetcher().tamper('targets/releases', (served) => Buffer.concat([served, Buffer.from(' ')]));
    const first = await load(sim, { fetcher: broken });
    assert.deepEqual(first.view.warnings.map((w) => w.role), ['targets/releases']);
    const mended = await load(sim);
    assert.notEqual(mended.fromViewCache, true);
    assert.deepEqual(mended.view.warnings, []);
  });

  it('caches nothing without a key (no keychain)', async () => {
    const sim = releasedRepository();
    await load(sim, { viewCacheKey: () => Promise.resolve(undefined) });
    assert.ok(!readdirSync(dirOf(sim)).includes('view.cache'));
    assert.equal((await load(sim, { viewCacheKey: () => Promise.resolve(undefined) })).fromViewCache, undefined);
  });

  it('serves an unchanged repository though a cached targets file was damaged, and fetches that file again once something changes', async () => {
    const sim = releasedRepository();
    await load(sim);
    overwriteCachedFile(dirOf(sim), 'targets', 'damaged');
    // The view is bound to the hash of the targets file it was verified from, not to the copy on disk.
    assert.equal((await load(sim)).fromViewCache, true);
    sim.publishTimestamp();
    const fetcher = sim.fetcher();
    const changed = await load(sim, { fetcher });
    assert.equal(changed.fromViewCache, undefined);
    assert.ok(fetcher.requests.some((name) => name.startsWith('targets.')), `the damaged file is downloaded and verified again: ${fetcher.requests.join(', ')}`);
  });

  it('refuses a repository whose pinned root was damaged on disk, though nothing changed on the server', async () => {
    const sim = releasedRepository();
    await load(sim);
    overwriteCachedFile(dirOf(sim), 'root', 'damaged');
    await assert.rejects(load(sim), { code: 'root-pin-mismatch' });
  });
});

describe('the view-cache key in a secret store', () => {
  it('is made once, kept in the store, and read back by the next process', async () => {
    const stored = new Map<string, string>();
    const store = { get: (a: string) => Promise.resolve(stored.get(a) ?? null), set: (a: string, s: string) => Promise.resolve(void stored.set(a, s)) };
    const first = await storedViewCacheKey(store)();
    const second = await storedViewCacheKey(store)();
    assert.equal(first?.length, 32);
    assert.deepEqual(second, first);
  });

  it('is no key when the store cannot be reached', async () => {
    const store = { get: () => Promise.reject(new Error('no keychain')), set: () => Promise.reject(new Error('no keychain')) };
    assert.equal(await storedViewCacheKey(store)(), undefined);
  });
});

