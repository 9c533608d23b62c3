// The rotation record: what lets an interrupted rotation resume. Written whole after every step, read
// back exactly, listed while unfinished, refused (not guessed at) when damaged.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordView, RotationRecords } from '../../../electron/core/jobs/rotation-record';

const A = { gun: 'registry.example.com/team/a', serverId: 'team' };
const B = { gun: 'registry.example.com/team/b', serverId: 'team' };
const KEY = 'ab'.repeat(32);

describe('the rotation record', async () => {
  const home = await mkdtemp(join(tmpdir(), 'countersign-rotation-record-'));
  after(() => rm(home, { recursive: true, force: true }));

  it('starts with every repository pending, on disk before anything happens', async () => {
    const records = new RotationRecords(home);
    const record = await records.create('root', false, [A, B]);
    assert.deepEqual(
      record.repositories.map((r) => r.step),
      ['pending', 'pending'],
    );
    assert.deepEqual(await records.load(record.id), record);
    assert.deepEqual((await records.unfinished()).map((r) => r.id), [record.id]);
  });

  it('reads back each step exactly as saved, and drops out of the unfinished list once every repository is done', async () => {
    const records = new RotationRecords(home);
    const record = await records.create('targets', false, [A]);
    record.repositories[0]!.step = 'staged';
    record.repositories[0]!.newKeyIds = [KEY];
    record.repositories[0]!.oldRoot = Buffer.from('{"signed":{}}').toString('base64');
    await records.save(record);
    assert.deepEqual((await records.load(record.id)).repositories[0], record.repositories[0]);
    record.repositories[0]!.step = 'done';
    await records.save(record);
    assert.ok(!(await records.unfinished()).some((r) => r.id === record.id));
    assert.equal(recordView(await records.load(record.id)).finished, true);
  });

  it('keeps the file private to the user (mode 600)', async () => {
    const records = new RotationRecords(home);
    const record = await records.create('snapshot', true, [A]);
    assert.equal((await stat(join(records.dir, `${record.id}.json`))).mode & 0o777, 0o600);
  });

  it('shows the renderer only IDs, steps and errors: no old root, nothing else', async () => {
    const records = new RotationRecords(home);
    const record = await records.create('root', false, [A]);
    record.repositories[0]!.oldRoot = Buffer.from('root bytes').toString('base64');
    record.repositories[0]!.error = { code: 'server-unreachable', message: 'no answer' };
    assert.deepEqual(Object.keys(recordView(record).repositories[0]!).sort(), ['error', 'gun', 'newKeyIds', 'oldKeyIds', 'serverId', 'step']);
  });

  it('refuses a damaged record when asked for it, and leaves it out of the unfinished list', async () => {
    const records = new RotationRecords(home);
    const record = await records.create('root', false, [A]);
    await writeFile(join(records.dir, `${record.id}.json`), '{"format":"countersign-rotation","version":1,"id":"x"}');
    await assert.rejects(records.load(record.id), { code: 'config-invalid' });
    assert.ok(!(await records.unfinished()).some((r) => r.id === record.id));
    await records.remove(record.id);
    assert.ok(!(await readdir(records.dir)).includes(`${record.id}.json`));
  });

  it('refuses IDs that could name another file', async () => {
    await assert.rejects(new RotationRecords(home).load('../settings'), { code: 'invalid-input' });
    await assert.rejects(new RotationRecords(home).remove('a/../../b'), { code: 'invalid-input' });
  });
});
