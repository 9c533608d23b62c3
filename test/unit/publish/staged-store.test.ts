// Staged changes wait on disk until they are published: they survive a restart, keep their order,
// can be listed and dropped, and a damaged file is reported rather than silently skipped.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { StagedChanges } from '../../../electron/core/publish/staged-store';
import type { Change } from '../../../electron/core/publish/changes';
import { refusal, tempDir } from '../../helpers/tuf-harness';

const SERVER = 'https://notary.test:4443';
const GUN = 'notary.test/team/app';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function home(): string {
  const { dir, remove } = tempDir('staged');
  cleanups.push(remove);
  return dir;
}

const add = (name: string): Change => ({ kind: 'target-add', role: 'targets', name, meta: { length: 1, hashes: { sha256: 'AAAA' } } });

describe('staged changes', () => {
  it('lists what was staged in staging order, after a restart (a new instance on the same home)', async () => {
    const dir = home();
    await new StagedChanges(dir, SERVER, GUN).stage([add('v1'), add('v2')]);
    await new StagedChanges(dir, SERVER, GUN).stage([{ kind: 'target-remove', role: 'targets', name: 'v1' }]);
    const listed = await new StagedChanges(dir, SERVER, GUN).list();
    assert.deepEqual(listed.map((c) => `${c.kind} ${'name' in c ? c.name : ''}`), ['target-add v1', 'target-add v2', 'target-remove v1']);
    assert.equal(new Set(listed.map((c) => c.id)).size, 3);
  });

  it('keeps each server and repository apart', async () => {
    const dir = home();
    await new StagedChanges(dir, SERVER, GUN).stage([add('v1')]);
    assert.deepEqual(await new StagedChanges(dir, 'https://other.test', GUN).list(), []);
    assert.deepEqual(await new StagedChanges(dir, SERVER, `${GUN}2`).list(), []);
  });

  it('drops changes by ID, and everything', async () => {
    const store = new StagedChanges(home(), SERVER, GUN);
    const [first, second] = await store.stage([add('v1'), add('v2')]);
    assert.deepEqual((await store.drop([first!.id, 'ffffffffffffffff'])).map((c) => c.id), [first!.id]);
    assert.deepEqual((await store.list()).map((c) => c.id), [second!.id]);
    await store.stage([add('v3')]);
    await store.dropAll();
    assert.deepEqual(await store.list(), []);
  });

  it('refuses a change of an unknown shape before writing anything', async () => {
    const store = new StagedChanges(home(), SERVER, GUN);
    await assert.rejects(store.stage([{ kind: 'target-add', role: 'releases', name: 'v1', meta: { length: 1, hashes: { sha256: 'AAAA' } } }]));
    assert.deepEqual(await store.list(), []);
  });

  it('reports a damaged file (config-invalid) instead of losing its changes, and reset drops it, counting what it dropped', async () => {
    const store = new StagedChanges(home(), SERVER, GUN);
    await store.stage([add('v1')]);
    const [file] = readdirSync(store.dir);
    writeFileSync(join(store.dir, file!), '{"format":"countersign-staged-changes","version":1,"changes":[{"kind":"mystery"}]}');
    await store.stage([add('v2'), add('v3')]);
    await assert.rejects(store.list(), refusal('config-invalid'));
    assert.deepEqual(await store.dropAll(), { changes: 2, unreadableFiles: 1 }, 'not "0 dropped" because one file could not be read');
    assert.deepEqual(await store.list(), []);
  });

  it('refuses a repository name that could leave its folder', () => {
    assert.throws(() => new StagedChanges(home(), SERVER, 'notary.test/../etc'), refusal('invalid-input'));
  });
});
