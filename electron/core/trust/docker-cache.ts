// docker's own cache of trust data (<DOCKER_CONFIG>/trust/tuf/<gun>/metadata/*.json), verified
// offline: what the machine already trusts, shown on first start with no server configured.
import { open } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { RepositoryView } from '../../../shared/domain';
import { CountersignError } from '../../../shared/errors';
import { refreshRepository, type MetadataFetcher } from '../tuf/updater';
import { buildRepositoryView } from './repository-view';

/**
 * Reads docker's cached metadata (<trustDir>/tuf/<gun>/metadata/<role>.json). The cache keeps only
 * the latest file of each role, so versioned and hashed names are "not there"; role names come from
 * metadata, so a name that would leave the folder is refused.
 */
export function dockerCacheFetcher(trustDir: string, gun: string): MetadataFetcher {
  const dir = resolve(trustDir, 'tuf', ...gun.split('/'), 'metadata');
  return {
    async fetch(name, maxBytes) {
      if (/^\d+\.root\.json$/.test(name) || /\.[0-9a-f]{64}\.json$/.test(name)) return null;
      const file = resolve(dir, ...name.split('/'));
      if (!file.startsWith(dir + sep)) throw new CountersignError('metadata-malformed', `role name ${name} leaves the metadata folder`);
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw new CountersignError('metadata-too-large', `${name} in docker's cache is ${size} bytes, over the ${maxBytes} allowed`);
        return new Uint8Array(await handle.readFile());
      } finally {
        await handle.close();
      }
    },
  };
}

/** docker trusted this root when it cached it; everything under it is verified, as of now. */
export async function inspectDockerCache(options: { gun: string; trustDir: string; signal?: AbortSignal }): Promise<RepositoryView> {
  const result = await refreshRepository({
    gun: options.gun,
    fetcher: dockerCacheFetcher(options.trustDir, options.gun),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return buildRepositoryView(result.trusted, result.failedDelegations, {
    server: join(options.trustDir, 'tuf'),
    source: 'cache',
    verifiedAt: new Date().toISOString(),
  });
}
