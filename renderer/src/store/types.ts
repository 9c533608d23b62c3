import type { StateCreator } from 'zustand';
import type { AuditSlice } from '../features/audit/audit-slice';
import type { EvidenceSlice } from '../features/evidence/evidence-slice';
import type { MigrateSlice } from '../features/migrate/migrate-slice';
import type { FlowSlice } from '../features/publish/flow-slice';
import type { AppSlice } from './app-slice';
import type { DiscoverySlice } from './discovery-slice';
import type { KeysSlice } from './keys-slice';
import type { NavigationSlice } from './navigation-slice';
import type { RepositoriesSlice } from './repositories-slice';
import type { ServersSlice } from './servers-slice';
import type { SettingsSlice } from './settings-slice';

export type AppState = AppSlice &
  SettingsSlice &
  ServersSlice &
  RepositoriesSlice &
  KeysSlice &
  DiscoverySlice &
  NavigationSlice &
  FlowSlice &
  AuditSlice &
  EvidenceSlice &
  MigrateSlice;

/** A slice sees the whole store (to call other slices' actions) but owns only its own part. */
export type Slice<T> = StateCreator<AppState, [], [], T>;
