// A small, strict tar (POSIX ustar, with pax "path" records for long names): the evidence archive's
// container, so that anyone can open one with `tar -x` and read the metadata files byte for byte.
// The reader accepts only what a plain tar of regular files holds, checks every header's checksum and
// refuses anything unexpected (links, devices, duplicate names, escaping paths, bytes after the end).
import { CountersignError } from '../../../shared/errors';

const BLOCK = 512;
const NAME_LENGTH = 100;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export interface TarEntry {
  path: string;
  bytes: Uint8Array;
}

export interface TarLimits {
  /** Entries in one archive. */
  maxEntries: number;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A tar of regular files, in the given order; `mtime` (seconds) is the same for all, for reproducible bytes. */
export function writeTar(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    checkPath(entry.path);
    const name = encoder.encode(entry.path);
    const asciiShort = name.length <= NAME_LENGTH && /^[\x20-\x7e]*$/.test(entry.path);
    if (!asciiShort) {
      // pax: the real name as a record; the ustar header keeps a truncated stand-in.
      const records = encoder.encode(paxRecord('path', entry.path));
      parts.push(header(`PaxHeaders/${entry.path.slice(-80).replace(/[^\x20-\x7e]/g, '_')}`, records.length, 'x', mtime), padded(records));
    }
    const standIn = asciiShort ? entry.path : entry.path.replace(/[^\x20-\x7e]/g, '_').slice(-NAME_LENGTH);
    parts.push(header(standIn, entry.bytes.length, '0', mtime), padded(entry.bytes));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(parts);
}

/** "<length> <key>=<value>\n", where the length counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

function header(name: string, size: number, type: '0' | 'x', mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, length: number, value: string) => block.set(encoder.encode(value).subarray(0, length), offset);
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  put(0, NAME_LENGTH, name);
  put(100, 8, octal(0o644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(mtime, 12));
  put(148, 8, ' '.repeat(8));
  put(156, 1, type);
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(148, 8, `${checksumOf(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padded(bytes: Uint8Array): Uint8Array {
  const remainder = bytes.length % BLOCK;
  return remainder === 0 ? bytes : Buffer.concat([bytes, new Uint8Array(BLOCK - remainder)]);
}

/** Sum of the header's bytes with the checksum field counted as spaces. */
function checksumOf(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Reading

export function readTar(bytes: Uint8Array, limits: TarLimits): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let offset = 0;
  let longPath: string | undefined;
  for (;;) {
    if (offset + BLOCK > bytes.length) throw malformed('it ends without the end-of-archive marker (truncated?)');
    const block = bytes.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) {
      checkTrailer(bytes.subarray(offset));
      return entries;
    }
    const size = octalField(block, 124, 12, 'size');
    if (octalField(block, 148, 8, 'checksum') !== checksumOf(block)) throw malformed(`the header at byte ${offset} fails its checksum`);
    if (!isUstar(block)) throw malformed(`the header at byte ${offset} is not a ustar header`);
    const start = offset + BLOCK;
    const end = start + size;
    if (end > bytes.length) throw malformed(`an entry at byte ${offset} runs past the end of the file`);
    const content = bytes.subarray(start, end);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;

    const type = String.fromCharCode(block[156]!);
    if (type === 'x') {
      longPath = paxPath(content);
      continue;
    }
    const path = normalisePath(longPath ?? headerName(block));
    longPath = undefined;
    if (type === '5') continue; // a directory, as `tar -c` of an unpacked archive adds
    if (type !== '0' && type !== '\0') throw malformed(`${path} is not a regular file (type "${type}")`);
    checkPath(path);
    if (entries.has(path)) throw malformed(`${path} appears twice`);
    if (entries.size >= limits.maxEntries) throw malformed(`it holds more than ${limits.maxEntries} files`);
    entries.set(path, content);
  }
}

function isUstar(block: Uint8Array): boolean {
  const magic = Buffer.from(block.subarray(257, 265)).toString('latin1');
  return magic === 'ustar\u000000' || magic === 'ustar  \u0000';
}

function headerName(block: Uint8Array): string {
  const name = cString(block.subarray(0, NAME_LENGTH));
  const prefix = cString(block.subarray(345, 500));
  return prefix === '' ? name : `${prefix}/${name}`;
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  try {
    return decoder.decode(end === -1 ? field : field.subarray(0, end));
  } catch {
    throw malformed('a file name is not UTF-8');
  }
}

function octalField(block: Uint8Array, offset: number, length: number, what: string): number {
  const text = cString(block.subarray(offset, offset + length)).trim();
  if (!/^[0-7]+$/.test(text)) throw malformed(`a header's ${what} is not an octal number`);
  const value = parseInt(text, 8);
  if (!Number.isSafeInteger(value)) throw malformed(`a header's ${what} is out of range`);
  return value;
}

/** The "path" of a pax extended header; other keys (times, owners) are ignored. */
function paxPath(content: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(content);
  } catch {
    throw malformed('a pax header is not UTF-8');
  }
  let path: string | undefined;
  for (let rest = text; rest.length > 0; ) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    const record = rest.slice(0, length);
    if (space < 1 || !Number.isSafeInteger(length) || encoder.encode(record).length !== length || !record.endsWith('\n')) {
      throw malformed('a pax header record is malformed');
    }
    const [key, ...value] = record.slice(space + 1, -1).split('=');
    if (key === 'path') path = value.join('=');
    rest = rest.slice(length);
  }
  return path;
}

function normalisePath(path: string): string {
  return path.replace(/^(\.\/)+/, '');
}

/** Relative, forward slashes, no empty, "." or ".." segment: a name that cannot escape where it is unpacked. */
function checkPath(path: string): void {
  const segments = path.split('/');
  if (path === '' || path.includes('\\') || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw malformed(`"${path}" is not a safe relative path`);
  }
}

/** After the end marker only zeros may follow: appended bytes are tampering, not padding. */
function checkTrailer(rest: Uint8Array): void {
  if (!rest.every((byte) => byte === 0)) throw malformed('data follows the end-of-archive marker');
}

function malformed(why: string): CountersignError {
  return new CountersignError('metadata-malformed', `the archive is not a well-formed tar: ${why}`);
}
