import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isDigest, parseDigest, sha256Digest, verifyDigest } from '../../../electron/core/registry/digest';
import { rejectsWith } from '../net/support/assertions';

const body = Buffer.from('{"schemaVersion":2}');
const sha256 = `sha256:${createHash('sha256').update(body).digest('hex')}`;
const sha512 = `sha512:${createHash('sha512').update(body).digest('hex')}`;

describe('digests', () => {
  it('recognises sha256 and sha512 digests and nothing else', () => {
    assert.deepEqual(parseDigest(sha256), { algorithm: 'sha256', hex: sha256.slice(7) });
    assert.ok(isDigest(sha512));
    for (const notOne of ['latest', 'sha256:abc', `md5:${'a'.repeat(32)}`, sha256.toUpperCase(), `${sha256}x`]) {
      assert.equal(isDigest(notOne), false, notOne);
    }
  });

  it('computes the sha256 digest of bytes', () => {
    assert.equal(sha256Digest(body), sha256);
  });

  it('accepts bytes that match the promised digest, with either algorithm', () => {
    verifyDigest(body, sha256, 'manifest');
    verifyDigest(body, sha512, 'manifest');
  });

  it('refuses bytes that do not match, naming both digests', async () => {
    const other = sha256Digest(Buffer.from('tampered'));
    await rejectsWith(Promise.resolve().then(() => verifyDigest(body, other, 'alpine:3')), 'hash-mismatch', /alpine:3.*promised/);
  });
});
