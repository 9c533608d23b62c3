import type { ServerInput } from '../../../shared/schemas/settings';
import type { ConnectionReport } from '../../../shared/schemas/views';
import type { Result } from '../../../shared/contract';
import { countersign, errorInfoOf } from '../bridge/client';
import { fetchInto } from './fetch-into';
import type { Loadable } from './loadable';
import type { Slice } from './types';

export interface ServersSlice {
  /** Connection checks by a key the caller chooses (a server id, or 'draft' for the add form). */
  connectionChecks: Record<string, Loadable<ConnectionReport>>;
  checkServer: (key: string, server: ServerInput) => Promise<ConnectionReport | undefined>;
  forgetCheck: (key: string) => void;
  /** Hands a sign-in password to the main process, which keeps it in the OS keychain. */
  setServerPassword: (serverId: string, password: string) => Promise<Result<{ stored: true }>>;
}

export const createServersSlice: Slice<ServersSlice> = (set, get) => ({
  connectionChecks: {},
  checkServer: (key, server) =>
    fetchInto(
      get().connectionChecks[key],
      (check) => set((state) => ({ connectionChecks: { ...state.connectionChecks, [key]: check } })),
      () => countersign().servers.check({ server }),
    ),
  setServerPassword: async (serverId, password) => {
    try {
      return await countersign().servers.setPassword({ serverId, password });
    } catch (error) {
      return { ok: false, error: errorInfoOf(error) };
    }
  },
  forgetCheck: (key) =>
    set((state) => {
      const { [key]: _forgotten, ...rest } = state.connectionChecks;
      return { connectionChecks: rest };
    }),
});
