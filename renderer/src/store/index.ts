// One store made of per-domain slices (zustand's slices pattern, curried typed create).
import { create } from 'zustand';
import { createAuditSlice } from '../features/audit/audit-slice';
import { createEvidenceSlice } from '../features/evidence/evidence-slice';
import { createMigrateSlice } from '../features/migrate/migrate-slice';
import { createFlowSlice } from '../features/publish/flow-slice';
import { createAppSlice } from './app-slice';
import { createDiscoverySlice } from './discovery-slice';
import { createKeysSlice } from './keys-slice';
import { createNavigationSlice } from './navigation-slice';
import { createRepositoriesSlice } from './repositories-slice';
import { createServersSlice } from './servers-slice';
import { createSettingsSlice } from './settings-slice';
import type { AppState, Slice } from './types';

/** Shared by the app's store and by tests that build a fresh store each time. */
export const createAppState: Slice<AppState> = (...args) => ({
  ...createAppSlice(...args),
  ...createSettingsSlice(...args),
  ...createServersSlice(...args),
  ...createRepositoriesSlice(...args),
  ...createKeysSlice(...args),
  ...createDiscoverySlice(...args),
  ...createNavigationSlice(...args),
  ...createFlowSlice(...args),
  ...createAuditSlice(...args),
  ...createEvidenceSlice(...args),
  ...createMigrateSlice(...args),
});

export const useAppStore = create<AppState>()(createAppState);

export type { AppState } from './types';
