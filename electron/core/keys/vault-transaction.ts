// The vault's changes as transactions. Every change to a home's keys (keychain entries and the index
// together) runs under the home's vault lock, so the app and any number of CLI processes never
// interleave their read-modify-write of the index, and a rollback can only ever touch entries that
// this transaction created: no one else can have indexed them meanwhile.
//
// Before a transaction touches the keychain it writes its intent (keys.journal.json): which records
// the index should hold afterwards, which it should drop, which keychain entries go. A process killed
// mid-way leaves the journal behind, and the next transaction (in any process) first rolls it
// forward: records whose keys reached the keychain are adopted, the rest dropped; removals finish.
// Then it compares the keychain with the index once per vault: an entry nobody indexes is adopted
// when it carries its own record, else reported; nothing is deleted unasked.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import type { VaultNoteKind } from '../../../shared/schemas/vault-notes';
import { keyId } from '../crypto/key-id';
import { publicKeyOf } from '../crypto/private-key';
import { writeFileAtomic } from '../state/atomic-file';
import { fileSystemError } from '../state/fs-errors';
import type { HomeKeychain } from './home-keychain';
import { keyRecordSchema, type KeyIndex, type KeyRecord } from './key-index';
import { decodeStoredKey, storedKeyFacts } from './stored-key';
import { LOCK_FILE, withVaultLock } from './vault-lock';

export const JOURNAL_FILE = 'keys.journal.json';

const journalSchema = z.object({
  format: z.literal('countersign-key-journal'),
  operation: z.string().max(64),
  pid: z.number(),
  at: z.string(),
  /** Records the index holds when the operation is done (a 'keychain' one only if its key is there). */
  put: z.array(keyRecordSchema),
  /** Index records the operation drops. */
  drop: z.array(z.string()),
  /** Keychain entries the operation deletes. */
  deleteSecrets: z.array(z.string()),
});
export type Intent = Pick<z.infer<typeof journalSchema>, 'operation' | 'put' | 'drop' | 'deleteSecrets'>;

/** What a recovery or reconciliation found and did, for the user to read. */
export interface RecoveryEvent {
  /** The kinds are shared/schemas/vault-notes.ts's: the app shows each event as a note. */
  kind: VaultNoteKind;
  id: string;
  message: string;
}

export interface TransactionContext {
  records: Map<string, KeyRecord>;
  /** Writes the journal; call before the first keychain change. */
  intend(intent: Intent): Promise<void>;
  /** Writes the index (atomically) from `records`. */
  commit(): Promise<void>;
}

export class VaultTransactions {
  private readonly lockFile: string;
  private readonly journalFile: string;
  private reconciled = false;
  readonly events: RecoveryEvent[] = [];

  constructor(
    private readonly index: KeyIndex,
    private readonly secrets: HomeKeychain,
    private readonly onRecovery?: (events: readonly RecoveryEvent[]) => void,
    private readonly lockWaitMs?: number,
  ) {
    this.lockFile = join(index.homeDir, LOCK_FILE);
    this.journalFile = join(index.homeDir, JOURNAL_FILE);
  }

  /**
   * Runs `work` under the lock with the current index; `work` states its intent, changes the
   * keychain, then commits. The journal is cleared however `work` ends (a failure has rolled back).
   */
  async run<T>(work: (tx: TransactionContext) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withVaultLock(
      this.lockFile,
      async () => {
        await this.recoverLocked();
        const records = new Map((await this.index.all()).map((record) => [record.id, record]));
        let journaled = false;
        const tx: TransactionContext = {
          records,
          intend: async (intent) => {
            await writeFileAtomic(this.journalFile, JSON.stringify({ format: 'countersign-key-journal', pid: process.pid, at: new Date().toISOString(), ...intent }), 0o600);
            journaled = true;
          },
          commit: () => this.index.write(records.values()),
        };
        try {
          return await work(tx);
        } finally {
          if (journaled) await this.clearJournal();
        }
      },
      { signal, ...(this.lockWaitMs === undefined ? {} : { waitMs: this.lockWaitMs }) },
    );
  }

  /** Recovers and reconciles now (what the next start does anyway); returns what was found. */
  async recover(): Promise<RecoveryEvent[]> {
    await withVaultLock(this.lockFile, () => this.recoverLocked());
    return [...this.events];
  }

  private async recoverLocked(): Promise<void> {
    const found: RecoveryEvent[] = [];
    const journal = await this.readJournal();
    if (journal !== undefined) {
      found.push(...(await this.rollForward(journal)));
      await this.clearJournal();
    }
    if (!this.reconciled) {
      this.reconciled = true;
      found.push(...(await this.reconcile()));
    }
    if (found.length > 0) {
      this.events.push(...found);
      this.onRecovery?.(found);
    }
  }

  private async rollForward(journal: z.infer<typeof journalSchema>): Promise<RecoveryEvent[]> {
    const events: RecoveryEvent[] = [];
    const records = new Map((await this.index.all()).map((record) => [record.id, record]));
    const interrupted = `An interrupted ${journal.operation} (process ${journal.pid}, ${journal.at})`;
    for (const record of journal.put) {
      if (record.location === 'keychain' && !(await this.holds(record.id))) {
        if (!records.has(record.id) || records.get(record.id)!.location === 'keychain') {
          records.delete(record.id);
          // Said even when the index never listed it: the user asked for this key and does not have it.
          events.push({ kind: 'rolled-back', id: record.id, message: `${interrupted} had not stored key ${record.id} (${record.role}); it was rolled back and the key is not listed.` });
        }
        continue;
      }
      records.set(record.id, record);
      events.push({ kind: 'finished', id: record.id, message: `${interrupted} is finished: key ${record.id} (${record.role}) is ${record.location === 'keychain' ? 'in the keychain' : `offline in ${record.offlineFile ?? 'a file'}`}.` });
    }
    for (const id of journal.deleteSecrets) await this.secrets.delete(id);
    for (const id of journal.drop) {
      if (records.delete(id)) events.push({ kind: 'finished', id, message: `${interrupted} is finished: key ${id} is removed.` });
    }
    await this.index.write(records.values());
    return events;
  }

  /** The keychain against the index: orphans adopted (when self-describing) or reported; legacy entries copied. */
  private async reconcile(): Promise<RecoveryEvent[]> {
    const events: RecoveryEvent[] = [];
    const records = new Map((await this.index.all()).map((record) => [record.id, record]));
    await this.secrets.checkReachable();
    const held = new Set(await this.secrets.list());
    let changed = false;
    for (const id of held) {
      if (records.has(id)) continue;
      const secret = await this.secrets.get(id);
      const facts = secret === null ? undefined : storedKeyFacts(secret);
      if (secret !== null && facts !== undefined && facts.id === id && holdsKey(secret, id)) {
        records.set(id, { ...facts, location: 'keychain' });
        changed = true;
        events.push({ kind: 'adopted', id, message: `Key ${id} (${facts.role}) was in the keychain but not listed (a run was interrupted); it is listed again.` });
      } else {
        events.push({ kind: 'orphan', id, message: `The keychain holds an entry for key ${id} that this home does not list and that does not say what it is. It was left alone.` });
      }
    }
    for (const record of records.values()) {
      if (record.location !== 'keychain' || held.has(record.id)) continue;
      const legacy = await this.secrets.legacy(record.id);
      if (legacy !== null && holdsKey(legacy, record.id)) {
        await this.secrets.set(record.id, legacy);
        events.push({ kind: 'migrated', id: record.id, message: `Key ${record.id} moved into this home's own keychain entries.` });
      } else {
        events.push({ kind: 'missing', id: record.id, message: `The keychain no longer holds key ${record.id} (${record.role}) that this home lists.` });
      }
    }
    if (records.size > 0) await this.secrets.register();
    if (changed) await this.index.write(records.values());
    return events;
  }

  private async holds(id: string): Promise<boolean> {
    const secret = await this.secrets.get(id);
    return secret !== null && holdsKey(secret, id);
  }

  private async readJournal(): Promise<z.infer<typeof journalSchema> | undefined> {
    let text: string;
    try {
      text = await readFile(this.journalFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fileSystemError(error, this.journalFile);
    }
    try {
      return journalSchema.parse(JSON.parse(text));
    } catch {
      // A journal cut short by a crash while being written: its operation had not touched the keychain.
      return undefined;
    }
  }

  private async clearJournal(): Promise<void> {
    await rm(this.journalFile, { force: true }).catch((error: unknown) => {
      throw fileSystemError(error, this.journalFile);
    });
  }
}

/** Whether a keychain entry holds the key with this ID (a foreign or damaged entry does not). */
export function holdsKey(secret: string, id: string): boolean {
  try {
    return keyId(publicKeyOf(decodeStoredKey(secret, id))) === id;
  } catch (error) {
    if (error instanceof CountersignError) return false;
    throw error;
  }
}
