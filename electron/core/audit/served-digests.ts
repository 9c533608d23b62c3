// What a registry serves for a list of tags: the one implementation of "ask the registry for each
// tag's manifest digest", used by the audit (every tag of every repository) and by the repository
// screen's registry check (the signed tags it shows). A tag listed but gone by the time it is asked
// for is absent (undefined), not an error.
import type { RegistryClient } from '../registry';
import { mapLimit } from '../net/http';

export interface ServedDigestOptions {
  /** Manifest lookups in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Per tag, in order: "sha256:<hex>" the registry serves, or undefined when it serves no such tag. */
export function servedDigests(registry: RegistryClient, repository: string, tags: readonly string[], options: ServedDigestOptions): Promise<(string | undefined)[]> {
  const { signal, onProgress } = options;
  return mapLimit(
    tags,
    options.concurrency,
    async (tag, _index, itemSignal) => (await registry.manifestDescriptor(repository, tag, { signal: itemSignal }))?.digest,
    { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) },
  );
}
