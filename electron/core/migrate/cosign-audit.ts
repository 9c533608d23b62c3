// The audit's cosign column: for every tag, whether the registry holds a cosign signature of the
// digest it serves, for that repository, by the given public key. It reads cosign's layout only, so
// signatures made by cosign itself (or any tool writing that layout) are read and verified too. A
// signature manifest that cannot be read is "unreadable", never "none".
import type { KeyObject } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { AuditReport, RepositoryAudit, TagAudit } from '../../../shared/audit';
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { CosignTagStatus } from '../../../shared/migrate';
import { mapLimit } from '../net/http';
import type { RegistryClient } from '../registry';
import { checkStoredSignature, readStoredSignatures } from './cosign-store';

export interface CosignColumnOptions {
  registry: RegistryClient;
  key: KeyObject;
  concurrency?: number;
  signal?: AbortSignal;
}

/** Adds `cosign` to every tag of the report (in place) and returns the report. */
export async function addCosignColumn(report: AuditReport, options: CosignColumnOptions): Promise<AuditReport> {
  await addCosignToRepositories(report.repositories, options);
  return report;
}

/** Adds `cosign` to every tag of these repositories (in place): a streamed audit does it per repository. */
export async function addCosignToRepositories(repositories: readonly RepositoryAudit[], options: CosignColumnOptions): Promise<void> {
  const work = repositories.flatMap((repository) => repository.tags.map((tag) => ({ repository: repository.repository, identity: repository.gun, tag })));
  await mapLimit(
    work,
    options.concurrency ?? 8,
    async ({ repository, identity, tag }, _index, signal) => {
      setMaxListeners(0, signal);
      tag.cosign = await cosignStatus(options.registry, repository, identity, tag, options.key, signal);
    },
    options.signal ? { signal: options.signal } : {},
  );
}

async function cosignStatus(registry: RegistryClient, repository: string, identity: string, tag: TagAudit, key: KeyObject, signal: AbortSignal): Promise<CosignTagStatus> {
  try {
    const stored = await readStoredSignatures(registry, repository, tag.registryDigest, { signal });
    if (stored.signatures.length === 0) return { state: 'none', signatures: 0, reason: `no cosign signature at ${stored.tag}` };
    const expected = { manifestDigest: tag.registryDigest, dockerReference: identity };
    const reasons: string[] = [];
    for (const signature of stored.signatures) {
      const check = checkStoredSignature(signature, key, expected);
      if (check.ok) return { state: 'verified', signatures: stored.signatures.length, layerDigest: signature.layer.digest, reason: `signed by the given key (${stored.tag})` };
      reasons.push(check.reason);
    }
    return { state: 'not-verified', signatures: stored.signatures.length, reason: reasons.join('; ') };
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'cancelled') throw error;
    const info = toErrorInfo(error);
    return { state: 'unreadable', signatures: 0, reason: `the cosign signatures could not be read: ${info.code}: ${info.message}` };
  }
}
