import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePemBlock, parsePemBlocks } from '../../../electron/core/crypto/pem';

const body = Buffer.from('a key, or so it says'.repeat(5));

describe('PEM blocks with notary headers', () => {
  it('reads role, gun and path header lines that node itself refuses', () => {
    const text = encodePemBlock({ type: 'ENCRYPTED PRIVATE KEY', headers: { role: 'targets', gun: 'example.com/app', path: 'abc' }, bytes: body });
    const [block] = parsePemBlocks(text);
    assert.deepEqual(block, { type: 'ENCRYPTED PRIVATE KEY', headers: { gun: 'example.com/app', path: 'abc', role: 'targets' }, bytes: Uint8Array.from(body) });
  });

  it('writes headers sorted, a blank line, and 64-column base64, like Go’s pem.Encode', () => {
    const text = encodePemBlock({ type: 'PRIVATE KEY', headers: { role: 'root', gun: 'g' }, bytes: body });
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 4), ['-----BEGIN PRIVATE KEY-----', 'gun: g', 'role: root', '']);
    assert.equal(lines[4]!.length, 64);
    assert.ok(text.endsWith('-----END PRIVATE KEY-----\n'));
  });

  it('reads several blocks, CRLF line ends and text around the blocks', () => {
    const one = encodePemBlock({ type: 'PRIVATE KEY', headers: { role: 'a' }, bytes: body });
    const two = encodePemBlock({ type: 'CERTIFICATE', headers: {}, bytes: body });
    const blocks = parsePemBlocks(`notes first\r\n${one.replace(/\n/g, '\r\n')}between\n${two}trailing`);
    assert.deepEqual(blocks.map((b) => [b.type, b.headers['role']]), [['PRIVATE KEY', 'a'], ['CERTIFICATE', undefined]]);
  });

  it('calls a truncated file, a damaged body or no block at all pem-invalid', () => {
    const text = encodePemBlock({ type: 'PRIVATE KEY', headers: {}, bytes: body });
    assert.throws(() => parsePemBlocks(text.slice(0, text.length - 20)), { code: 'pem-invalid' });
    assert.throws(() => parsePemBlocks(text.replace(/^[A-Za-z]/m, '*')), { code: 'pem-invalid' });
    assert.throws(() => parsePemBlocks('-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n'), { code: 'pem-invalid' });
    assert.throws(() => parsePemBlocks('{"not": "pem"}'), { code: 'pem-invalid' });
  });
});
