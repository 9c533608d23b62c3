// The vault's recovery notes as the main process keeps them for the Keys screen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VaultNotes } from '../../../electron/ipc/vault-notes';
import { vaultNoteSchema } from '../../../shared/schemas/vault-notes';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('VaultNotes', () => {
  it('keeps what each vault reported, oldest first, numbered', () => {
    const notes = new VaultNotes();
    notes.record([{ kind: 'finished', id: A, message: 'An interrupted import is finished.' }]);
    notes.record([{ kind: 'orphan', id: B, message: 'Left alone.' }]);
    assert.deepEqual(
      notes.list().map((note) => [note.seq, note.kind, note.keyId]),
      [
        [0, 'finished', A],
        [1, 'orphan', B],
      ],
    );
  });

  it('does not repeat a note every job’s vault reports again when it reconciles', () => {
    const notes = new VaultNotes();
    notes.record([{ kind: 'orphan', id: B, message: 'Left alone.' }]);
    notes.record([{ kind: 'orphan', id: B, message: 'Left alone.' }]);
    assert.equal(notes.list().length, 1);
  });

  it('when dismissed up to a note, drops that one and older, keeps a later one, and does not bring a dismissed one back', () => {
    const notes = new VaultNotes();
    notes.record([{ kind: 'finished', id: A, message: 'Finished.' }]);
    const seen = notes.list().at(-1)!.seq;
    notes.record([{ kind: 'missing', id: B, message: 'Missing.' }]);
    notes.dismiss(seen);
    assert.deepEqual(notes.list().map((note) => note.keyId), [B]);
    notes.record([{ kind: 'finished', id: A, message: 'Finished.' }]);
    assert.deepEqual(notes.list().map((note) => note.keyId), [B]);
  });
});

describe('the note schema at the IPC edge', () => {
  const note = { seq: 0, kind: 'adopted', keyId: A, message: 'Listed again.', otherHomes: ['/home/alice/.countersign'] };

  it('passes a note of public facts', () => {
    assert.deepEqual(vaultNoteSchema.parse(note), note);
  });

  it('refuses any field beyond them, so key material cannot ride along', () => {
    assert.throws(() => vaultNoteSchema.parse({ ...note, secret: '-----BEGIN PRIVATE KEY-----' }));
  });

  it('refuses a key ID that is not one', () => {
    assert.throws(() => vaultNoteSchema.parse({ ...note, keyId: 'not-an-id' }));
  });
});
