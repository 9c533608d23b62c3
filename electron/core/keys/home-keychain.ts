// One keychain namespace per Countersign home. Entries are named "home-<tag>/<key ID>", where the tag
// is a hash of the home's absolute path, so `--home A` removing a key never deletes the entry that
// `--home B` (or the app) still signs with. Each home also leaves one entry "home-<tag>" holding its
// path, so a home can tell the user which other homes hold the same key.
//
// Migration: versions before this one named entries by key ID alone, shared by every home. A key the
// index lists that has only such a bare entry is copied into this home's namespace (read back first)
// on first use; the bare entry is left for other homes that may still rely on it, and removed only
// when a `key remove` finds no other known home listing the key.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isKeyId } from '../../../shared/names';
import { INDEX_FILE } from './key-index';
import type { SecretStore } from './secret-store';

const HOME_PREFIX = 'home-';

export function homeTag(homeDir: string): string {
  return createHash('sha256').update(resolve(homeDir)).digest('hex').slice(0, 16);
}

export interface OtherHome {
  tag: string;
  /** The home's path as it registered itself (undefined when its entry is unreadable). */
  path?: string;
}

export interface HomeKeychain extends SecretStore {
  readonly tag: string;
  /** Reads this home's registration: fails fast with keychain-unavailable on a locked or absent keychain. */
  checkReachable(): Promise<void>;
  /** Records this home in the keychain (idempotent), so other homes can name it. */
  register(): Promise<void>;
  /** A bare entry an earlier version wrote for this key, if any. */
  legacy(id: string): Promise<string | null>;
  deleteLegacy(id: string): Promise<boolean>;
  /** Other homes that hold a keychain entry for this key, or list it in their index. */
  otherHomesWith(id: string): Promise<OtherHome[]>;
}

/** The keychain as one home sees it: account names are key IDs, stored under this home's namespace. */
export function homeKeychain(base: SecretStore, homeDir: string): HomeKeychain {
  const tag = homeTag(homeDir);
  const prefix = `${HOME_PREFIX}${tag}/`;
  const homePath = resolve(homeDir);
  const homes = async (): Promise<Map<string, OtherHome>> => {
    const found = new Map<string, OtherHome>();
    for (const account of await base.list()) {
      const match = /^home-([0-9a-f]{16})(?:\/(.*))?$/.exec(account);
      if (match === null || match[1] === tag) continue;
      if (!found.has(match[1]!)) found.set(match[1]!, { tag: match[1]! });
    }
    for (const home of found.values()) {
      const path = await base.get(`${HOME_PREFIX}${home.tag}`).catch(() => null);
      if (path !== null) home.path = path;
    }
    return found;
  };
  return {
    tag,
    get: (id) => base.get(prefix + id),
    set: (id, secret) => base.set(prefix + id, secret),
    delete: (id) => base.delete(prefix + id),
    async list() {
      return (await base.list()).filter((account) => account.startsWith(prefix)).map((account) => account.slice(prefix.length));
    },
    async checkReachable() {
      // The store confirms an empty answer with a test write, so a locked keyring fails here, not in a search.
      await base.get(`${HOME_PREFIX}${tag}`);
    },
    async register() {
      if ((await base.get(`${HOME_PREFIX}${tag}`)) !== homePath) await base.set(`${HOME_PREFIX}${tag}`, homePath);
    },
    legacy: (id) => (isKeyId(id) ? base.get(id) : Promise.resolve(null)),
    deleteLegacy: (id) => (isKeyId(id) ? base.delete(id) : Promise.resolve(false)),
    async otherHomesWith(id) {
      const accounts = new Set(await base.list());
      const result: OtherHome[] = [];
      for (const home of (await homes()).values()) {
        if (accounts.has(`${HOME_PREFIX}${home.tag}/${id}`) || (home.path !== undefined && (await indexLists(home.path, id)))) result.push(home);
      }
      return result;
    },
  };
}

/** Whether another home's index names the key (read-only, and a home we cannot read names nothing). */
async function indexLists(home: string, id: string): Promise<boolean> {
  for (const file of [join(home, INDEX_FILE), join(home, 'settings.json')]) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined && text.includes(`"${id}"`)) return true;
  }
  return false;
}
