// Image references and GUNs as docker understands them. Pure functions: the CLI, the core and the
// renderer all validate names the same way.

import { isTag, isValidGun } from './names';

export { isValidGun };

const DEFAULT_REGISTRY = 'docker.io';

export interface ParsedReference {
  /** The argument as the user typed it. */
  input: string;
  gun: string;
  tag?: string;
}

/**
 * Normalises like docker: `alpine` is docker.io/library/alpine, `user/app` is docker.io/user/app,
 * a first component with a dot, a colon or "localhost" is a registry host. `name:tag` selects a tag.
 * Returns undefined for names docker would refuse (digest references are not trust references).
 */
export function parseReference(input: string): ParsedReference | undefined {
  if (input.includes('@')) return undefined;
  let name = input;
  let tag: string | undefined;
  const lastColon = input.lastIndexOf(':');
  if (lastColon > input.lastIndexOf('/')) {
    name = input.slice(0, lastColon);
    tag = input.slice(lastColon + 1);
    if (!isTag(tag)) return undefined;
  }
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let gun: string;
  if (hasHost) gun = name;
  else if (slash === -1) gun = `${DEFAULT_REGISTRY}/library/${name}`;
  else gun = `${DEFAULT_REGISTRY}/${name}`;
  if (!isValidGun(gun)) return undefined;
  return tag === undefined ? { input, gun } : { input, gun, tag };
}

/**
 * "Natural" order as docker sorts tags: digit runs compare as numbers (v1 < v1.9 < v1.10 < v2 < v10),
 * equal numbers by their length (fewer leading zeros first), other runs as strings (UTF-16 code
 * units, as `<` compares them); when one key's runs are a prefix of the other's, it comes first.
 */
export function naturalCompare(a: string, b: string): number {
  const x = collationKey(a);
  const y = collationKey(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * Sorts by a string key in natural order. Each key is turned once into its collation key, so the
 * sort's comparisons (hundreds of thousands for tens of thousands of tags) are native string
 * comparisons instead of scans of both keys from their first character.
 */
export function sortNatural<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: collationKey(key(item)) }))
    .sort((x, y) => (x.key === y.key ? 0 : x.key < y.key ? -1 : 1))
    .map(({ item }) => item);
}

/** Ends a run of non-digits: below every other unit a run can start with, so a shorter run comes first. */
const END_OF_TEXT = '\u0000';
/** Prefixes the two characters that would collide with the end of a run (0 as 1 0, 1 as 1 1). */
const ESCAPE = 1;
/** Starts a digit run: the code of '0', so a number compares with text as any digit would. */
const NUMBER = '0';
/** Count fields below this take one unit; from it on, this unit and the count in two more. */
const WIDE_FIELD = 0xffff;
/** The count fields of the short digit runs tags are made of, made once instead of per run. */
const FIELDS = Array.from({ length: 64 }, (_, n) => String.fromCharCode(n));

/**
 * A string whose code-unit order is the natural order of `key` (and equal only for equal keys).
 * A run of non-digits is copied as it is (characters 0 and 1, which a tag never has, escaped as
 * (1, 0) and (1, 1)), then END_OF_TEXT. A run of digits becomes '0', its number of significant
 * digits, those digits, and its full length: the '0' ranks it against text exactly as its first
 * digit would (text runs hold no digit), the rest is only ever compared with another number, field
 * by field. Each count is one unit below 0xffff and three from it on, so the fields keep their
 * order and no encoding is the beginning of another.
 */
function collationKey(key: string): string {
  // One loop with the character tests inline: this runs once per tag of a cold `inspect` (tens of
  // thousands), mostly before the engine optimises it, where every call and every extra
  // comparison per character is paid in full.
  let out = '';
  let i = 0;
  let c = 0;
  const length = key.length;
  while (i < length) {
    const start = i;
    c = key.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      while (i < length && key.charCodeAt(i) === 48) i++;
      const significant = i;
      while (i < length && (c = key.charCodeAt(i)) >= 48 && c <= 57) i++;
      out += NUMBER + (FIELDS[i - significant] ?? longCountField(i - significant)) + key.slice(significant, i) + (FIELDS[i - start] ?? longCountField(i - start));
    } else {
      let plain = true;
      while (i < length && ((c = key.charCodeAt(i)) < 48 || c > 57)) {
        if (c <= ESCAPE) plain = false;
        i++;
      }
      out += (plain ? key.slice(start, i) : escaped(key.slice(start, i))) + END_OF_TEXT;
    }
  }
  return out;
}

/** The count field of a run of 64 digits or more (FIELDS has the shorter ones). */
function longCountField(n: number): string {
  return n < WIDE_FIELD ? String.fromCharCode(n) : String.fromCharCode(WIDE_FIELD, n >>> 16, n & 0xffff);
}

/** A text run with characters 0 and 1 made two units each, so that none reads as END_OF_TEXT. */
function escaped(run: string): string {
  let out = '';
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    out += c > ESCAPE ? run[i]! : String.fromCharCode(ESCAPE, c);
  }
  return out;
}
