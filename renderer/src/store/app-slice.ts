import type { AppInfo } from '../../../shared/schemas/views';
import { countersign } from '../bridge/client';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface AppSlice {
  info: Loadable<AppInfo>;
  loadInfo: () => Promise<AppInfo | undefined>;
}

export const createAppSlice: Slice<AppSlice> = (set, get) => ({
  info: idle,
  loadInfo: () => fetchInto(get().info, (info) => set({ info }), () => countersign().app.info({})),
});
