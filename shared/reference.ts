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
 * equal numbers by their length (fewer leading zeros first), other runs as strings. One pass over
 * character codes, no allocation: sorting tens of thousands of tags calls this a million times.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const digitsA = isDigit(a.charCodeAt(i));
    const digitsB = isDigit(b.charCodeAt(j));
    const endA = runEnd(a, i, digitsA);
    const endB = runEnd(b, j, digitsB);
    const order = digitsA && digitsB ? compareNumberRuns(a, i, endA, b, j, endB) : compareRuns(a, i, endA, b, j, endB);
    if (order !== 0) return order;
    i = endA;
    j = endB;
  }
  // Equal so far: the one with runs left is the later.
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

/** Sorts by a string key in natural order, reading each key once (tens of thousands of tags). */
export function sortNatural<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((x, y) => naturalCompare(x.key, y.key))
    .map(({ item }) => item);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Where the run of digits (or of non-digits) starting at `from` ends. */
function runEnd(s: string, from: number, digits: boolean): number {
  let end = from + 1;
  while (end < s.length && isDigit(s.charCodeAt(end)) === digits) end++;
  return end;
}

/** Two digit runs by value (any length: no number type overflows), then by length. */
function compareNumberRuns(a: string, i: number, endA: number, b: string, j: number, endB: number): number {
  let si = i;
  let sj = j;
  while (si < endA && a.charCodeAt(si) === 48) si++;
  while (sj < endB && b.charCodeAt(sj) === 48) sj++;
  if (endA - si !== endB - sj) return endA - si < endB - sj ? -1 : 1;
  for (; si < endA; si++, sj++) {
    const x = a.charCodeAt(si);
    const y = b.charCodeAt(sj);
    if (x !== y) return x < y ? -1 : 1;
  }
  return endA - i === endB - j ? 0 : endA - i < endB - j ? -1 : 1;
}

/** Two runs as strings (UTF-16 code units, as `<` compares them). */
function compareRuns(a: string, i: number, endA: number, b: string, j: number, endB: number): number {
  const length = Math.min(endA - i, endB - j);
  for (let k = 0; k < length; k++) {
    const x = a.charCodeAt(i + k);
    const y = b.charCodeAt(j + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  return endA - i === endB - j ? 0 : endA - i < endB - j ? -1 : 1;
}
