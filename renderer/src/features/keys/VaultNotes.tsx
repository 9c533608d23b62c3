// The key vault's notes after a crash: what the recovery finished, rolled back, adopted or left alone,
// per key, with the key ID to copy and the other Countersign homes that list that key. Shown on the
// Keys screen until dismissed; the main process keeps them until then (shared/schemas/vault-notes.ts).
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { VaultNote, VaultNoteKind } from '../../../../shared/schemas/vault-notes';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNote, KeyId } from '../../components/common';
import { useAppStore } from '../../store';

/** A word per kind, and whether the user should act (amber) or only know (neutral). */
const KIND: Record<VaultNoteKind, { label: string; tone: 'neutral' | 'warn' }> = {
  finished: { label: 'finished', tone: 'neutral' },
  'rolled-back': { label: 'rolled back', tone: 'warn' },
  adopted: { label: 'listed again', tone: 'neutral' },
  orphan: { label: 'left alone', tone: 'warn' },
  missing: { label: 'missing', tone: 'warn' },
  migrated: { label: 'moved', tone: 'neutral' },
};

function NoteLine(props: { note: VaultNote }) {
  const { note } = props;
  const kind = KIND[note.kind];
  return (
    <li className="vault-note" data-testid="vault-note" data-kind={note.kind}>
      <div className="vault-note-head">
        <span className={`badge badge-tone-${kind.tone}`}>{kind.label}</span>
        <KeyId id={note.keyId} />
      </div>
      <p className="note-detail">{note.message}</p>
      {note.otherHomes.length === 0 ? null : (
        <p className="note-detail" data-testid="vault-note-other-homes">
          Also listed by{' '}
          {note.otherHomes.length === 1 ? 'another Countersign home, which keeps its own copy' : `${note.otherHomes.length} other Countersign homes, which keep their own copies`}:{' '}
          {note.otherHomes.join(', ')}
        </p>
      )}
    </li>
  );
}

export function VaultNotesNotice() {
  const notes = useAppStore((s) => s.vaultNotes);
  const dismiss = useAppStore((s) => s.dismissVaultNotes);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const list = notes.value ?? [];
  if (list.length === 0) return notes.status === 'error' ? <ErrorNote error={notes.error} title="The key vault’s recovery notes could not be read" /> : null;
  const ids = [...new Set(list.map((note) => note.keyId))];
  const warn = list.some((note) => KIND[note.kind].tone === 'warn');
  return (
    <section className={`note ${warn ? 'note-tone-warn' : 'note-tone-neutral'} vault-notes`} role="status" aria-label="Key vault recovery" data-testid="vault-notes">
      <div className="vault-notes-head">
        <p className="note-title">The key vault was interrupted last time (a crash or a killed process) and has recovered</p>
        <span className="copyable">
          <span className="muted small">
            {ids.length} key {ids.length === 1 ? 'ID' : 'IDs'}
          </span>
          <CopyButton value={ids.join('\n')} what="all key IDs" />
        </span>
        <button
          type="button"
          className="button"
          onClick={() =>
            void dismiss().then((result) => {
              setError(result.ok ? undefined : result.error);
            })
          }
        >
          Dismiss
        </button>
      </div>
      <ul className="vault-note-list">
        {list.map((note) => (
          <NoteLine key={note.seq} note={note} />
        ))}
      </ul>
      {error === undefined ? null : <ErrorNote error={error} />}
    </section>
  );
}
