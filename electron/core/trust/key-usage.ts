// Which repositories and roles trust a key, from the metadata Countersign has verified and cached.
// Answers "can I delete this key?" and "what breaks if this key is compromised?" without a network
// round trip; it is as current as the last refresh of each repository.
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { canonicalKeyIdOf } from '../crypto/key-id';
import { MetadataCache } from '../state/metadata-cache';
import { kindOfRole, parseEnvelope, type PublicKeyJson } from '../tuf/metadata';

export interface KeyUse {
  server: string;
  gun: string;
  role: string;
  /** When the role's metadata expires (RFC 3339), if the cache holds it. */
  expires?: string;
  verifiedAt: string;
}

/** Canonical key ID -> every verified role that lists it. Certificate IDs are folded into canonical IDs. */
export async function keyUsage(home: string): Promise<Map<string, KeyUse[]>> {
  const usage = new Map<string, KeyUse[]>();
  const add = (key: PublicKeyJson, use: KeyUse) => {
    const id = canonicalKeyIdOf(key);
    const uses = usage.get(id) ?? [];
    uses.push(use);
    usage.set(id, uses);
  };
  for (const { server, gun } of await cachedRepositories(home)) {
    const stored = await new MetadataCache(home, server, gun).load();
    const rootBytes = stored?.files.get('root');
    if (!stored || !rootBytes) continue;
    const root = parseEnvelope('root', 'root', rootBytes).signed;
    const expiresOf = (role: string): string | undefined => {
      if (role === 'root') return root.expires;
      const bytes = stored.files.get(role);
      return bytes ? parseEnvelope(role, kindOfRole(role), bytes).signed.expires : undefined;
    };
    for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
      for (const id of root.roles[role].keyids) {
        const key = root.keys[id];
        if (key) add(key, withExpiry({ server, gun, role, verifiedAt: stored.verifiedAt }, expiresOf(role)));
      }
    }
    for (const [name, bytes] of stored.files) {
      if (name !== 'targets' && !name.startsWith('targets/')) continue;
      const delegations = parseEnvelope(name, 'targets', bytes).signed.delegations;
      for (const delegated of delegations?.roles ?? []) {
        for (const id of delegated.keyids) {
          const key = delegations?.keys[id];
          if (key) add(key, withExpiry({ server, gun, role: delegated.name, verifiedAt: stored.verifiedAt }, expiresOf(delegated.name)));
        }
      }
    }
  }
  return usage;
}

function withExpiry(use: KeyUse, expires: string | undefined): KeyUse {
  return expires === undefined ? use : { ...use, expires };
}

/** Every repository with a verified cache: <home>/trust/<server key>/<gun path>/state.json. */
export async function cachedRepositories(home: string): Promise<{ server: string; gun: string }[]> {
  const trustDir = join(home, 'trust');
  const servers = await readdir(trustDir).catch(() => [] as string[]);
  const out: { server: string; gun: string }[] = [];
  for (const serverDir of servers) {
    const server = `https://${decodeURIComponent(serverDir)}`;
    for (const stateFile of await findStateFiles(join(trustDir, serverDir))) {
      const gunDir = relative(join(trustDir, serverDir), stateFile.slice(0, -'/state.json'.length));
      out.push({ server, gun: gunDir.split(sep).join('/') });
    }
  }
  return out;
}

async function findStateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isFile() && entry.name === 'state.json') found.push(join(dir, entry.name));
    else if (entry.isDirectory() && entry.name !== 'objects') found.push(...(await findStateFiles(join(dir, entry.name))));
  }
  return found;
}
