// What every write job works with, whichever front end runs it. The app answers from its saved
// servers and registries (electron/ipc/write-environment.ts); the command line from its options and
// docker's configuration (electron/cli/job-environment.ts). A job never asks anything else of them:
// every rule of how a job runs lives here, in the core, once.
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { ServedDigests, ServedDigestsProgress } from '../../../shared/registry-digests';
import { servedDigests } from '../audit/served-digests';
import type { RegistryDigest, RegistrySource, RepositoryRef } from '../../../shared/schemas/flows';
import type { KeyVault } from '../keys';
import type { NotaryClient } from '../notary/notary-client';
import type { RegistryClient } from '../registry';
import { vaultSigningKeys, type SigningKeys } from '../publish/signing';
import type { StageContext } from '../publish/stage';

/** A registry to read a tag's digest from (the digest guard), closed when the job is done with it. */
export interface RegistryAccess {
  client: RegistryClient;
  /** The repository's path on that registry (the GUN without its host). */
  repository: string;
  /** The name the user gave this registry, when it is a configured one. */
  name?: string;
  close(): void;
}

export interface JobEnvironment {
  /** Countersign's home dir: metadata cache (the pins), staged changes, trust pinning, rotation records. */
  homeDir: string;
  /** The notary server a repository reference names (the app: a saved server's id; the CLI: its URL). */
  notary(ref: RepositoryRef): NotaryClient;
  /** The key vault; `passphrases` are offered, in turn, for an encrypted file being read. */
  vault(passphrases?: readonly string[]): KeyVault;
  /** The registry serving the GUN's images: `source` names one explicitly, else the front end's default. */
  registry(ref: RepositoryRef, source: RegistrySource): RegistryAccess;
}

/** Signal and progress of one run: the IPC router's handler context has exactly this shape. */
export interface JobContext<P> {
  signal: AbortSignal;
  progress(event: P): void;
}

export type RepositoryContext = StageContext & { vault: KeyVault; ref: RepositoryRef };

/**
 * The context core/publish needs for one repository. `live` keys re-read what the keychain holds at
 * every signature: a rotation makes a key halfway through and must sign with it.
 */
export function repositoryContext(env: JobEnvironment, ref: RepositoryRef, signal: AbortSignal, options: { live?: boolean } = {}): RepositoryContext {
  const vault = env.vault();
  const keys: SigningKeys = options.live ? liveSigningKeys(vault) : vaultSigningKeys(vault);
  return { home: env.homeDir, notary: env.notary(ref), gun: ref.gun, signal, keys, vault, ref: { gun: ref.gun, serverId: ref.serverId } };
}

function liveSigningKeys(vault: KeyVault): SigningKeys {
  return {
    heldKeyIds: () => vaultSigningKeys(vault).heldKeyIds(),
    signer: (id) => vault.getSigner(id),
  };
}

/** The digest and size the registry serves for a tag. */
export async function readRegistryDigest(env: JobEnvironment, ref: RepositoryRef, tag: string, source: RegistrySource, signal: AbortSignal): Promise<RegistryDigest> {
  const { client, repository, name, close } = env.registry(ref, source);
  try {
    const found = await client.manifestDescriptor(repository, tag, { signal });
    if (found === undefined) throw new CountersignError('not-found', `${client.origin.host}/${repository} has no tag ${tag}`);
    return { registry: client.origin.origin, repository, tag, ...found, ...(name === undefined ? {} : { registryName: name }) };
  } finally {
    close();
  }
}

/** Refuses a request that names the same repository twice (it would be published twice). */
export function distinctRepositories<T extends RepositoryRef>(repositories: readonly T[]): T[] {
  const seen = new Set<string>();
  for (const ref of repositories) {
    const key = `${ref.serverId} ${ref.gun}`;
    if (seen.has(key)) throw new CountersignError('invalid-input', `${ref.gun} is listed twice`);
    seen.add(key);
  }
  return [...repositories];
}

/** Manifest lookups in flight for the repository screen's registry check (as many as the audit's per repository). */
const SERVED_DIGEST_CONCURRENCY = 4;

/**
 * What the GUN's registry serves for the given tags, with the audit's registry reads. A registry that
 * cannot be read is reported (every tag unchecked), not thrown; only a cancel throws.
 */
export async function readServedDigests(
  env: JobEnvironment,
  ref: RepositoryRef,
  tags: readonly string[],
  context: { signal: AbortSignal; progress(event: ServedDigestsProgress): void },
): Promise<ServedDigests> {
  const checkedAt = new Date().toISOString();
  let access: RegistryAccess | undefined;
  try {
    access = env.registry(ref, {});
    const { client, repository } = access;
    const where = { registry: client.origin.origin, repository, checkedAt };
    try {
      context.progress({ done: 0, total: tags.length });
      const digests = await servedDigests(client, repository, tags, { concurrency: SERVED_DIGEST_CONCURRENCY, signal: context.signal, onProgress: (done, total) => context.progress({ done, total }) });
      return { ...where, served: Object.fromEntries(tags.map((tag, index) => [tag, digests[index] ?? null])) };
    } catch (error) {
      if (context.signal.aborted) throw error;
      return { ...where, served: {}, error: toErrorInfo(error) };
    }
  } catch (error) {
    if (context.signal.aborted || access !== undefined) throw error;
    return { registry: '', repository: '', checkedAt, served: {}, error: toErrorInfo(error) };
  } finally {
    access?.close();
  }
}
