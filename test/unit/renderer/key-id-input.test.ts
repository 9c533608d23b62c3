import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { knownKeys, resolveKeyId } from '../../../renderer/src/features/revoke/key-id-input';
import { sortStatuses } from '../../../renderer/src/features/repositories/status-order';
import type { WatchStatus } from '../../../shared/schemas/views';

const A = 'a'.repeat(12) + '1'.repeat(52);
const B = 'a'.repeat(12) + '2'.repeat(52);
const C = 'c'.repeat(64);
const known = knownKeys([
  { id: A, name: 'signer alice' },
  { id: A, name: 'targets/releases' },
  { id: B, name: 'signer bob' },
  { id: C, name: 'signer carol' },
]);

describe('the compromised key, as a person gives it', () => {
  it('accepts the 12 characters the screens show when one known key starts with them', () => {
    assert.deepEqual(resolveKeyId(C.slice(0, 12), known), { kind: 'resolved', id: C, key: { id: C, names: ['signer carol'] } });
  });
  it('asks for more when several known keys start with what was typed', () => {
    const resolution = resolveKeyId(A.slice(0, 12), known);
    assert.equal(resolution.kind, 'ambiguous');
    assert.equal(resolution.kind === 'ambiguous' && resolution.matches.length, 2);
  });
  it('takes any full 64-digit ID, known or not, upper case too', () => {
    assert.deepEqual(resolveKeyId('F'.repeat(64), known), { kind: 'resolved', id: 'f'.repeat(64) });
  });
  it('says why a short ID that matches nothing, or a non-hex one, is refused', () => {
    assert.equal(resolveKeyId('0123', known).kind, 'unknown');
    assert.equal(resolveKeyId('xyz', known).kind, 'invalid');
    assert.equal(resolveKeyId('  ', known).kind, 'empty');
  });
  it('lists each key once with everyone who holds it', () => {
    assert.deepEqual(known.find((k) => k.id === A)?.names, ['signer alice', 'targets/releases']);
  });
});

describe('the watch list order', () => {
  const status = (gun: string, state: WatchStatus['state'], extra: Partial<WatchStatus> = {}): WatchStatus => ({ gun, serverId: 's', state, ...extra });
  const list = [
    status('b', 'verified', { nearestExpiry: { role: 'targets', expires: '2030-01-01T00:00:00Z' } }),
    status('a', 'failed', { error: { code: 'repository-not-found', message: '' } }),
    status('c', 'failed', { error: { code: 'signature-threshold', message: '' } }),
    status('d', 'failed', { error: { code: 'server-unreachable', message: '' } }),
  ];
  it('puts refused data first, then what could not be checked, then unsigned, then verified', () => {
    assert.deepEqual(sortStatuses(list, 'attention').map((s) => s.gun), ['c', 'd', 'a', 'b']);
  });
  it('sorts by name', () => {
    assert.deepEqual(sortStatuses(list, 'name').map((s) => s.gun), ['a', 'b', 'c', 'd']);
  });
});
