// The cache of verified metadata for one repository on one server. It holds only what passed
// verification, and its root is the repository's pin: later roots must chain to it.
//
// Files are stored by content hash and listed in state.json, which is written last: a crash
// mid-save leaves the previous state.json pointing at the previous, complete set of files. Files of
// up to INLINE_MAX_BYTES (a root, a timestamp, a snapshot, a small targets) are kept inside
// state.json itself, still under their hash and checked against it on every read: an audit trusts
// hundreds of repositories at once, and on ext4 much of a cold one went to allocating inodes for
// seven files and two folders each (now three files and one folder for a small repository). Larger
// files sit beside it in objects/<sha256>.json.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isValidGun } from '../../../shared/reference';
import { CountersignError, ERROR_CODES, type ErrorInfo } from '../../../shared/errors';
import { writeFileAtomic } from './atomic-file';
import { serverKey } from './home';
import { makeDirectories, readSmallFile, removeFile } from './small-files';

export interface StoredRepository {
  /** Role name -> the exact bytes that were verified. */
  files: Map<string, Uint8Array>;
  /** Role name -> highest version trusted so far (for rollback checks). */
  versions: Record<string, number>;
  verifiedAt: string;
  /**
   * sha256 (hex) of byte arrays of `files`, keyed by the array itself (so a replaced file is never
   * matched to an old hash), as load() computed them while checking the objects, or a refresh's
   * hash checks while verifying downloads: the updater and the checks compare them with the
   * parent's hash, and save() files the bytes under them, instead of hashing the same bytes again.
   */
  digests?: WeakMap<Uint8Array, string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const stateSchema = z.object({
  verifiedAt: z.string(),
  versions: z.record(z.string(), z.number().int()),
  files: z.record(z.string(), z.string().regex(SHA256_HEX)),
  /** sha256 (hex) -> base64 of the small files kept in state.json (absent in caches written before). */
  inline: z.record(z.string().regex(SHA256_HEX), z.string()).optional(),
});

/** Kept inside state.json up to this size; a 10,000-target targets file (1.4 MB) is not. */
export const INLINE_MAX_BYTES = 16 * 1024;

const attemptSchema = z.object({ at: z.string(), error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), role: z.string().optional() }) });

export interface FailedAttempt {
  at: string;
  error: ErrorInfo;
}

export class MetadataCache {
  readonly dir: string;
  /** What load() read: save() writes nothing when a refresh changed none of it. */
  private loaded: { listed: Record<string, string>; versions: Record<string, number>; digests: WeakMap<Uint8Array, string> } | undefined;
  private stateRead: Promise<State | undefined> | undefined;

  constructor(home: string, serverUrl: string, readonly gun: string) {
    if (!isValidGun(gun)) throw new CountersignError('invalid-input', `"${gun}" is not a valid repository name`);
    this.dir = join(home, 'trust', serverKey(serverUrl), ...gun.split('/'));
  }

  /**
   * Undefined only when this repository was never verified here (no state.json). A state.json that
   * exists but cannot be read or parsed fails closed: it is what holds the pin, and treating its
   * damage as a first use would trust whatever root the server offers now.
   */
  async load(): Promise<StoredRepository | undefined> {
    const state = await this.state();
    if (!state) return undefined;
    const files = new Map<string, Uint8Array>();
    const digests = new WeakMap<Uint8Array, string>();
    const entries = Object.entries(state.files);
    // A file that no longer matches its recorded hash is left out: it will be fetched and verified again.
    const objects = await Promise.all(entries.map(([, hash]) => this.storedObject(state, hash)));
    for (const [i, [role, hash]] of entries.entries()) {
      const bytes = objects[i];
      if (bytes) {
        const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        files.set(role, view);
        digests.set(view, hash);
      }
    }
    // A damaged object was dropped above and will be fetched again: the next save must rewrite it.
    if (files.size === entries.length) this.loaded = { listed: state.files, versions: state.versions, digests };
    return { files, versions: state.versions, verifiedAt: state.verifiedAt, digests };
  }

  /**
   * What tells whether a refresh changed anything, read without the bulk of the files: state.json's
   * listing and the stored timestamp's bytes. Undefined unless the timestamp and the root (the pin)
   * are there and match their hash: a damaged pin is for load() and the full refresh to refuse.
   * Damage to another file does not matter while nothing changed (the view verified from them is
   * bound to their hashes); once something does, load() drops it and the refresh fetches it again.
   */
  async storedTimestamp(): Promise<{ listing: Record<string, string>; timestamp: Uint8Array; root: Uint8Array } | undefined> {
    const state = await this.state();
    if (state === undefined) return undefined;
    const [timestamp, root] = await Promise.all(['timestamp', 'root'].map((role) => this.storedObject(state, state.files[role])));
    return timestamp !== undefined && root !== undefined ? { listing: state.files, timestamp, root } : undefined;
  }

  /** The file stored under `hash` (in state.json or in objects/), when it is there and still has that hash. */
  private async storedObject(state: State, hash: string | undefined): Promise<Uint8Array | undefined> {
    if (hash === undefined) return undefined;
    const inline = state.inline?.[hash];
    const bytes = inline !== undefined ? Buffer.from(inline, 'base64') : await readSmallFile(this.objectPath(hash)).catch(() => undefined);
    return bytes !== undefined && sha256(bytes) === hash ? bytes : undefined;
  }

  /**
   * True when this repository has no state.json here. Synchronous on purpose: the caller decides
   * with it, before anything else, whether to ask the server for its root right away.
   */
  neverVerified(): boolean {
    if (existsSync(join(this.dir, 'state.json'))) return false;
    // Nothing to read then: load() and storedTimestamp() do not try (an audit meets hundreds at once).
    this.stateRead ??= Promise.resolve(undefined);
    return true;
  }

  /** state.json, read once for this cache object (load() and storedTimestamp() share the read). */
  private state(): Promise<State | undefined> {
    this.stateRead ??= readState(join(this.dir, 'state.json'), this.dir);
    return this.stateRead;
  }

  /** True when `repository` is what load() read: the same files (by hash) and versions. */
  private unchanged(listed: Record<string, string>, versions: Record<string, number>): boolean {
    const loaded = this.loaded;
    if (!loaded) return false;
    return sameRecord(loaded.listed, listed) && sameRecord(loaded.versions, versions);
  }

  /**
   * Stores a verified refresh. When nothing changed since load() (an unchanged repository), it
   * writes nothing: state.json keeps the time of the last change's verification, which only makes a
   * later stale view look older, never newer, than it is.
   */
  async save(repository: StoredRepository): Promise<Record<string, string>> {
    const listed: Record<string, string> = {};
    // Bytes served from the cache are the very arrays load() hashed: no need to hash them again.
    // Bytes the refresh downloaded were hashed by its checks (repository.digests).
    for (const [role, bytes] of repository.files) listed[role] = this.loaded?.digests.get(bytes) ?? repository.digests?.get(bytes) ?? sha256(bytes);
    this.stateRead = undefined;
    if (this.unchanged(listed, repository.versions)) {
      await removeFile(join(this.dir, 'attempt.json'));
      return listed;
    }
    const inline: Record<string, string> = {};
    const large: [string, Uint8Array][] = [];
    for (const [role, bytes] of repository.files) {
      if (bytes.length <= INLINE_MAX_BYTES) inline[listed[role]!] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      else large.push([role, bytes]);
    }
    // A repository met for the first time has no folder yet. It is made here, once: otherwise each
    // object's write finds it missing and makes it, racing `mkdir -p`s per repository of an audit.
    // What was made tells what cannot be there yet: objects to keep or collect, a note of a failure.
    const objects = join(this.dir, 'objects');
    const needed = large.length > 0 ? objects : this.dir;
    const made = large.length > 0 || !this.loaded ? await makeDirectories(needed, 0o700) : undefined;
    const newFolder = made !== undefined && made !== objects;
    const noObjectsYet = newFolder || made === objects;
    // The large files are independent, written side by side; state.json, which lists them, only
    // once all of them are in place. The root is rarely among them (a few kilobytes).
    await Promise.all(
      large.map(async ([role, bytes]) => {
        const path = this.objectPath(listed[role]!);
        // Content-addressed: an object already there with its full length is this very file.
        if (!noObjectsYet && (await stat(path).catch(() => undefined))?.size === bytes.length) return;
        // Only root must survive a crash (it is the pin); everything else is fetched and verified again.
        await writeFileAtomic(path, bytes, 0o644, { durable: role === 'root' });
      }),
    );
    // Durable (the default): it holds the pin, inline or beside it.
    const state: State = { verifiedAt: repository.verifiedAt, versions: repository.versions, files: listed, inline };
    await writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(state, null, 1), 0o644);
    if (!newFolder) await removeFile(join(this.dir, 'attempt.json'));
    if (!noObjectsYet) await this.collectGarbage(new Set(large.map(([role]) => listed[role]!)));
    return listed;
  }

  /** Forgets the note of a failed refresh (a refresh succeeded): nothing is written when there is none. */
  async clearFailure(): Promise<void> {
    await removeFile(join(this.dir, 'attempt.json'));
  }

  /** Remembers why the last refresh failed, without touching the verified data. */
  async recordFailure(attempt: FailedAttempt): Promise<void> {
    await writeFileAtomic(join(this.dir, 'attempt.json'), JSON.stringify(attempt), 0o644);
  }

  async lastFailure(): Promise<FailedAttempt | undefined> {
    return readJson(join(this.dir, 'attempt.json'), attemptSchema);
  }

  private objectPath(hash: string): string {
    return join(this.dir, 'objects', `${hash}.json`);
  }

  private async collectGarbage(keep: Set<string>): Promise<void> {
    const names = await readdir(join(this.dir, 'objects')).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => !keep.has(name.replace(/\.json$/, '')))
        .map((name) => removeFile(join(this.dir, 'objects', name))),
    );
  }
}

type State = z.infer<typeof stateSchema>;

async function readState(path: string, dir: string): Promise<State | undefined> {
  let text: string;
  try {
    text = (await readSmallFile(path)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw damagedState(path, dir, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damagedState(path, dir, text.length === 0 ? 'is empty' : 'is not valid JSON (truncated or damaged)');
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw damagedState(path, dir, 'does not have the shape Countersign writes');
  return parsed.data;
}

function damagedState(path: string, dir: string, what: string): CountersignError {
  return new CountersignError(
    'root-pin-mismatch',
    `the local trust state ${path} ${what}, so the pinned root of this repository cannot be read and nothing is trusted. ` +
      `To pin again, check the server's root out of band (or configure it in <home>/trust-pinning.json), then remove ${dir}`,
    { role: 'root' },
  );
}

/** A missing or unreadable note is no note: attempt.json only says since when a server is unreachable. */
async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = (await readSmallFile(path)).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameRecord<T>(a: Record<string, T>, b: Record<string, T>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
