import type { MachineDiscovery } from '../../../shared/schemas/views';
import { countersign } from '../bridge/client';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface DiscoverySlice {
  discovery: Loadable<MachineDiscovery>;
  scanMachine: () => Promise<void>;
}

export const createDiscoverySlice: Slice<DiscoverySlice> = (set, get) => ({
  discovery: idle,
  scanMachine: async () => {
    await fetchInto(get().discovery, (discovery) => set({ discovery }), () => countersign().discovery.scan({}));
  },
});
