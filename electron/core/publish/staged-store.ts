// Where staged changes wait until they are published: one folder per server and repository under the
// home dir, one file per batch of changes. A batch is written whole (atomically) and never edited in
// place except to drop changes from it, so two processes staging at once each add their own file, and
// a crash leaves either the whole batch or none of it. Files sort by name in staging order.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { isValidGun } from '../../../shared/reference';
import { writeFileAtomic } from '../state/atomic-file';
import { serverKey } from '../state/home';
import { changeSchema, type Change, type StagedChange } from './changes';

const FORMAT = 'countersign-staged-changes';
const stagedFieldsSchema = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/), stagedAt: z.string() });
// Each change is checked twice (its kind's schema, then the staging fields): an intersection of a union
// costs several times more, which shows with thousands of staged tags.
const stagedChangeSchema = z.custom<StagedChange>((value) => changeSchema.safeParse(value).success && stagedFieldsSchema.safeParse(value).success, 'a staged change');
const batchSchema = z.object({ format: z.literal(FORMAT), version: z.literal(1), changes: z.array(stagedChangeSchema) });
const BATCH_FILE = /^\d{16}-\d{6}-[0-9a-f]{8}\.json$/;

let sequence = 0;

export class StagedChanges {
  readonly dir: string;

  constructor(home: string, serverUrl: string, readonly gun: string) {
    if (!isValidGun(gun)) throw new CountersignError('invalid-input', `"${gun}" is not a valid repository name`);
    this.dir = join(home, 'staged', serverKey(serverUrl), ...gun.split('/'));
  }

  /** Every staged change, oldest first. A damaged file is an error: silently losing a change is worse. */
  async list(): Promise<StagedChange[]> {
    const batches = await this.batches();
    return batches.flatMap((batch) => batch.changes);
  }

  /** Stages changes as one batch, after everything staged before; returns them with their IDs. */
  async stage(changes: readonly Change[], now: Date = new Date()): Promise<StagedChange[]> {
    if (changes.length === 0) return [];
    const stagedAt = now.toISOString();
    const staged = changes.map((change) => ({ ...changeSchema.parse(change), id: randomBytes(8).toString('hex'), stagedAt }) as StagedChange);
    // Milliseconds, then a per-process counter, so batches staged within one millisecond keep their order.
    const name = `${String(now.getTime()).padStart(16, '0')}-${String(sequence++ % 1_000_000).padStart(6, '0')}-${randomBytes(4).toString('hex')}.json`;
    await writeFileAtomic(join(this.dir, name), JSON.stringify({ format: FORMAT, version: 1, changes: staged }), 0o600);
    return staged;
  }

  /** Drops the given changes; IDs that are not staged are ignored. */
  async drop(ids: readonly string[]): Promise<StagedChange[]> {
    const wanted = new Set(ids);
    const dropped: StagedChange[] = [];
    for (const batch of await this.batches()) {
      const keep = batch.changes.filter((change) => !wanted.has(change.id));
      if (keep.length === batch.changes.length) continue;
      dropped.push(...batch.changes.filter((change) => wanted.has(change.id)));
      if (keep.length === 0) await rm(batch.path, { force: true });
      else await writeFileAtomic(batch.path, JSON.stringify({ format: FORMAT, version: 1, changes: keep }), 0o600);
    }
    return dropped;
  }

  /**
   * Drops everything staged, damaged files included (the way out when one cannot be read); says how
   * many changes it dropped, and how many files it dropped whose changes could not be counted.
   */
  async dropAll(): Promise<{ changes: number; unreadableFiles: number }> {
    const names = (await this.fileNames()).filter((name) => BATCH_FILE.test(name));
    let changes = 0;
    let unreadableFiles = 0;
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        changes += parseBatch(await readFile(path, 'utf8'), path).length;
      } catch {
        unreadableFiles += 1;
      }
      await rm(path, { force: true });
    }
    return { changes, unreadableFiles };
  }

  private async fileNames(): Promise<string[]> {
    return readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
  }

  private async batches(): Promise<{ path: string; changes: StagedChange[] }[]> {
    const names = await this.fileNames();
    const batches: { path: string; changes: StagedChange[] }[] = [];
    for (const name of names.filter((n) => BATCH_FILE.test(n)).sort()) {
      const path = join(this.dir, name);
      // Dropped by a concurrent publish since we listed the folder: nothing to read.
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
      if (text === undefined) continue;
      batches.push({ path, changes: parseBatch(text, path) });
    }
    return batches;
  }
}

function parseBatch(text: string, path: string): StagedChange[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CountersignError('config-invalid', `staged changes in ${path} cannot be read (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not JSON'}); drop them with countersign reset`);
  }
  return parsed.data.changes;
}
