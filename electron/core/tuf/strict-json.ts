// JSON.parse keeps the last of two equal keys without a word. A metadata file with two "signed"
// objects is the classic parser-differential attack (one client verifies the first, another uses the
// second), so every untrusted document is scanned for repeated keys before it is used.
import { isUtf8 } from 'node:buffer';
import { CountersignError } from '../../../shared/errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const DOT = 0x2e;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

export interface StrictJson {
  value: unknown;
  /** Byte ranges [start, end) of each top-level object member's value, e.g. the exact bytes of "signed". */
  memberBytes: Map<string, Uint8Array>;
  /** True when a number is written with a fraction or an exponent (1.0, 1e3), which JSON.parse reads as an integer. */
  nonIntegerNumber: boolean;
}

/** Parses untrusted bytes as JSON, refusing invalid UTF-8, invalid JSON and repeated object keys. */
export function parseStrictJson(bytes: Uint8Array, what: string, role?: string): unknown {
  return parseStrictJsonWithMembers(bytes, what, role).value;
}

export function parseStrictJsonWithMembers(bytes: Uint8Array, what: string, role?: string): StrictJson {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) {
    throw new CountersignError('metadata-malformed', `${what} is not valid UTF-8`, { role });
  }
  const text = buffer.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${what} is not valid JSON: ${(error as Error).message}`, {
      role,
      cause: error,
    });
  }
  if (hasUnpairedSurrogate(text)) {
    throw new CountersignError('metadata-malformed', `${what} escapes half of a UTF-16 surrogate pair (e.g. \\ud800), which JSON.parse keeps and Go reads as U+FFFD`, { role });
  }
  const scan = scanJson(text);
  if (scan.duplicate !== undefined) {
    throw new CountersignError('metadata-duplicate-key', `${what} repeats the key "${scan.duplicate}" in one object`, {
      role,
    });
  }
  const ascii = buffer.length === text.length;
  const memberBytes = new Map<string, Uint8Array>();
  for (const [key, [start, end]] of scan.members) {
    const from = ascii ? start : Buffer.byteLength(text.slice(0, start));
    const to = ascii ? end : from + Buffer.byteLength(text.slice(start, end));
    memberBytes.set(key, bytes.subarray(from, to));
  }
  return { value, memberBytes, nonIntegerNumber: scan.nonIntegerNumber };
}

/** The first repeated key in text that JSON.parse already accepted, if any. */
export function findDuplicateKey(text: string): string | undefined {
  return scanJson(text).duplicate;
}

interface Scan {
  duplicate?: string;
  nonIntegerNumber: boolean;
  /** Character ranges of the values of the top-level object's members that are objects or arrays. */
  members: Map<string, [number, number]>;
}

/**
 * Walks text that JSON.parse already accepted, so it only has to track structure: the keys seen in
 * each open object (OpenContainers).
 */
function scanJson(text: string): Scan {
  const stack = new OpenContainers();
  const members = new Map<string, [number, number]>();
  let expectKey = false;
  let lastTopKey: string | undefined;
  let memberStart = -1;
  let nonIntegerNumber = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = endOfString(text, i);
      if (expectKey && stack.innermostIsObject()) {
        // "\u0061" and "a" are the same key to JSON.parse; decode only when escapes are present.
        // One slice per key (not the quoted string and then its inside): a targets file has tens of thousands.
        const inside = text.slice(i + 1, end);
        const key = inside.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : inside;
        if (!stack.addKey(key)) return { duplicate: key, members, nonIntegerNumber };
        if (stack.depth === 1) lastTopKey = key;
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.depth === 1) memberStart = i;
      stack.open(c === OPEN_OBJECT);
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.close();
      if (stack.depth === 1 && lastTopKey !== undefined && memberStart >= 0) {
        members.set(lastTopKey, [memberStart, i + 1]);
        memberStart = -1;
      }
    } else if (c === 0x2c /* , */) {
      expectKey = stack.innermostIsObject();
    } else if (c === COLON) {
      expectKey = false;
    } else if (c === DOT || c === UPPER_E || (c === LOWER_E && isDigit(text.charCodeAt(i - 1)))) {
      // Outside strings, JSON has these only in numbers ('e' also ends true and false, after a letter).
      nonIntegerNumber = true;
    }
  }
  return { members, nonIntegerNumber };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
const ARRAY = -1;
/** An object's keys are searched in a list up to this many; past it, a Set takes over. */
const FEW_KEYS = 16;

/**
 * The open objects and arrays, innermost last, with the keys seen so far in each open object. Most
 * objects of a metadata file are small (a target's {hashes, length}, its {sha256}): their keys sit
 * side by side in one list, searched from where the object's own keys begin and cut back when it
 * closes, so opening one allocates nothing. An object that grows past FEW_KEYS (a targets map of
 * thousands of names) moves its keys into a Set of its own.
 */
class OpenContainers {
  /** Per open container, where its keys begin in `keys` (ARRAY for an array). */
  private readonly starts: number[] = [];
  /** The keys of the open small objects; only the first `used` count (the list is reused, never cut). */
  private readonly keys: string[] = [];
  private used = 0;
  /**
   * The Sets of the open objects that grew past FEW_KEYS, by depth (0 is outside everything). Made
   * with a null in it so the list never changes its kind of elements: that would throw the
   * optimised scan away in the middle of a large file (measured).
   */
  private readonly large: (Set<string> | null)[] = [null];

  get depth(): number {
    return this.starts.length;
  }

  innermostIsObject(): boolean {
    return this.starts.length > 0 && this.starts[this.starts.length - 1] !== ARRAY;
  }

  open(isObject: boolean): void {
    this.starts.push(isObject ? this.used : ARRAY);
    this.large.push(null);
  }

  close(): void {
    const start = this.starts.pop();
    this.large.pop();
    if (start !== undefined && start !== ARRAY) this.used = start;
  }

  /** Adds a key to the innermost object; false when that object already has it. */
  addKey(key: string): boolean {
    const depth = this.starts.length;
    const set = this.large[depth];
    if (set) {
      if (set.has(key)) return false;
      set.add(key);
      return true;
    }
    const start = this.starts[depth - 1]!;
    for (let k = start; k < this.used; k++) if (this.keys[k] === key) return false;
    this.keys[this.used++] = key;
    if (this.used - start > FEW_KEYS) {
      this.large[depth] = new Set(this.keys.slice(start, this.used));
      this.used = start;
    }
    return true;
  }
}

function endOfString(text: string, start: number): number {
  // indexOf runs natively; most of a metadata file is inside strings (hashes, names, keys).
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length - 1;
}

/**
 * An escape of half a surrogate pair (\ud800 alone, or \udc00 without its high half). JSON.parse keeps
 * such a string as it is; Go's decoder, notary's, turns each into U+FFFD, so "\ud800" and "\udbff" are
 * two target names here and one there, and a duplicate-key scan of the decoded keys misses that. Go's
 * encoder never writes these escapes (it writes UTF-8), so nothing notary wrote is refused.
 */
function hasUnpairedSurrogate(text: string): boolean {
  // A backslash-u is rare in metadata; most files never reach the loop.
  if (!text.includes('\\u')) return false;
  const hexAt = (i: number): number => (/^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4)) ? parseInt(text.slice(i, i + 4), 16) : -1);
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 2)) {
    if (text[i + 1] !== 'u') continue;
    const unit = hexAt(i + 2);
    if (unit >= 0xdc00 && unit <= 0xdfff) return true;
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const low = text[i + 6] === '\\' && text[i + 7] === 'u' ? hexAt(i + 8) : -1;
    if (low < 0xdc00 || low > 0xdfff) return true;
    i += 6; // the low half is checked with its high half
  }
  return false;
}
