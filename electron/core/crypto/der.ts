// A small DER (ASN.1) encoder and reader. Node can parse keys and certificates but cannot build a
// certificate or a PBES2 structure with the parameters notary needs, and cannot read notary's own
// ed25519 PKCS#8 flavour, so we handle those few structures ourselves. Only definite lengths and
// single-byte tags are supported: nothing we read or write needs more.
import { existingUtcTime } from '../../../shared/utc-time';

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific, constructed tag [n] (EXPLICIT tagging). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

// ---- encoding ----

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, concatBytes(...items));
}

export function set(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.set, concatBytes(...items));
}

export function explicit(n: number, inner: Uint8Array): Uint8Array {
  return tlv(contextTag(n), inner);
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, bytes);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(TAG.bitString, concatBytes(Uint8Array.of(unusedBits), bytes));
}

export function derNull(): Uint8Array {
  return Uint8Array.of(TAG.null, 0);
}

export function derBoolean(value: boolean): Uint8Array {
  return Uint8Array.of(TAG.boolean, 1, value ? 0xff : 0);
}

/** A non-negative INTEGER from its big-endian magnitude, in minimal two's-complement form. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length === 0 || (trimmed[0]! & 0x80) !== 0;
  return tlv(TAG.integer, needsPad ? concatBytes(Uint8Array.of(0), trimmed) : trimmed);
}

export function smallInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a small non-negative integer: ${value}`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return unsignedInteger(Uint8Array.from(bytes));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => Number(arc));
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new RangeError(`bad object identifier ${dotted}`);
  }
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(TAG.oid, Uint8Array.from(out));
}

export function utf8String(text: string): Uint8Array {
  return tlv(TAG.utf8String, new TextEncoder().encode(text));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string the way Go writes one: PrintableString when every character allows it, else UTF8String. */
export function directoryString(text: string): Uint8Array {
  return PRINTABLE.test(text) ? tlv(TAG.printableString, new TextEncoder().encode(text)) : utf8String(text);
}

/** UTCTime for 1950–2049 and GeneralizedTime otherwise, as RFC 5280 requires; whole seconds, UTC. */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  const ascii = (s: string) => new TextEncoder().encode(s);
  return year >= 1950 && year < 2050
    ? tlv(TAG.utcTime, ascii(`${pad(year % 100)}${rest}`))
    : tlv(TAG.generalizedTime, ascii(`${String(year).padStart(4, '0')}${rest}`));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ---- reading ----

/** One decoded element: its tag, its content bytes, and its whole encoding (tag + length + content). */
export interface DerNode {
  tag: number;
  content: Uint8Array;
  encoded: Uint8Array;
}

/** Thrown for any malformed DER; callers translate it into their own CountersignError code. */
export class DerError extends Error {
  override name = 'DerError';
}

function readNode(bytes: Uint8Array, offset: number): DerNode {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError('truncated DER element');
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let length = first;
  let headerLength = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[offset + 2 + i];
      if (b === undefined) throw new DerError('truncated DER length');
      length = length * 256 + b;
    }
    // DER has one encoding of each length, the shortest; BER's others are what Go's parser (cryptobyte,
    // notary's) refuses, so a certificate written with one is no certificate to notary.
    if (length < 0x80 || bytes[offset + 2] === 0) throw new DerError('DER length not in its shortest form');
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > bytes.length) throw new DerError('DER element runs past the end of its container');
  return { tag, content: bytes.subarray(offset + headerLength, end), encoded: bytes.subarray(offset, end) };
}

/** Reads exactly one element that fills `bytes`; trailing data is an error. */
export function readDer(bytes: Uint8Array): DerNode {
  const node = readNode(bytes, 0);
  if (node.encoded.length !== bytes.length) throw new DerError('trailing bytes after DER element');
  return node;
}

/** Reads one element at the start of `bytes` and ignores what follows (e.g. block-cipher padding). */
export function readDerPrefix(bytes: Uint8Array): DerNode {
  return readNode(bytes, 0);
}

/** The elements inside a constructed node, optionally checking its tag first. */
export function children(node: DerNode, expectTag?: number): DerNode[] {
  if (expectTag !== undefined) expectTagOf(node, expectTag);
  const out: DerNode[] = [];
  for (let offset = 0; offset < node.content.length; ) {
    const child = readNode(node.content, offset);
    out.push(child);
    offset += child.encoded.length;
  }
  return out;
}

export function expectTagOf(node: DerNode | undefined, tag: number): DerNode {
  if (node === undefined) throw new DerError(`missing DER element (tag 0x${tag.toString(16)})`);
  if (node.tag !== tag) throw new DerError(`expected DER tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

export function readOid(node: DerNode | undefined): string {
  const content = expectTagOf(node, TAG.oid).content;
  if (content.length === 0) throw new DerError('empty object identifier');
  const first = content[0]!;
  const arcs = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (const b of content.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** An INTEGER's content bytes, checked to be DER's one encoding: no redundant leading 0x00 or 0xff (Go refuses those). */
export function readIntegerBytes(node: DerNode | undefined): Uint8Array {
  const content = expectTagOf(node, TAG.integer).content;
  if (content.length === 0) throw new DerError('empty integer');
  if (content.length > 1 && ((content[0] === 0 && (content[1]! & 0x80) === 0) || (content[0] === 0xff && (content[1]! & 0x80) !== 0))) {
    throw new DerError('integer not in its shortest form');
  }
  return content;
}

export function readSmallInteger(node: DerNode | undefined): number {
  const content = readIntegerBytes(node);
  if (content.length > 6 || (content[0]! & 0x80) !== 0) throw new DerError('integer out of range');
  return content.reduce((n, b) => n * 256 + b, 0);
}

/** A BOOLEAN in DER: one byte, 0x00 or 0xff (Go refuses any other). */
export function readBoolean(node: DerNode | undefined): boolean {
  const content = expectTagOf(node, TAG.boolean).content;
  if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) throw new DerError('boolean not 0x00 or 0xff');
  return content[0] === 0xff;
}

/** A BIT STRING's bytes and its count of unused bits, which must be zero bits as DER writes them (Go checks). */
export function readBitString(node: DerNode | undefined): { bytes: Uint8Array; unusedBits: number } {
  const content = expectTagOf(node, TAG.bitString).content;
  const unusedBits = content[0] ?? 8;
  const bytes = content.subarray(1);
  if (unusedBits > 7 || (bytes.length === 0 && unusedBits > 0) || (bytes.length > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0)) {
    throw new DerError('malformed bit string');
  }
  return { bytes, unusedBits };
}

export function readOctetString(node: DerNode | undefined): Uint8Array {
  return expectTagOf(node, TAG.octetString).content;
}

/** A BIT STRING's bytes; only whole-byte strings (no unused bits) are meaningful for keys. */
export function readBitStringBytes(node: DerNode | undefined): Uint8Array {
  const { bytes, unusedBits } = readBitString(node);
  if (unusedBits !== 0) throw new DerError('bit string with unused bits');
  return bytes;
}

export function readString(node: DerNode | undefined): string {
  if (node === undefined) throw new DerError('missing string');
  return new TextDecoder().decode(node.content);
}

export function readTime(node: DerNode | undefined): Date {
  if (node === undefined) throw new DerError('missing time');
  const text = new TextDecoder().decode(node.content);
  const match =
    node.tag === TAG.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === TAG.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) throw new DerError(`unsupported time encoding ${text}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = node.tag === TAG.utcTime ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  // A certificate naming a time that does not exist has no validity at all, rather than a shifted one.
  const date = existingUtcTime(year, mo, d, h, mi, s);
  if (date === undefined) throw new DerError(`no such time ${text}`);
  return date;
}
