// Why a delegation failed verification, and which tags it claimed. A failed role's bytes are read
// here for one purpose only: to tell a revoked signer from a broken signature and to say which tags
// lost their signature. Nothing read from them can make a tag count as signed.
import type { RepositoryView, RoleView } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/errors';
import { parseEnvelope } from '../tuf/metadata';
import type { MetadataFetcher } from '../tuf/updater';

/** Remembers the last bytes fetched for each role, so a role that then fails can be explained. */
export class RecordingFetcher implements MetadataFetcher {
  private readonly byRole = new Map<string, Uint8Array>();

  constructor(private readonly inner: MetadataFetcher) {}

  async fetch(name: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | null> {
    const bytes = await this.inner.fetch(name, maxBytes, signal);
    if (bytes) this.byRole.set(roleOfFileName(name), bytes);
    return bytes;
  }

  /** The bytes last fetched for a role ("targets/releases"), whatever name they were fetched by. */
  bytesOf(role: string): Uint8Array | undefined {
    return this.byRole.get(role);
  }
}

/** "targets/releases.<sha256>.json" and "targets/releases.json" -> "targets/releases"; "3.root.json" -> "3.root". */
export function roleOfFileName(name: string): string {
  return name.replace(/\.json$/, '').replace(/\.[0-9a-f]{64}$/, '');
}

export interface FailedRole {
  role: string;
  error: ErrorInfo;
  /**
   * Signed only by keys its parent no longer lists for it, or left with no keys at all: what
   * removing a signer (`notary delegation remove`, `docker trust signer remove`) leaves behind.
   */
  revoked: boolean;
  /** Tag -> hex sha256 the unverified file claims; undefined when it could not be read at all. */
  claims: ReadonlyMap<string, string> | undefined;
}

/**
 * The revocation rule: the parent (verified) lists no keys for the role, or the role failed its
 * signature threshold and not one of its signatures is by a key the parent lists for it. A file
 * signed by a listed key whose signature does not verify is tampering, not revocation. We cannot
 * tell a removed key from one that was never delegated without the parent's history; both mean
 * "signed by no current signer".
 */
export function diagnoseFailedRole(role: RoleView, error: ErrorInfo, bytes: Uint8Array | undefined): FailedRole {
  const listed = new Set(role.keyIds ?? []);
  let claims: Map<string, string> | undefined;
  let signedByListedKey = false;
  let signed = false;
  if (bytes) {
    try {
      const envelope = parseEnvelope(role.name, 'targets', bytes);
      claims = new Map(
        Object.entries(envelope.signed.targets).flatMap(([tag, meta]) =>
          meta.hashes.sha256 ? [[tag, Buffer.from(meta.hashes.sha256, 'base64').toString('hex')] as [string, string]] : [],
        ),
      );
      signed = envelope.signatures.length > 0;
      signedByListedKey = envelope.signatures.some((signature) => listed.has(signature.keyid));
    } catch {
      // Unreadable: we cannot say which tags it held, and its failure is not a revocation.
    }
  }
  const revoked = listed.size === 0 || (error.code === 'signature-threshold' && signed && !signedByListedKey);
  return { role: role.name, error, revoked, claims };
}

/** Every role of a view that failed verification, explained from the bytes the fetcher recorded. */
export function diagnoseFailures(view: RepositoryView, recorded: Pick<RecordingFetcher, 'bytesOf'>): Map<string, FailedRole> {
  const failed = new Map<string, FailedRole>();
  for (const role of view.roles) {
    if (role.status === 'failed' && role.error) failed.set(role.name, diagnoseFailedRole(role, role.error, recorded.bytesOf(role.name)));
  }
  return failed;
}
