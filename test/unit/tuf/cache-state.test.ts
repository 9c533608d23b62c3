// state.json holds the pin of a repository. Damage to it (a crash of another tool, a full disk, an
// editor) must never read as "never seen this repository": that would trust the server's root afresh.
// And a refresh that changed nothing leaves it, and every object, untouched.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MetadataCache } from '../../../electron/core/state/metadata-cache';
import { loadRepository } from '../../../electron/core/trust/load-repository';
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

  it('still rewrites an object that was damaged on disk', async () => {
    const sim = releasedRepository();
    await load(sim);
    const cache = new MetadataCache(home.dir, SERVER, sim.gun);
    const state = JSON.parse(readFileSync(join(cache.dir, 'state.json'), 'utf8')) as { files: Record<string, string> };
    const targetsObject = join(cache.dir, 'objects', `${state.files['targets']}.json`);
    const good = readFileSync(targetsObject);
    writeFileSync(targetsObject, good.subarray(0, 20));
    await load(sim);
    assert.deepEqual(readFileSync(targetsObject), good);
  });
});
