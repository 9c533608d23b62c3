import type { ServerInput } from '../../../shared/schemas/settings';
import type { ConnectionReport } from '../../../shared/schemas/views';
import { countersign } from '../bridge/client';
import { fetchInto } from './fetch-into';
import type { Loadable } from './loadable';
import type { Slice } from './types';

export interface ServersSlice {
  /** Connection checks by a key the caller chooses (a server id, or 'draft' for the add form). */
  connectionChecks: Record<string, Loadable<ConnectionReport>>;
  checkServer: (key: string, server: ServerInput) => Promise<ConnectionReport | undefined>;
  forgetCheck: (key: string) => void;
}

export const createServersSlice: Slice<ServersSlice> = (set, get) => ({
  connectionChecks: {},
  checkServer: (key, server) =>
    fetchInto(
      get().connectionChecks[key],
      (check) => set((state) => ({ connectionChecks: { ...state.connectionChecks, [key]: check } })),
      () => countersign().servers.check({ server }),
    ),
  forgetCheck: (key) =>
    set((state) => {
      const { [key]: _forgotten, ...rest } = state.connectionChecks;
      return { connectionChecks: rest };
    }),
});
