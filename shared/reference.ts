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

const RUNS = /\d+|\D+/g;
/** Ends a run of non-digits: below every encoded character, so a shorter run comes first. */
const END_OF_TEXT = 1;
/** The first unit of a digit run: a digit's own pair (2, '0'), so it compares with text as any digit would. */
const DIGITS = [2, 48];

/**
 * A string whose code-unit order is the natural order of `key` (and equal only for equal keys).
 * Every other character c becomes the pair ((c >> 8) + 2, c & 0xff), so units 0 and 1 are free
 * for the end of a run. A run of digits becomes (2, '0'), its number of significant digits in two
 * units, those digits, and its full length in two units: the pair ranks it against text exactly as
 * its first digit would (no other character has a digit's pair), the rest is only ever compared
 * with another number, field by field.
 */
function collationKey(key: string): string {
  const units: number[] = [];
  for (const run of key.match(RUNS) ?? []) {
    const first = run.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      let start = 0;
      while (start < run.length && run.charCodeAt(start) === 48) start++;
      const significant = run.length - start;
      units.push(...DIGITS, significant >>> 16, significant & 0xffff);
      for (let i = start; i < run.length; i++) units.push(run.charCodeAt(i));
      units.push(run.length >>> 16, run.length & 0xffff);
    } else {
      for (let i = 0; i < run.length; i++) {
        const c = run.charCodeAt(i);
        units.push((c >>> 8) + 2, c & 0xff);
      }
      units.push(END_OF_TEXT);
    }
  }
  let out = '';
  // In slices: an argument list has a limit, a key (in general) does not.
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}
