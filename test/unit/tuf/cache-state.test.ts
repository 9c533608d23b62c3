// state.json holds the pin of a repository. Damage to it (a crash of another tool, a full disk, an
// editor) must never read as "never seen this repository": that would trust the server's root afresh.
// And a refresh that changed nothing leaves it, and every object, untouched.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { INLINE_MAX_BYTES, MetadataCache } from '../../../electron/core/state/metadata-cache';
import { loadRepository } from '../../../electron/core/trust/load-repository';
import { cachedFile, overwriteCachedFile } from '../../helpers/cached-files';
import { releasedRepository } from '../../helpers/tamper';
import { tempDir } from '../../helpers/tuf-harness';
import type { RepoSimulator } from '../../helpers/repo-simulator';

const SERVER = 'https://notary.test:4443';

let home: { dir: string; remove: () => void };
beforeEach(() => {
  home = tempDir('tuf-damaged-state');
});
afterEach(() => home.remove());

const load = (sim: RepoSimulator) => loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher: sim.fetcher() });

async function pinnedThenDamaged(damage: (text: string) => string): Promise<{ sim: RepoSimulator; statePath: string }> {
  const sim = releasedRepository();
  await load(sim);
  const statePath = join(new MetadataCache(home.dir, SERVER, sim.gun).dir, 'state.json');
  writeFileSync(statePath, damage(readFileSync(statePath, 'utf8')));
  return { sim, statePath };
}

/** The refusal names the file and says how to pin again. */
function damagedStateRefusal(statePath: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal((error as { code?: string }).code, 'root-pin-mismatch');
    assert.ok(error.message.includes(statePath), error.message);
    assert.match(error.message, /pin again/);
    return true;
  };
}

describe('a damaged state.json', () => {
  const damages: Array<[string, (text: string) => string]> = [
    ['truncated', (text) => text.slice(0, Math.floor(text.length / 2))],
    ['emptied', () => ''],
    ['valid JSON of another shape', () => '{"files": 3}'],
    ['not JSON at all', () => '\u0000\u0000\u0000'],
  ];
  for (const [name, damage] of damages) {
    it(`fails closed when ${name}, instead of trusting the server's root on first use`, async () => {
      const { sim, statePath } = await pinnedThenDamaged(damage);
      await assert.rejects(load(sim), damagedStateRefusal(statePath));
    });
  }

  it('is refused by the cache itself, so every reader (key usage, archive, publish) fails closed too', async () => {
    const { sim, statePath } = await pinnedThenDamaged((text) => text.slice(0, 10));
    await assert.rejects(new MetadataCache(home.dir, SERVER, sim.gun).load(), damagedStateRefusal(statePath));
  });

  it('is still absent, not damaged, for a repository never verified here', async () => {
    const sim = releasedRepository();
    assert.equal(await new MetadataCache(home.dir, SERVER, sim.gun).load(), undefined);
  });
});

describe('a refresh that changes nothing', () => {
  it('writes nothing to the cache', async () => {
    const sim = releasedRepository();
    await load(sim);
    const statePath = join(new MetadataCache(home.dir, SERVER, sim.gun).dir, 'state.json');
    const before = statSync(statePath).mtimeMs;
    const text = readFileSync(statePath, 'utf8');
    await load(sim);
    assert.equal(statSync(statePath).mtimeMs, before);
    assert.equal(readFileSync(statePath, 'utf8'), text);
  });

  it('still rewrites a file that was damaged on disk', async () => {
    const sim = releasedRepository();
    await load(sim);
    const dir = new MetadataCache(home.dir, SERVER, sim.gun).dir;
    const good = cachedFile(dir, 'targets');
    overwriteCachedFile(dir, 'targets', good.subarray(0, 20));
    await load(sim);
    assert.deepEqual(cachedFile(dir, 'targets'), good);
  });
});

describe('where the verified files are kept', () => {
  const dirOf = (sim: RepoSimulator) => new MetadataCache(home.dir, SERVER, sim.gun).dir;
  const stateOf = (sim: RepoSimulator) => JSON.parse(readFileSync(join(dirOf(sim), 'state.json'), 'utf8')) as { files: Record<string, string>; inline?: Record<string, string> };

  it('keeps a small repository inside state.json, under each file\'s hash, with no objects folder', async () => {
    const sim = releasedRepository();
    await load(sim);
    const state = stateOf(sim);
    assert.deepEqual(Object.keys(state.inline ?? {}).sort(), Object.values(state.files).sort());
    assert.ok(!existsSync(join(dirOf(sim), 'objects')));
    assert.deepEqual(cachedFile(dirOf(sim), 'root'), Buffer.from(sim.file('root')));
  });

  it(`keeps a file over ${INLINE_MAX_BYTES} bytes in objects/, and the pin inside state.json`, async () => {
    const sim = releasedRepository((s) => {
      for (let i = 0; i < 300; i++) s.addTarget('targets', `v${i}`);
    });
    await load(sim);
    const state = stateOf(sim);
    assert.ok(sim.file('targets').length > INLINE_MAX_BYTES);
    assert.deepEqual(readdirSync(join(dirOf(sim), 'objects')), [`${state.files['targets']}.json`]);
    assert.ok(state.inline?.[state.files['root']!]);
    const fetcher = sim.fetcher();
    const again = await loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher });
    assert.deepEqual(fetcher.requests, ['timestamp.json']);
    assert.equal(again.view.signedTags.length, 301);
  });

  // Caches written before files were kept inline list every file in objects/ only.
  it('reads a cache that keeps every file in objects/, and moves the small ones inside state.json at the next change', async () => {
    const sim = releasedRepository();
    await load(sim);
    const state = stateOf(sim);
    mkdirSync(join(dirOf(sim), 'objects'));
    for (const [hash, base64] of Object.entries(state.inline ?? {})) writeFileSync(join(dirOf(sim), 'objects', `${hash}.json`), Buffer.from(base64, 'base64'));
    delete state.inline;
    writeFileSync(join(dirOf(sim), 'state.json'), JSON.stringify(state));
    const fetcher = sim.fetcher();
    await loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher });
    assert.deepEqual(fetcher.requests, ['timestamp.json'], 'the old layout still pins: one request for an unchanged repository');
    sim.addTarget('targets/releases', 'v2').publish();
    await load(sim);
    assert.deepEqual(Object.keys(stateOf(sim).inline ?? {}).sort(), Object.values(stateOf(sim).files).sort());
    assert.deepEqual(readdirSync(join(dirOf(sim), 'objects')), []);
  });
});
