// Image references and tag order as docker understands them (shared/reference.ts): the names a user
// types become GUNs, and tags sort in docker trust inspect's natural order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { naturalCompare, parseReference, sortNatural } from '../../../shared/reference';

describe('naturalCompare', () => {
  it('orders digit runs as numbers: v1 < v1.9 < v1.10 < v2 < v10', () => {
    assert.deepEqual(['v10', 'v2', 'v1.10', 'v1', 'v1.9'].sort(naturalCompare), ['v1', 'v1.9', 'v1.10', 'v2', 'v10']);
  });

  // Pairs (a < b) as docker's sort (natural order with leading zeros as the tie-breaker) puts them.
  const ordered: [string, string][] = [
    ['1', '02'],
    ['2', '02'],
    ['v1', 'v01'],
    ['v1', 'v1a'],
    ['v1', 'v1-rc1'],
    ['v1-rc1', 'v1.0'],
    ['a1', 'a-'],
    ['1.0', 'latest'],
    ['Z', 'a'],
    ['99999999999999999998', '99999999999999999999'],
    ['v9', 'v18446744073709551616'],
    ['0', '00'],
    ['007', '8'],
    ['x', 'x0'],
    ['a', 'a-'],
    ['', 'a'],
    ['v1.0', 'v1.0.0'],
    ['v1.0.0-rc2', 'v1.0.0-rc10'],
  ];
  for (const [a, b] of ordered) {
    it(`puts ${a} before ${b}`, () => {
      assert.ok(naturalCompare(a, b) < 0, `${a} < ${b}`);
      assert.ok(naturalCompare(b, a) > 0, `${b} > ${a}`);
    });
  }

  it('finds equal strings equal', () => {
    assert.equal(naturalCompare('v1.2.3', 'v1.2.3'), 0);
    assert.equal(naturalCompare('', ''), 0);
  });

  it('sorts by a key the same way', () => {
    const rows = ['v10', 'v2', 'latest', 'v1'].map((tag) => ({ tag }));
    assert.deepEqual(sortNatural(rows, (r) => r.tag).map((r) => r.tag), ['latest', 'v1', 'v2', 'v10']);
  });
});

/**
 * The documented order, compared run by run straight from the two strings: the oracle the collation
 * keys (shared/reference.ts) must agree with.
 */
function documentedOrder(a: string, b: string): number {
  const runsA = a.match(/\d+|\D+/g) ?? [];
  const runsB = b.match(/\d+|\D+/g) ?? [];
  for (let k = 0; k < Math.min(runsA.length, runsB.length); k++) {
    const x = runsA[k]!;
    const y = runsB[k]!;
    const order = /\d/.test(x[0]!) && /\d/.test(y[0]!) ? compareNumbers(x, y) : compareUnits(x, y);
    if (order !== 0) return order;
  }
  return Math.sign(runsA.length - runsB.length);
}

function compareNumbers(x: string, y: string): number {
  const valueX = x.replace(/^0+/, '');
  const valueY = y.replace(/^0+/, '');
  if (valueX.length !== valueY.length) return Math.sign(valueX.length - valueY.length);
  return compareUnits(valueX, valueY) || Math.sign(x.length - y.length);
}

function compareUnits(x: string, y: string): number {
  return x === y ? 0 : x < y ? -1 : 1;
}

describe('natural order through collation keys', () => {
  // Pairs (a < b) at the edges of the key encoding: characters 0 and 1 (escaped, next to the end of
  // a text run), non-ASCII and the highest code unit, digit runs of 64 digits and more (a wider
  // count field), leading zeros, and text against a number at a run boundary.
  const ordered: [string, string][] = [
    ['a', 'a\u0000'],
    ['a\u0000', 'a\u0001'],
    ['a\u0001', 'a\u0002'],
    ['a\u0000b', 'a\u0001'],
    ['a', 'a1'],
    ['a1', 'a\u0002'],
    ['a0', 'a/'],
    ['/', '0'],
    ['0', ':'],
    ['v1', 'vé'],
    ['é', '\uffff'],
    ['\uffff', '\uffff\u0000'],
    ['\ud83d\ude00', '\uffff'],
    ['v2é', 'v10é'],
    ['9'.repeat(63), '1' + '0'.repeat(63)],
    ['9'.repeat(64), '1' + '0'.repeat(64)],
    ['1' + '0'.repeat(70), '0' + '1' + '0'.repeat(70)],
    ['0'.repeat(64) + '1', '2'],
    ['9'.repeat(65534), '9'.repeat(65535)],
    ['9'.repeat(65535), '1' + '0'.repeat(65535)],
    ['9'.repeat(70000), '1' + '0'.repeat(70000)],
    ['1'.repeat(70000), '0' + '1'.repeat(70000)],
    ['0', '0a'],
    ['00', '000'],
    ['1a', '01'],
    ['1b', '01a'],
    ['v1.2', 'v1.2a'],
    ['a.1', 'a.01'],
  ];
  for (const [a, b] of ordered) {
    it(`puts ${JSON.stringify(a.length > 20 ? `${a.slice(0, 8)}…(${a.length})` : a)} before ${JSON.stringify(b.length > 20 ? `${b.slice(0, 8)}…(${b.length})` : b)}`, () => {
      assert.equal(documentedOrder(a, b), -1, 'the oracle agrees');
      assert.ok(naturalCompare(a, b) < 0);
      assert.ok(naturalCompare(b, a) > 0);
    });
  }

  it('finds only equal strings equal, whatever they hold', () => {
    for (const s of ['a\u0000', 'a\u0001', '007', 'é1', '\uffff', '9'.repeat(70000)]) assert.equal(naturalCompare(s, s), 0);
    assert.notEqual(naturalCompare('a\u0000', 'a\u0001\u0000'), 0);
    assert.notEqual(naturalCompare('1', '01'), 0);
  });

  it('sorts random strings exactly as the documented order, keeping equal keys in their input order', () => {
    const alphabet = ['0', '1', '9', '00', 'a', 'Z', '-', '.', '/', ':', 'é', '\u0000', '\u0001', '\u0002', '\uffff', '\ud83d'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = Array.from({ length: 3000 }, () => Array.from({ length: random(7) }, () => alphabet[random(alphabet.length)]).join(''));
    const rows = keys.map((tag, index) => ({ tag, index }));
    const expected = [...rows].sort((x, y) => documentedOrder(x.tag, y.tag) || x.index - y.index);
    assert.deepEqual(sortNatural(rows, (row) => row.tag), expected);
    for (let k = 0; k + 1 < keys.length; k++) assert.equal(Math.sign(naturalCompare(keys[k]!, keys[k + 1]!)), documentedOrder(keys[k]!, keys[k + 1]!));
  });
});

describe('parseReference', () => {
  const references: [string, { gun: string; tag?: string }][] = [
    ['alpine', { gun: 'docker.io/library/alpine' }],
    ['alpine:3.19', { gun: 'docker.io/library/alpine', tag: '3.19' }],
    ['user/app', { gun: 'docker.io/user/app' }],
    ['docker.io/library/alpine:latest', { gun: 'docker.io/library/alpine', tag: 'latest' }],
    ['localhost/app', { gun: 'localhost/app' }],
    ['localhost:5000/team/app:v1_2', { gun: 'localhost:5000/team/app', tag: 'v1_2' }],
    ['registry.example.com/a/b/c', { gun: 'registry.example.com/a/b/c' }],
    ['registry.example.com:443/app', { gun: 'registry.example.com:443/app' }],
    ['my-registry.local/some_app__x', { gun: 'my-registry.local/some_app__x' }],
  ];
  for (const [input, expected] of references) {
    it(`reads ${input} as ${expected.gun}${expected.tag ? ` tag ${expected.tag}` : ''}`, () => {
      assert.deepEqual(parseReference(input), { input, ...expected });
    });
  }

  const refused = [
    'alpine@sha256:' + 'a'.repeat(64),
    'Alpine',
    'user/App',
    'alpine:',
    'alpine:-rc',
    `alpine:${'x'.repeat(129)}`,
    'registry.example.com/../etc',
    'registry.example.com/a//b',
    'registry.example.com/',
    '',
  ];
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
      assert.equal(parseReference(input), undefined);
    });
  }

  it('accepts a tag of 128 characters', () => {
    assert.equal(parseReference(`alpine:${'x'.repeat(128)}`)?.tag, 'x'.repeat(128));
  });
});
