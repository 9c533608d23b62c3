// The rotation record: what a key rotation has done so far, one file per rotation under
// <home>/rotations/, written atomically after every step. A rotation interrupted anywhere (the app
// closed, the machine crashed) is resumed from it: each step is safe to do again, and the old root
// kept here lets the last check run even after a crash. Public facts only: IDs and public metadata.
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CountersignError, ERROR_CODES } from '../../../shared/errors';
import type { RepositoryRef, RotatableRole, RotationRecordView } from '../../../shared/schemas/flows';
import { gunSchema, serverIdSchema } from '../../../shared/schemas/settings';
import { writeFileAtomic } from '../state/atomic-file';

const FORMAT = 'countersign-rotation';
const keyIds = z.array(z.string().regex(/^[0-9a-f]{64}$/));
const errorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string(), role: z.string().optional() });

const repositorySchema = z.object({
  gun: gunSchema,
  // The app names a saved server by id; the command line by its https URL.
  serverId: z.union([serverIdSchema, z.string().max(2048).refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:')]),
  step: z.enum(['pending', 'staged', 'published', 'verified', 'done']),
  oldKeyIds: keyIds,
  newKeyIds: keyIds,
  /** base64 of root.json as trusted before the rotation: the anchor of the final check. */
  oldRoot: z.string().optional(),
  followedByOldRoot: z.boolean().optional(),
  /** Old keys removed from the vault once the rotation was verified, and those kept (with why). */
  retired: z.object({ removed: keyIds, kept: z.array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), reason: z.string() })) }).optional(),
  error: errorSchema.optional(),
});

const recordSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  role: z.enum(['root', 'targets', 'snapshot', 'timestamp']),
  serverManaged: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  repositories: z.array(repositorySchema).min(1),
});

export type RotationRecord = z.infer<typeof recordSchema>;
export type RotationEntry = RotationRecord['repositories'][number];

export class RotationRecords {
  readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, 'rotations');
  }

  async create(role: RotatableRole, serverManaged: boolean, repositories: readonly RepositoryRef[], now = new Date()): Promise<RotationRecord> {
    const record: RotationRecord = {
      format: FORMAT,
      version: 1,
      id: randomUUID(),
      role,
      serverManaged,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      repositories: repositories.map((ref) => ({ gun: ref.gun, serverId: ref.serverId, step: 'pending', oldKeyIds: [], newKeyIds: [] })),
    };
    await this.save(record);
    return record;
  }

  async save(record: RotationRecord): Promise<void> {
    record.updatedAt = new Date().toISOString();
    await writeFileAtomic(this.file(record.id), `${JSON.stringify(record, null, 2)}\n`);
  }

  async load(id: string): Promise<RotationRecord> {
    let text: string;
    try {
      text = await readFile(this.file(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CountersignError('not-found', `there is no rotation ${id}`);
      throw error;
    }
    const parsed = recordSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new CountersignError('config-invalid', `the rotation record ${this.file(id)} is damaged: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  /** Rotations not finished yet, oldest first. A damaged record is skipped here and reported by load(). */
  async unfinished(): Promise<RotationRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: RotationRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const record = await this.load(name.slice(0, -'.json'.length)).catch(() => undefined);
      if (record !== undefined && !isFinished(record)) records.push(record);
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async remove(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
  }

  private file(id: string): string {
    if (!/^[a-z0-9-]{1,64}$/.test(id)) throw new CountersignError('invalid-input', `"${id}" is not a rotation ID`);
    return join(this.dir, `${id}.json`);
  }
}

export function isFinished(record: RotationRecord): boolean {
  return record.repositories.every((entry) => entry.step === 'done');
}

export function recordView(record: RotationRecord): RotationRecordView {
  return {
    id: record.id,
    role: record.role,
    serverManaged: record.serverManaged,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    finished: isFinished(record),
    repositories: record.repositories.map((entry) => ({
      gun: entry.gun,
      serverId: entry.serverId,
      step: entry.step,
      oldKeyIds: entry.oldKeyIds,
      newKeyIds: entry.newKeyIds,
      ...(entry.followedByOldRoot === undefined ? {} : { followedByOldRoot: entry.followedByOldRoot }),
      ...(entry.retired === undefined ? {} : { retired: entry.retired }),
      ...(entry.error === undefined ? {} : { error: entry.error }),
    })),
  };
}
