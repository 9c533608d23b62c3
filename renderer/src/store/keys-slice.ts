import type { Result } from '../../../shared/contract';
import type { ImportProgress, KeyImportScan, KeySummary, PerKeyImportReport } from '../../../shared/schemas/views';
import type { SavedFile } from '../../../shared/schemas/audit';
import type { VaultNote } from '../../../shared/schemas/vault-notes';
import { countersign, errorInfoOf, newOperationId } from '../bridge/client';
import { deliverSavedFile } from '../bridge/saved-file';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface KeysSlice {
  keys: Loadable<KeySummary[]>;
  importProgress: (ImportProgress & { operationId: string }) | undefined;
  /** What the vault's recovery after a crash found and did, until the user dismisses it. */
  vaultNotes: Loadable<VaultNote[]>;
  /** Loads the key list and the vault's notes (the first load is when the recovery runs). */
  loadKeys: () => Promise<void>;
  /** Dismisses the notes shown (a note that arrived since stays). */
  dismissVaultNotes: () => Promise<Result<{ dismissed: true }>>;
  generateKey: (input: { role: string; gun?: string; algorithm: 'ecdsa' | 'ed25519'; label?: string }) => Promise<Result<KeySummary>>;
  removeKey: (id: string) => Promise<Result<{ removed: string }>>;
  /** Step 1 of a key-by-key import: what the chosen folder or file holds (no passphrase). */
  scanImport: (source: KeyImportScan['source']) => Promise<Result<KeyImportScan>>;
  /** Step 2: the chosen keys, each with its passphrase (sent to the main process, never kept here). */
  importChosen: (source: KeyImportScan['source'], keys: { entry: string; passphrase?: string }[]) => Promise<Result<PerKeyImportReport>>;
  labelKey: (id: string, label: string) => Promise<Result<KeySummary>>;
  /** The .pub file, through the save dialog (a download in the test host). */
  savePublicKey: (id: string) => Promise<Result<SavedFile>>;
  /** An encrypted key file, through the save dialog; the passphrase goes to the main process only. */
  exportKeys: (ids: string[], passphrase: string) => Promise<Result<SavedFile>>;
}

async function safely<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, error: errorInfoOf(error) };
  }
}

/** A file the main process handed over: delivered to the browser when the test host offers a download. */
async function saved(call: () => Promise<Result<SavedFile>>): Promise<Result<SavedFile>> {
  const result = await safely(call);
  if (result.ok) deliverSavedFile(result.value);
  return result;
}

export const createKeysSlice: Slice<KeysSlice> = (set, get) => {
  /** Runs a change to the vault, then reloads the key list if it worked. */
  const changeKeys = async <T>(call: () => Promise<Result<T>>): Promise<Result<T>> => {
    const result = await safely(call);
    if (result.ok) await get().loadKeys();
    return result;
  };
  return {
    keys: idle,
    importProgress: undefined,
    vaultNotes: idle,
    loadKeys: async () => {
      await fetchInto(get().keys, (keys) => set({ keys }), () => countersign().keys.list({}));
      await fetchInto(get().vaultNotes, (vaultNotes) => set({ vaultNotes }), () => countersign().keys.notes({}));
    },
    dismissVaultNotes: async () => {
      const shown = get().vaultNotes.value ?? [];
      const last = shown.at(-1);
      if (last === undefined) return { ok: true, value: { dismissed: true } };
      const result = await safely(() => countersign().keys.dismissNotes({ through: last.seq }));
      if (result.ok) await fetchInto(get().vaultNotes, (vaultNotes) => set({ vaultNotes }), () => countersign().keys.notes({}));
      return result;
    },
    generateKey: (input) => changeKeys(() => countersign().keys.generate(input)),
    removeKey: (id) => changeKeys(() => countersign().keys.remove({ id, confirm: true })),
    labelKey: (id, label) => changeKeys(() => countersign().keys.label({ id, label })),
    savePublicKey: (id) => saved(() => countersign().keys.savePublicKey({ id })),
    exportKeys: (ids, passphrase) => saved(() => countersign().keys.export({ ids, passphrase })),
    scanImport: (source) => safely(() => countersign().keys.scanImport(source)),
    importChosen: async (source, keys) => {
      const operationId = newOperationId();
      set({ importProgress: { operationId, done: 0, total: 0, file: '' } });
      try {
        return await changeKeys(() =>
          countersign().keys.importChosen({ ...source, keys }, { operationId, onProgress: (event) => set({ importProgress: { ...event, operationId } }) }),
        );
      } finally {
        set({ importProgress: undefined });
      }
    },
  };
};
