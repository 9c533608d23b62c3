// Publishing staged changes, as notary's changelist does it, like a `git rebase`: fetch and verify the
// latest, apply the staged changes to it, sign, upload everything in one POST. When someone published
// meanwhile (400 VERSION) we start over from their newer metadata, a few times.
//
// What we report is read back from the server, never assumed:
// after every upload — accepted, refused, timed out, answer lost, cancelled — the server's current
// trust data is read again, verified and compared with what we sent. Only what the server now serves
// counts as published; everything else is reported as still staged, and as unknown when we cannot
// tell: the read-back failed, an accepted upload is not what it serves, or the whole upload had gone
// out before it ended without an answer (the server may yet store it).
// A cancel that arrives while the upload is under way lets it finish (for a short grace): the POST is
// the point of no return, and waiting for its answer is how we learn the truth.
// A staged change is dropped only once the server has it, so a failure or a killed process leaves it to
// retry; applying it again to metadata that already has it changes nothing.
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import { failedAfterSending } from '../net/http';
import { checkRootToCreate } from '../trust/verified-refresh';
import type { TrustedSet } from '../tuf/trusted-set';
import type { RefreshResult } from '../tuf/updater';
import { applyChanges } from './apply-changes';
import { buildUpdate, type BuiltUpdate } from './build-update';
import type { RepositoryInitChange, StagedChange } from './changes';
import { RepositoryDraft } from './draft';
import { fetchVerified, viewOf, type RepositoryTarget } from './latest';
import { draftForNewRepository } from './new-repository';
import type { SigningKeys } from './signing';
import { StagedChanges } from './staged-store';

/** Attempts when the server keeps answering that someone else published first. */
export const DEFAULT_PUBLISH_ATTEMPTS = 5;
/** How long an upload may take before we stop waiting and ask the server what it has. */
export const UPLOAD_TIMEOUT_MS = 60_000;
/** How long an upload under way may still finish after the user cancelled. */
export const CANCEL_GRACE_MS = 10_000;
/** How long the read-back after a failed or cancelled upload may take. */
export const READ_BACK_TIMEOUT_MS = 20_000;

export interface PublishOptions extends RepositoryTarget {
  keys: SigningKeys;
  now?: () => Date;
  maxAttempts?: number;
  /** Publish only these staged changes (by ID); the others stay staged, untouched. Default: all. */
  only?: readonly string[];
  /** The verified state the caller just read (the first attempt builds on it instead of reading again). */
  latest?: RefreshResult | undefined;
  /** Tests shorten the waits. */
  timing?: { uploadMs?: number; graceMs?: number; readBackMs?: number };
}

/**
 * - published: the server serves our upload (read back).
 * - unchanged: nothing to send (nothing staged, or the server already had every change).
 * - failed: the server does not have it (refused, or not there when we read back); it stays staged.
 * - cancelled: cancelled before the server had it (read back); it stays staged.
 * - unknown: we could not find out (the read-back failed too); it stays staged.
 * - staged: not sent, by request (kept to publish later).
 */
export type PublishStatus = 'published' | 'unchanged' | 'failed' | 'cancelled' | 'unknown' | 'staged';

export interface PublishResult {
  gun: string;
  status: PublishStatus;
  /** True when the server now serves the changes (status published). */
  published: boolean;
  /** The staged changes this publish was about. */
  changes: StagedChange[];
  /** Those that stay staged after it (all of them unless published or unchanged). */
  stillStaged: StagedChange[];
  /** Role -> version uploaded (and accepted). */
  versions: Record<string, number>;
  serverSigned: BuiltUpdate['serverSigned'];
  /** Uploads tried (1 unless someone else published meanwhile). */
  attempts: number;
  /** The repository as re-read and verified from the server afterwards, when it could be read. */
  view?: RepositoryView;
  /** Why it did not publish (status failed, cancelled or unknown). */
  error?: ErrorInfo;
  /** When the server was last asked what it has (ISO time). */
  checkedAt?: string;
}

/**
 * Publishes what is staged for the repository (or the `only` changes) and reports what the server now
 * has. Once the staged changes are read it does not throw: a failure before the upload is a result too
 * (failed, or cancelled, with nothing sent), so that every caller learns the same three facts — what
 * was sent, what the server was found to have, and what stays staged.
 */
export async function publishChanges(options: PublishOptions): Promise<PublishResult> {
  const staging = new StagedChanges(options.home, options.notary.serverUrl, options.gun);
  const all = await staging.list();
  const changes = options.only === undefined ? all : all.filter((change) => options.only!.includes(change.id));
  const now = options.now ?? (() => new Date());
  const result: PublishResult = { gun: options.gun, status: 'unchanged', published: false, changes, stillStaged: [], versions: {}, serverSigned: [], attempts: 0 };
  if (changes.length === 0) return result;

  let upload: Upload | 'nothing to send';
  try {
    upload = await uploadChanges(options, changes, result, now);
  } catch (error) {
    return notSent(options, result, error);
  }
  if (upload === 'nothing to send') {
    await staging.drop(changes.map((change) => change.id));
    return result;
  }
  return findOut(options, result, upload, staging, now());
}

/** An upload that was sent, with the server's answer: accepted (2xx), or the error it ended with. */
type Upload = { update: BuiltUpdate } & ({ accepted: true } | { accepted: false; error: unknown });

/**
 * Builds the update on the latest verified state and uploads it, starting over when someone else
 * published first. Throws only while nothing of ours is on the server: before the first upload, or
 * after the server refused the last one as a conflict.
 */
async function uploadChanges(options: PublishOptions, changes: readonly StagedChange[], result: PublishResult, now: () => Date): Promise<Upload | 'nothing to send'> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_PUBLISH_ATTEMPTS;
  let latest: RefreshResult | undefined = 'latest' in options ? options.latest : await fetchVerified(options, now());
  for (;;) {
    options.signal?.throwIfAborted();
    const draft = latest ? RepositoryDraft.fromVerified(latest.trusted, latest.failedDelegations) : await newRepositoryDraft(options, changes);
    applyChanges(draft, changes);
    const update = await buildUpdate(draft, options.keys, now());
    if (update.files.size === 0) {
      // Already there (an earlier publish got through unrecorded, or the changes undo each other).
      if (latest) result.view = viewOf(options, latest);
      return 'nothing to send';
    }
    const newRoot = latest === undefined ? update.files.get('root') : undefined;
    if (newRoot !== undefined) await checkRootToCreate(options, newRoot, now());
    // Last chance to stop with nothing sent.
    options.signal?.throwIfAborted();
    result.attempts += 1;
    const upload = uploadSignal(options);
    try {
      await options.notary.publish(options.gun, update.files, upload.signal);
      return { update, accepted: true };
    } catch (error) {
      if (error instanceof CountersignError && error.code === 'publish-conflict' && result.attempts < maxAttempts) {
        latest = await fetchVerified(options, now());
        continue;
      }
      return { update, accepted: false, error };
    } finally {
      upload.done();
    }
  }
}

/** Stopped while nothing of ours was on the server: the changes stay staged, and the server was not asked. */
function notSent(options: PublishOptions, result: PublishResult, error: unknown): PublishResult {
  const cancelled = options.signal?.aborted === true;
  return { ...result, status: cancelled ? 'cancelled' : 'failed', stillStaged: result.changes, error: toErrorInfo(cancelled ? options.signal?.reason : error) };
}

/** Publishes everything staged, throwing (after finding out what the server has) unless it published. */
export async function publishStaged(options: PublishOptions): Promise<PublishResult> {
  const result = await publishChanges(options);
  if (result.error !== undefined && !result.published) throw new PublishFailed(result);
  return result;
}

/** A publish that did not happen, with the outcome read back from the server. */
export class PublishFailed extends CountersignError {
  constructor(readonly outcome: PublishResult) {
    super(outcome.error?.code ?? 'internal', outcome.error?.message ?? 'the publish failed', outcome.error?.role === undefined ? {} : { role: outcome.error.role });
  }
}

/** The upload's own signal: its timeout, and the user's cancel only after a grace period. */
function uploadSignal(options: PublishOptions): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const abortAfter = (ms: number, reason: () => unknown) => timers.push(setTimeout(() => controller.abort(reason()), ms));
  abortAfter(options.timing?.uploadMs ?? UPLOAD_TIMEOUT_MS, () => new CountersignError('timeout', 'the server did not answer the upload in time'));
  const onCancel = () => abortAfter(options.timing?.graceMs ?? CANCEL_GRACE_MS, () => options.signal?.reason);
  options.signal?.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    done() {
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
    },
  };
}

/**
 * After an upload, whatever its answer: read the server's trust data again (on a signal of its own —
 * the user's may be cancelled), verify it, and report exactly whether it serves what we sent. An
 * accepted upload is published only when the read-back shows it; one we cannot see (the read-back
 * failed, does not verify, or shows another version: a cache in between, say) is unknown, not
 * published, and stays staged for the next publish to settle.
 */
async function findOut(options: PublishOptions, result: PublishResult, upload: Upload, staging: StagedChanges, now: Date): Promise<PublishResult> {
  const { update } = upload;
  const cancelled = options.signal?.aborted === true;
  if (cancelled) result.error = toErrorInfo(options.signal?.reason);
  else if (!upload.accepted) result.error = toErrorInfo(upload.error);
  let latest: RefreshResult | undefined;
  try {
    latest = await fetchVerified(options, now, ourFirstRoot(update), AbortSignal.timeout(options.timing?.readBackMs ?? READ_BACK_TIMEOUT_MS));
  } catch (readError) {
    const why = toErrorInfo(readError);
    const error = upload.accepted
      ? { code: why.code, message: `the server accepted the upload, but reading it back failed (${why.message}): whether it serves it is not known, so the changes stay staged and the next publish finds out`, ...(why.role === undefined ? {} : { role: why.role }) }
      : { code: result.error!.code, message: `${result.error!.message}; reading the server again to see whether it took the upload failed too (${why.message}): the changes stay staged, and the next publish finds out` };
    return { ...result, status: 'unknown', stillStaged: result.changes, error };
  }
  result.checkedAt = now.toISOString();
  if (latest !== undefined) result.view = viewOf(options, latest);
  if (latest !== undefined && (servesUpload(latest.trusted, update) || alreadyApplied(latest, result.changes))) {
    // A lost answer is no error once the server is seen to have the upload; a cancel is kept, to say it
    // came too late; a staged copy that cannot be dropped (a full disk) is said, never "not published".
    const { error: _lostAnswer, ...rest } = result;
    const notDropped = await staging.drop(result.changes.map((change) => change.id)).then(
      () => undefined,
      (dropError: unknown) => toErrorInfo(dropError),
    );
    const error: ErrorInfo | undefined =
      notDropped !== undefined
        ? { code: notDropped.code, message: `published, but the staged copies could not be dropped (${notDropped.message}): the next publish finds them on the server and drops them` }
        : cancelled
          ? result.error
          : undefined;
    return { ...rest, ...(error === undefined ? {} : { error }), status: 'published', published: true, versions: update.versions, serverSigned: update.serverSigned, stillStaged: [] };
  }
  if (upload.accepted) {
    const error = { code: 'publish-not-served' as const, message: `the server accepted the upload, but what it serves when read back is not it (it serves ${servedVersions(latest)}; we sent ${sentVersions(update)}): the changes stay staged, and the next publish finds out` };
    return { ...result, status: 'unknown', stillStaged: result.changes, error };
  }
  if (failedAfterSending(upload.error)) {
    // The whole upload was out when it ended without an answer: a server that has it all goes on
    // storing it even after we hung up, so "not there yet" is not "not there".
    const error = { ...result.error!, message: `${result.error!.message}; the whole upload had gone out before that and the server does not serve it yet, but it may still take it: the changes stay staged, and the next publish finds out` };
    return { ...result, status: 'unknown', stillStaged: result.changes, error };
  }
  return { ...result, status: cancelled ? 'cancelled' : 'failed', stillStaged: result.changes };
}

function sentVersions(update: BuiltUpdate): string {
  return Object.entries(update.versions).map(([role, version]) => `${role} v${version}`).join(', ');
}

/** The versions the server was found to serve, for a message. */
function servedVersions(latest: RefreshResult | undefined): string {
  if (latest === undefined) return 'no repository at all';
  const { root, targets, snapshot } = latest.trusted;
  return `root v${root.signed.version}, targets v${targets?.signed.version ?? '-'}, snapshot v${snapshot?.signed.version ?? '-'}`;
}

/** Every file we uploaded is the one the server now serves for its role. */
function servesUpload(set: TrustedSet, update: BuiltUpdate): boolean {
  for (const [role, bytes] of update.files) {
    const served = servedBytes(set, role);
    if (served === undefined || !Buffer.from(served).equals(Buffer.from(bytes))) return false;
  }
  return true;
}

function servedBytes(set: TrustedSet, role: string): Uint8Array | undefined {
  if (role === 'root') return set.root.bytes;
  if (role === 'targets') return set.targets?.bytes;
  if (role === 'snapshot') return set.snapshot?.bytes;
  return set.delegations.get(role)?.bytes;
}

/** Someone published after us, and what they serve already holds our changes (witnesses never count). */
function alreadyApplied(latest: RefreshResult, changes: readonly StagedChange[]): boolean {
  if (changes.some((change) => change.kind === 'witness' || change.kind === 'key-rotation' || change.kind === 'repository-init')) return false;
  const draft = RepositoryDraft.fromVerified(latest.trusted, latest.failedDelegations);
  try {
    applyChanges(draft, changes);
  } catch {
    return false;
  }
  return !draft.rootDirty && draft.dirtyTargetsRoles().length === 0 && draft.deleted.size === 0;
}

/** With no repository on the server, the staged changes must begin with creating it. */
async function newRepositoryDraft(options: PublishOptions, changes: readonly StagedChange[]): Promise<RepositoryDraft> {
  const init = changes.find((change): change is StagedChange & RepositoryInitChange => change.kind === 'repository-init');
  if (!init) {
    throw new CountersignError('repository-not-found', `${options.gun} does not exist on ${options.notary.serverUrl}; create it with countersign init`);
  }
  return draftForNewRepository(options.gun, init, options);
}

/** On first use right after our upload, the one root we trust is the one we uploaded. */
function ourFirstRoot(update: BuiltUpdate): (set: TrustedSet) => void {
  const uploadedRoot = update.files.get('root');
  return (set) => {
    if (uploadedRoot && !Buffer.from(set.root.bytes).equals(Buffer.from(uploadedRoot))) {
      throw new CountersignError('root-pin-mismatch', 'the server serves another root than the one just published', { role: 'root' });
    }
  };
}
