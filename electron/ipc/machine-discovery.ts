// What a docker trust user already has on this machine, found without asking for any passphrase:
// private key files in <trust>/private (only their names and PEM headers are read — the key material
// never leaves the file here) and trust data docker cached in <trust>/tuf/<gun>/metadata.
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { CachedTrustData, DiscoveredKey, MachineDiscovery } from '../../shared/schemas/views';

const MAX_DEPTH = 8;
const HEADER_BYTES = 512;

interface Entry {
  path: string;
  isDirectory: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() || e.isFile())
    .map((e) => ({ path: join(dir, e.name), isDirectory: e.isDirectory() }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

async function filesUnder(dir: string, accept: (path: string) => boolean, depth = 0): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const found: string[] = [];
  for (const entry of await list(dir)) {
    if (entry.isDirectory) found.push(...(await filesUnder(entry.path, accept, depth + 1)));
    else if (accept(entry.path)) found.push(entry.path);
  }
  return found;
}

/** Reads only the start of a PEM file: the BEGIN line and the `name: value` headers after it. */
export async function readPemHeaders(file: string): Promise<{ label: string; headers: Record<string, string> }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    const lines = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/);
    const begin = lines.findIndex((l) => l.startsWith('-----BEGIN '));
    const label = begin === -1 ? '' : lines[begin]!.replace(/^-----BEGIN (.*)-----$/, '$1');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(begin + 1)) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match === null) break;
      headers[match[1]!.toLowerCase()] = match[2]!.trim();
    }
    return { label, headers };
  } finally {
    await handle.close();
  }
}

async function discoverKeys(privateDir: string, problems: string[]): Promise<DiscoveredKey[]> {
  const files = await filesUnder(privateDir, (p) => p.endsWith('.key'));
  const keys: DiscoveredKey[] = [];
  for (const file of files) {
    try {
      const { label, headers } = await readPemHeaders(file);
      if (!label.endsWith('PRIVATE KEY')) {
        problems.push(`${file} is not a PEM private key.`);
        continue;
      }
      keys.push({
        // notary names key files by key ID; older layouts keep them in root_keys/ and tuf_keys/<gun>/.
        id: file.slice(file.lastIndexOf(sep) + 1, -'.key'.length),
        file,
        encrypted: label.startsWith('ENCRYPTED'),
        ...(headers.role === undefined ? {} : { role: headers.role }),
        ...(headers.gun === undefined ? {} : { gun: headers.gun }),
      });
    } catch (error) {
      problems.push(`${file} could not be read: ${(error as Error).message}`);
    }
  }
  return keys;
}

async function discoverCache(tufDir: string, dir = tufDir, depth = 0): Promise<CachedTrustData[]> {
  if (depth > MAX_DEPTH) return [];
  const found: CachedTrustData[] = [];
  for (const entry of await list(dir)) {
    if (!entry.isDirectory) continue;
    if (entry.path.endsWith(`${sep}metadata`) && depth > 0) {
      const files = await filesUnder(entry.path, (p) => p.endsWith('.json'));
      if (files.length === 0) continue;
      const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
      found.push({
        gun: relative(tufDir, dir).split(sep).join('/'),
        roles: files.map((f) => relative(entry.path, f).split(sep).join('/').replace(/\.json$/, '')),
        modifiedAt: new Date(Math.max(...times)).toISOString(),
      });
    } else {
      found.push(...(await discoverCache(tufDir, entry.path, depth + 1)));
    }
  }
  return found;
}

async function missingIsEmpty<T>(what: Promise<T[]>, dir: string, problems: string[]): Promise<T[]> {
  try {
    return await what;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push(`${dir} could not be read: ${(error as Error).message}`);
    return [];
  }
}

export async function discoverMachine(dockerConfigDir: string): Promise<MachineDiscovery> {
  const trustDir = join(dockerConfigDir, 'trust');
  const problems: string[] = [];
  const privateDir = join(trustDir, 'private');
  const tufDir = join(trustDir, 'tuf');
  const keys = await missingIsEmpty(discoverKeys(privateDir, problems), privateDir, problems);
  const cached = await missingIsEmpty(discoverCache(tufDir), tufDir, problems);
  return { dockerConfigDir, trustDir, keys, cached, problems };
}
