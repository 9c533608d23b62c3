// The key vault's recovery notes, kept for the app to show. Every vault the main process opens (the
// Keys screen's and each write job's) reports here what its recovery found; a vault reconciles once
// when opened, so the same orphan would be reported again by every job's vault: a note already seen
// (same kind, key and words) is not added twice, also after the user dismissed it.
import type { RecoveryEvent } from '../core/keys';
import type { VaultNoteKind } from '../../shared/schemas/vault-notes';

export interface PendingNote {
  seq: number;
  kind: VaultNoteKind;
  keyId: string;
  message: string;
}

export class VaultNotes {
  private readonly seen = new Set<string>();
  private pending: PendingNote[] = [];
  private next = 0;

  /** The vault's onRecovery: what it found, in the order it found it. */
  readonly record = (events: readonly RecoveryEvent[]): void => {
    for (const event of events) {
      const key = `${event.kind}\n${event.id}\n${event.message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.pending.push({ seq: this.next++, kind: event.kind, keyId: event.id, message: event.message });
    }
  };

  /** The notes the user has not dismissed yet, oldest first. */
  list(): PendingNote[] {
    return [...this.pending];
  }

  /** Drops the notes up to and including `through` (the last one the user saw); later ones stay. */
  dismiss(through: number): void {
    this.pending = this.pending.filter((note) => note.seq > through);
  }
}
