// The bytes we upload must be exactly what notary-server gets when it re-encodes them through its Go
// structs, because it hashes that re-encoding into the snapshot and timestamp it makes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goTime, notaryEnvelope, notaryTargets, notaryRoot } from '../../../electron/core/publish/notary-form';
import { parseEnvelope, type RootSigned, type TargetsSigned } from '../../../electron/core/tuf/metadata';
import { canonicalString } from '../../../electron/core/tuf/canonical';

describe('notary form', () => {
  it('writes times as Go does: only the fraction digits needed, Z for UTC', () => {
    assert.equal(goTime(new Date('2029-11-24T02:33:28.302Z')), '2029-11-24T02:33:28.302Z');
    assert.equal(goTime(new Date('2029-11-24T02:33:28.300Z')), '2029-11-24T02:33:28.3Z');
    assert.equal(goTime(new Date('2029-11-24T02:33:20.000Z')), '2029-11-24T02:33:20Z');
    assert.equal(goTime(new Date('2030-01-01T00:00:00.000Z')), '2030-01-01T00:00:00Z');
  });

  it('keeps only the fields notary’s structs have, always writes delegations, and omits empty paths', () => {
    const targets = {
      _type: 'Targets',
      expires: '2030-01-01T00:00:00Z',
      version: 3,
      extra: 'dropped by the server',
      targets: { v1: { hashes: { sha256: 'AAAA' }, length: 1, note: 'dropped' } },
      delegations: { keys: {}, roles: [{ keyids: [], name: 'targets/a', paths: [], threshold: 1 }, { keyids: [], name: 'targets/b', paths: ['b/'], threshold: 1 }] },
    } as unknown as TargetsSigned;
    assert.equal(
      canonicalString(notaryTargets(targets)),
      '{"_type":"Targets","delegations":{"keys":{},"roles":[{"keyids":[],"name":"targets/a","threshold":1},{"keyids":[],"name":"targets/b","paths":["b/"],"threshold":1}]},"expires":"2030-01-01T00:00:00Z","targets":{"v1":{"hashes":{"sha256":"AAAA"},"length":1}},"version":3}',
    );
    const bare = { _type: 'Targets', expires: '2030-01-01T00:00:00Z', version: 1, targets: {} } as unknown as TargetsSigned;
    assert.match(canonicalString(notaryTargets(bare)), /"delegations":\{"keys":\{\},"roles":\[\]\}/);
  });

  it('writes consistent_snapshot and private: null in root keys, as Go always does', () => {
    const root = {
      _type: 'Root',
      expires: '2030-01-01T00:00:00Z',
      version: 1,
      keys: { ['a'.repeat(64)]: { keytype: 'ecdsa', keyval: { public: 'AAAA' } } },
      roles: { root: { keyids: [], threshold: 1 }, targets: { keyids: [], threshold: 1 }, snapshot: { keyids: [], threshold: 1 }, timestamp: { keyids: [], threshold: 1 } },
    } as unknown as RootSigned;
    const text = canonicalString(notaryRoot(root));
    assert.match(text, /"consistent_snapshot":false/);
    assert.match(text, /"keyval":\{"private":null,"public":"AAAA"\}/);
  });

  it('escapes <, > and & in the file as encoding/json does, while the file still parses to the signed object', () => {
    const signed = { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: '2030-01-01T00:00:00Z', targets: { 'a<b>&c': { hashes: { sha256: 'AAAA' }, length: 1 } }, version: 1 };
    const bytes = notaryEnvelope(canonicalString(signed), []);
    assert.match(Buffer.from(bytes).toString(), /"a\\u003cb\\u003e\\u0026c"/);
    assert.deepEqual(Object.keys(parseEnvelope('targets', 'targets', bytes).signed.targets), ['a<b>&c']);
  });
});
