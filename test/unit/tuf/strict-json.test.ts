// Strict JSON: untrusted bytes become a value only when they are valid UTF-8, valid JSON and repeat
// no key in any object — however the repeat is spelled. JSON.parse alone keeps the last duplicate
// silently, which is the parser differential behind the "two signed objects" attack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDuplicateKey, parseStrictJson, parseStrictJsonWithMembers } from '../../../electron/core/tuf/strict-json';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('duplicate keys', () => {
  const duplicates: [string, string, string][] = [
    ['two "signed" members', '{"signed":{},"signed":{},"signatures":[]}', 'signed'],
    ['a key spelled with a \\u escape', '{"signed":{},"sign\\u0065d":{}}', 'signed'],
    ['a key spelled with escapes throughout', '{"a":1,"\\u0061":2}', 'a'],
    ['a repeat deep inside', '{"signed":{"meta":{"x":{"length":1,"length":2}}}}', 'length'],
    ['a repeat in an object inside an array', '{"roles":[{"name":"a","name":"b"}]}', 'name'],
    ['a repeat after a nested array', '{"a":[1,{"k":1}],"a":2}', 'a'],
    ['a key ending in an escaped backslash', '{"a\\\\":1,"a\\\\":2}', 'a\\'],
    ['a repeat separated by whitespace', '{ "a" : 1 ,\n "a" : 2 }', 'a'],
  ];
  for (const [what, text, key] of duplicates) {
    it(`refuses ${what}`, () => {
      assert.equal(findDuplicateKey(text), key);
      assert.throws(() => parseStrictJson(bytes(text), 'root.json', 'root'), { code: 'metadata-duplicate-key', role: 'root' });
    });
  }

  const fine: [string, string][] = [
    ['the same key in sibling objects', '{"a":{"x":1},"b":{"x":2}}'],
    ['equal strings in an array', '{"a":["x","x"]}'],
    ['a value that looks like a key', '{"a":"\\"b\\":1","b":2}'],
    ['keys that differ only in case', '{"a":1,"A":2}'],
    ['a quote escaped inside a key', '{"a\\"":1,"a":2}'],
  ];
  for (const [what, text] of fine) {
    it(`accepts ${what}`, () => {
      assert.equal(findDuplicateKey(text), undefined);
      assert.deepEqual(parseStrictJson(bytes(text), 'x.json'), JSON.parse(text));
    });
  }
});

describe('bytes that are not JSON', () => {
  it('refuses invalid UTF-8 as malformed, naming the role', () => {
    const invalid = Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    assert.throws(() => parseStrictJson(invalid, 'snapshot.json', 'snapshot'), { code: 'metadata-malformed', role: 'snapshot' });
  });

  it('refuses truncated JSON as malformed', () => {
    assert.throws(() => parseStrictJson(bytes('{"signed":{'), 'targets.json', 'targets'), { code: 'metadata-malformed', role: 'targets' });
  });

  it('refuses an empty body as malformed', () => {
    assert.throws(() => parseStrictJson(new Uint8Array(), 'timestamp.json', 'timestamp'), { code: 'metadata-malformed', role: 'timestamp' });
  });
});

describe('the exact bytes of each top-level member', () => {
  it('finds the bytes of "signed" as served, whitespace included', () => {
    const text = '{ "signed" : { "a" : [1, 2] } , "signatures" : [ ] }';
    const { memberBytes } = parseStrictJsonWithMembers(bytes(text), 'x.json');
    assert.equal(Buffer.from(memberBytes.get('signed')!).toString(), '{ "a" : [1, 2] }');
    assert.equal(Buffer.from(memberBytes.get('signatures')!).toString(), '[ ]');
  });

  it('counts bytes, not characters, when multi-byte characters come first', () => {
    const text = '{"name":"café ☃ 𝄞","signed":{"t":"ü"},"signatures":[]}';
    const { memberBytes } = parseStrictJsonWithMembers(bytes(text), 'x.json');
    assert.equal(Buffer.from(memberBytes.get('signed')!).toString(), '{"t":"ü"}');
  });

  it('is not fooled by braces inside strings', () => {
    const text = '{"x":"}{\\"signed\\":{}","signed":{"k":"}"},"signatures":[]}';
    const { value, memberBytes } = parseStrictJsonWithMembers(bytes(text), 'x.json');
    assert.equal(Buffer.from(memberBytes.get('signed')!).toString(), '{"k":"}"}');
    assert.deepEqual((value as { signed: unknown }).signed, { k: '}' });
  });
});

describe('escapes of half a surrogate pair (JSON.parse keeps them, Go reads U+FFFD)', () => {
  const parse = (json: string) => parseStrictJson(new TextEncoder().encode(json), 'x.json');

  it('refuses a lone high or low half, in a key or a value', () => {
    for (const json of ['{"a":"\\ud800"}', '{"\\udbff":1}', '{"a":"x\\udc00"}', '{"a":"\\ud800\\u0041"}', '{"a":"\\ud800\\ud800"}']) {
      assert.throws(() => parse(json), { code: 'metadata-malformed', message: /surrogate/ }, json);
    }
  });

  it('reads whole pairs, escaped backslashes that only look like escapes, and raw UTF-8', () => {
    assert.deepEqual(parse('{"a":"\\ud83d\\ude00"}'), { a: '😀' });
    assert.deepEqual(parse('{"a":"\\\\ud800"}'), { a: '\\ud800' });
    assert.deepEqual(parse('{"a":"😀 é"}'), { a: '😀 é' });
  });
});
