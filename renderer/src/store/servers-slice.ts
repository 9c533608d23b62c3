import type { ServerInput } from '../../../shared/schemas/settings';
import type { ConnectionReport, ConnectionStep } from '../../../shared/schemas/views';
import type { Result } from '../../../shared/contract';
import { cancelOperation, countersign, errorInfoOf, newOperationId } from '../bridge/client';
import { fetchInto } from './fetch-into';
import type { Loadable } from './loadable';
import type { Slice } from './types';

export interface ServersSlice {
  /** Connection checks by a key the caller chooses (a server id, or 'draft' for the add form). */
  connectionChecks: Record<string, Loadable<ConnectionReport>>;
  checkServer: (key: string, server: ServerInput) => Promise<ConnectionReport | undefined>;
  /** The operation of each running check (to cancel it), when it started (to show the time waited) and the step it is at. */
  runningChecks: Record<string, { operationId: string; startedAt: number; step?: ConnectionStep }>;
  cancelCheck: (key: string) => Promise<void>;
  forgetCheck: (key: string) => void;
  /**
   * Hands a sign-in password to the main process, which keeps it in the OS keychain; once stored, the
   * repositories watched on the server are read again with it (recheckServer).
   */
  setServerPassword: (serverId: string, password: string) => Promise<Result<{ stored: true }>>;
}

export const createServersSlice: Slice<ServersSlice> = (set, get) => ({
  connectionChecks: {},
  runningChecks: {},
  checkServer: async (key, server) => {
    const operationId = newOperationId();
    set((state) => ({ runningChecks: { ...state.runningChecks, [key]: { operationId, startedAt: Date.now() } } }));
    try {
      return await fetchInto(
        get().connectionChecks[key],
        (check) => set((state) => ({ connectionChecks: { ...state.connectionChecks, [key]: check } })),
        () =>
          countersign().servers.check(
            { server },
            {
              operationId,
              onProgress: ({ step }) =>
                set((state) => {
                  const running = state.runningChecks[key];
                  return running?.operationId === operationId ? { runningChecks: { ...state.runningChecks, [key]: { ...running, step } } } : {};
                }),
            },
          ),
      );
    } finally {
      set((state) => {
        const { [key]: _done, ...rest } = state.runningChecks;
        return { runningChecks: rest };
      });
    }
  },
  cancelCheck: async (key) => {
    const running = get().runningChecks[key];
    if (running !== undefined) await cancelOperation(running.operationId);
  },
  setServerPassword: async (serverId, password) => {
    try {
      const stored = await countersign().servers.setPassword({ serverId, password });
      if (stored.ok) void get().recheckServer(serverId);
      return stored;
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
