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

/** "Natural" order as docker sorts tags: digit runs compare as numbers (v1 < v1.9 < v1.10 < v2 < v10). */
export function naturalCompare(a: string, b: string): number {
  return compareChunks(naturalChunks(a), naturalChunks(b));
}

/** Sorts by a string key in natural order, splitting each key once (tens of thousands of tags). */
export function sortNatural<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, chunks: naturalChunks(key(item)) }))
    .sort((x, y) => compareChunks(x.chunks, y.chunks))
    .map(({ item }) => item);
}

function naturalChunks(s: string): string[] {
  return s.match(/(\d+|\D+)/g) ?? [];
}

function compareChunks(pa: readonly string[], pb: readonly string[]): number {
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
    } else {
      return x < y ? -1 : 1;
    }
  }
  return pa.length - pb.length;
}
