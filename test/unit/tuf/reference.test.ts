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
