import type { Result } from '../../../shared/contract';
import type { ImportProgress, KeyImportReport, KeySummary } from '../../../shared/schemas/views';
import { countersign, errorInfoOf, newOperationId } from '../bridge/client';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface KeysSlice {
  keys: Loadable<KeySummary[]>;
  importProgress: (ImportProgress & { operationId: string }) | undefined;
  loadKeys: () => Promise<void>;
  generateKey: (input: { role: string; gun?: string; algorithm: 'ecdsa' | 'ed25519'; label?: string }) => Promise<Result<KeySummary>>;
  removeKey: (id: string) => Promise<Result<{ removed: string }>>;
  importTrustDir: (input: { dir?: string; passphrases: string[] }) => Promise<Result<KeyImportReport>>;
}

async function safely<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, error: errorInfoOf(error) };
  }
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
    loadKeys: async () => {
      await fetchInto(get().keys, (keys) => set({ keys }), () => countersign().keys.list({}));
    },
    generateKey: (input) => changeKeys(() => countersign().keys.generate(input)),
    removeKey: (id) => changeKeys(() => countersign().keys.remove({ id, confirm: true })),
    importTrustDir: async (input) => {
      const operationId = newOperationId();
      set({ importProgress: { operationId, done: 0, total: 0, file: '' } });
      try {
        return await changeKeys(() =>
          countersign().keys.importTrustDir(input, {
            operationId,
            onProgress: (event) => set({ importProgress: { ...event, operationId } }),
          }),
        );
      } finally {
        set({ importProgress: undefined });
        void get().scanMachine();
      }
    },
  };
};
