// What the key vault found and did when it recovered from a crash (an interrupted operation finished
// or rolled back, keychain entries the index did not list), as the renderer is told it. The main
// process parses every note with this schema before sending it: strict objects with a fixed set of
// public fields (a key ID, a sentence, home paths), so no key material can ride along.
import { z } from 'zod';
import { keyIdSchema } from './flows';

/**
 * finished: an interrupted operation's change is completed; rolled-back: it had not reached the
 * keychain and is undone; adopted / orphan: a keychain entry the index did not list, listed again or
 * left alone; missing: a listed key the keychain no longer holds; migrated: moved to this home's entries.
 */
export const VAULT_NOTE_KINDS = ['finished', 'rolled-back', 'adopted', 'orphan', 'missing', 'migrated'] as const;
export type VaultNoteKind = (typeof VAULT_NOTE_KINDS)[number];

export const vaultNoteSchema = z.strictObject({
  /** Increasing within one run of the main process; keys.dismissNotes takes the last one seen. */
  seq: z.number().int().nonnegative(),
  kind: z.enum(VAULT_NOTE_KINDS),
  keyId: keyIdSchema,
  message: z.string().max(2000),
  /** Other Countersign homes that hold or list this key: their copies are theirs, and stay. */
  otherHomes: z.array(z.string().max(4096)).max(100),
});
export type VaultNote = z.infer<typeof vaultNoteSchema>;
export const vaultNotesSchema = z.array(vaultNoteSchema).max(1000);
