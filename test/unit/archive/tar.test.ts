// The archive's container: a tar anyone can open, read back exactly, and refused the moment it holds
// something a plain tar of regular files would not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTar, writeTar } from '../../../electron/core/archive';

const LIMITS = { maxEntries: 100 };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function roundTrip(entries: { path: string; bytes: Uint8Array }[]): Map<string, Uint8Array> {
  return readTar(writeTar(entries, 1_700_000_000), LIMITS);
}

/** A header block of an archive we wrote, to be corrupted by a test. */
function archiveWith(path: string, content = 'x'): Buffer {
  return writeTar([{ path, bytes: bytes(content) }], 0);
}

/** One byte of the header starting at `header` changed, its checksum made to match again or not. */
function withHeaderByte(archive: Buffer, offset: number, value: number, fixChecksum: boolean, header = 0): Buffer {
  const copy = Buffer.from(archive);
  copy[header + offset] = value;
  if (fixChecksum) {
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : copy[header + i]!;
    copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, header + 148, 'latin1');
  }
  return copy;
}

describe('writing and reading back', () => {
  it('keeps every file\'s bytes and name, in any length and alphabet', () => {
    const long = `repositories/1/metadata/${'targets/deep/'.repeat(12)}role.json`;
    const entries = [
      { path: 'countersign-archive.json', bytes: bytes('{"a":1}\n') },
      { path: 'empty', bytes: new Uint8Array() },
      { path: 'exactly-512', bytes: new Uint8Array(512).fill(7) },
      { path: long, bytes: bytes('long name') },
      { path: 'repositories/1/metadata/targets/équipe.json', bytes: bytes('utf-8 name') },
    ];
    const read = roundTrip(entries);
    assert.deepEqual([...read.keys()], entries.map((e) => e.path));
    for (const entry of entries) assert.deepEqual(Buffer.from(read.get(entry.path)!), Buffer.from(entry.bytes));
  });

  it('writes the same bytes for the same input (reproducible archives)', () => {
    const entries = [{ path: 'a', bytes: bytes('1') }];
    assert.deepEqual(writeTar(entries, 5), writeTar(entries, 5));
  });

  it('refuses to write a path that could escape where it is unpacked', () => {
    for (const path of ['../evil', '/abs', 'a//b', 'a/./b', '']) {
      assert.throws(() => writeTar([{ path, bytes: bytes('x') }], 0), { code: 'metadata-malformed' }, path);
    }
  });
});

describe('reading refuses', () => {
  it('a header whose checksum does not add up', () => {
    assert.throws(() => readTar(withHeaderByte(archiveWith('a'), 0, 'b'.charCodeAt(0), false), LIMITS), /checksum/);
  });

  it('links, devices and anything but regular files', () => {
    assert.throws(() => readTar(withHeaderByte(archiveWith('a'), 156, '2'.charCodeAt(0), true), LIMITS), /not a regular file/);
  });

  it('a name that escapes, even with a valid checksum', () => {
    const archive = withHeaderByte(withHeaderByte(archiveWith('ab'), 0, '.'.charCodeAt(0), false), 1, '.'.charCodeAt(0), true);
    assert.throws(() => readTar(archive, LIMITS), /safe relative path/);
  });

  it('the same name twice', () => {
    const archive = writeTar([{ path: 'a', bytes: bytes('1') }, { path: 'b', bytes: bytes('2') }], 0);
    const twice = withHeaderByte(archive, 0, 'a'.charCodeAt(0), true, 1024);
    assert.throws(() => readTar(twice, LIMITS), /appears twice/);
  });

  it('bytes after the end-of-archive marker', () => {
    assert.throws(() => readTar(Buffer.concat([archiveWith('a'), Buffer.from('more')]), LIMITS), /follows the end/);
  });

  it('an archive cut short', () => {
    const archive = archiveWith('a', 'x'.repeat(2000));
    assert.throws(() => readTar(archive.subarray(0, 1024), LIMITS), /runs past the end|truncated/);
    assert.throws(() => readTar(archive.subarray(0, archive.length - 1024), LIMITS), /end-of-archive/);
  });

  it('more files than the limit', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ path: `f${i}`, bytes: bytes('x') }));
    assert.throws(() => readTar(writeTar(many, 0), { maxEntries: 4 }), /more than 4 files/);
  });

  it('something that is not a tar at all', () => {
    assert.throws(() => readTar(Buffer.from('not a tar'), LIMITS), { code: 'metadata-malformed' });
  });
});
