import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as der from '../../../electron/core/crypto/der';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('DER encoding', () => {
  it('encodes object identifiers, including multi-byte arcs, and reads them back', () => {
    assert.equal(hex(der.oid('1.2.840.10045.2.1')), '06072a8648ce3d0201');
    for (const oid of ['2.5.4.3', '1.3.6.1.4.1.11591.15.1', '2.16.840.1.101.3.4.1.42']) assert.equal(der.readOid(der.readDer(der.oid(oid))), oid);
  });

  it('writes integers in minimal two’s-complement form', () => {
    assert.equal(hex(der.unsignedInteger(Uint8Array.of(0, 0, 0x7f))), '02017f');
    assert.equal(hex(der.unsignedInteger(Uint8Array.of(0x80))), '02020080');
    assert.equal(hex(der.smallInteger(0)), '020100');
    assert.equal(der.readSmallInteger(der.readDer(der.smallInteger(600_000))), 600_000);
  });

  it('uses long-form lengths from 128 bytes on', () => {
    const long = der.octetString(new Uint8Array(300));
    assert.equal(hex(long.subarray(0, 4)), '0482012c');
    assert.equal(der.readOctetString(der.readDer(long)).length, 300);
  });

  it('refuses truncated elements and trailing bytes', () => {
    const seq = der.sequence(der.smallInteger(1), der.smallInteger(2));
    assert.throws(() => der.readDer(seq.subarray(0, seq.length - 1)), der.DerError);
    assert.throws(() => der.readDer(der.concatBytes(seq, Uint8Array.of(0))), der.DerError);
    assert.equal(der.readDerPrefix(der.concatBytes(seq, Uint8Array.of(4, 4, 4, 4))).encoded.length, seq.length);
  });
});

describe('reading certificate times as Go does', () => {
  const utc = (text: string) => der.readDer(der.tlv(der.TAG.utcTime, new TextEncoder().encode(text)));
  const generalized = (text: string) => der.readDer(der.tlv(der.TAG.generalizedTime, new TextEncoder().encode(text)));

  it('reads UTCTime (1950 to 2049) and GeneralizedTime to the second', () => {
    assert.equal(der.readTime(utc('491231235959Z')).toISOString(), '2049-12-31T23:59:59.000Z');
    assert.equal(der.readTime(utc('500101000000Z')).toISOString(), '1950-01-01T00:00:00.000Z');
    assert.equal(der.readTime(generalized('20360229120000Z')).toISOString(), '2036-02-29T12:00:00.000Z');
  });

  it('refuses times that do not exist instead of rolling them over (a 13th month, 31 April, 29 February 2035, second 60)', () => {
    for (const text of ['351301000000Z', '350431000000Z', '350229000000Z', '351231235960Z', '351231240000Z']) {
      assert.throws(() => der.readTime(utc(text)), /no such time/, text);
    }
  });

  it('refuses other encodings: no seconds, a local time, fractions', () => {
    for (const node of [utc('3512312359Z'), utc('351231235959+0100'), generalized('20351231235959.5Z')]) assert.throws(() => der.readTime(node), /unsupported time/);
  });
});

describe('lengths in DER form only (Go refuses BER lengths)', () => {
  it('refuses a long form where the short one fits, and leading zero bytes', () => {
    assert.throws(() => der.readDer(Uint8Array.from([0x04, 0x81, 0x01, 0xaa])), /shortest form/);
    assert.throws(() => der.readDer(Uint8Array.from([0x04, 0x82, 0x00, 0x01, 0xaa])), /shortest form/);
  });

  it('reads the long form from 128 bytes on', () => {
    const content = new Uint8Array(200);
    assert.equal(der.readDer(Uint8Array.from([0x04, 0x81, 200, ...content])).content.length, 200);
  });
});

describe('integers in DER form only (Go refuses redundant leading bytes)', () => {
  const integer = (...bytes: number[]) => der.readDer(Uint8Array.from([der.TAG.integer, bytes.length, ...bytes]));

  it('refuses a redundant leading 0x00 or 0xff', () => {
    assert.throws(() => der.readIntegerBytes(integer(0x00, 0x01)), /shortest form/);
    assert.throws(() => der.readIntegerBytes(integer(0xff, 0x80)), /shortest form/);
    assert.throws(() => der.readSmallInteger(integer(0x00, 0x02)), /shortest form/);
  });

  it('reads the leading 0x00 that keeps a high bit positive', () => {
    assert.deepEqual([...der.readIntegerBytes(integer(0x00, 0x80))], [0x00, 0x80]);
    assert.equal(der.readSmallInteger(integer(0x00, 0x80)), 128);
  });
});
