// Canonical JSON is what every signature covers, so it must be byte for byte what notary signs:
// checked against files the real notary made (test/fixtures), then rule by rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, canonicalString } from '../../../electron/core/tuf/canonical';
import { verifySignature } from '../../../electron/core/crypto/verify';
import type { TufPublicKey } from '../../../electron/core/crypto/types';
import { notaryFixture, notaryFixtureText } from '../../helpers/notary-fixture';

interface NotaryFile {
  signed: { keys?: Record<string, TufPublicKey>; delegations?: { keys: Record<string, TufPublicKey> } } & Record<string, unknown>;
  signatures: { keyid: string; method: string; sig: string }[];
}

/**
 * The bytes of "signed" as notary wrote them into the file. notary writes the file with Go's
 * encoding/json, which escapes <, > and & as \u003c, \u003e, \u0026 on the way out; the canonical
 * form it signed has them raw. Undoing those three escapes gives the signed bytes.
 */
function signedTextAsWritten(fileText: string): string {
  const start = '{"signed":'.length;
  const end = fileText.lastIndexOf(',"signatures":');
  return fileText.slice(start, end).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');
}

/** Keys that sign each fixture file: root's for top-level roles, the parent's for delegations. */
function signingKeys(file: string): Record<string, TufPublicKey> {
  const parse = (name: string) => JSON.parse(notaryFixtureText(name)) as NotaryFile;
  const role = file.replace(/^\d+\./, '').replace(/\.json$/, '');
  if (role === 'root') return { ...parse('1.root.json').signed.keys, ...parse('2.root.json').signed.keys };
  if (!role.startsWith('targets/')) return parse('root.json').signed.keys ?? {};
  const parent = role.slice(0, role.lastIndexOf('/'));
  return parse(`${parent}.json`).signed.delegations?.keys ?? {};
}

describe('canonical JSON on files notary made', () => {
  for (const file of notaryFixture.files) {
    it(`re-encodes "signed" of ${file} to exactly the bytes notary wrote`, () => {
      const text = notaryFixtureText(file);
      const parsed = JSON.parse(text) as NotaryFile;
      assert.equal(canonicalString(parsed.signed), signedTextAsWritten(text));
    });

    it(`yields the bytes notary signed in ${file}: every signature verifies over them`, () => {
      const parsed = JSON.parse(notaryFixtureText(file)) as NotaryFile;
      const keys = signingKeys(file);
      for (const signature of parsed.signatures) {
        const key = keys[signature.keyid];
        assert.ok(key, `the key ${signature.keyid} that signed ${file}`);
        assert.equal(verifySignature(key, signature.method, canonicalBytes(parsed.signed), signature.sig), true);
      }
    });
  }

  it('writes non-ASCII raw and leaves <, > and & unescaped, as notary signed them', () => {
    const targets = JSON.parse(notaryFixtureText('targets.json')) as NotaryFile;
    const encoded = canonicalString(targets.signed);
    assert.ok(encoded.includes('"unicode/café-☃":'));
    assert.ok(encoded.includes('"html/<a&b>":'));
  });
});

describe('canonical JSON rules', () => {
  it('sorts object keys and drops all whitespace', () => {
    assert.equal(canonicalString({ b: [1, { d: null, c: true }], a: 'x' }), '{"a":"x","b":[1,{"c":true,"d":null}]}');
  });

  it('sorts keys by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FFFF (EF BF BF) sorts before U+10000 (F0 90 80 80) in UTF-8; UTF-16 puts the surrogate first.
    assert.equal(canonicalString({ '\u{10000}': 1, '\uffff': 2 }), '{"\uffff":2,"\u{10000}":1}');
    assert.equal(canonicalString({ é: 1, z: 2, Z: 3 }), '{"Z":3,"z":2,"é":1}');
  });

  it('escapes only the quote and the backslash; control characters and non-ASCII stay raw', () => {
    assert.equal(canonicalString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(canonicalString('tab\tnl\ncr\r\u0001\u2028€𝄞'), '"tab\tnl\ncr\r\u0001\u2028€𝄞"');
  });

  it('encodes integers, booleans and null as JSON does', () => {
    assert.equal(canonicalString([0, -5, 9007199254740991, true, false, null]), '[0,-5,9007199254740991,true,false,null]');
  });

  it('refuses numbers Go would encode differently (fractions, unsafe integers, NaN)', () => {
    for (const n of [1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => canonicalString({ n }), TypeError);
    }
  });

  it('leaves out members whose value is undefined, as JSON.stringify does', () => {
    assert.equal(canonicalString({ a: undefined, b: 1 }), '{"b":1}');
  });

  it('encodes as UTF-8 bytes', () => {
    assert.deepEqual([...canonicalBytes('é')], [0x22, 0xc3, 0xa9, 0x22]);
  });
});
