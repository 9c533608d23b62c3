import type { Result } from '../../../shared/contract';
import type { ServerConfig, ServerInput, Settings, UiPrefs, WatchedRepository } from '../../../shared/schemas/settings';
import { countersign, errorInfoOf } from '../bridge/client';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface SettingsSlice {
  settings: Loadable<Settings>;
  loadSettings: () => Promise<Settings | undefined>;
  /** Each change returns the call's Result so a form can show its own error. */
  saveServer: (server: ServerInput) => Promise<Result<Settings>>;
  removeServer: (id: string) => Promise<Result<Settings>>;
  watch: (repository: WatchedRepository) => Promise<Result<Settings>>;
  unwatch: (repository: WatchedRepository) => Promise<Result<Settings>>;
  setUi: (prefs: Partial<UiPrefs>) => Promise<Result<Settings>>;
}

/** What reaching and signing in to a server depends on (its name is only a label). */
function signInChanged(before: ServerConfig, after: ServerConfig): boolean {
  return before.url !== after.url || before.username !== after.username || before.caPem !== after.caPem;
}

export const createSettingsSlice: Slice<SettingsSlice> = (set, get) => {
  /** Applies a change and, when it worked, the settings it returned. */
  const change = async (call: () => Promise<Result<Settings>>): Promise<Result<Settings>> => {
    try {
      const result = await call();
      if (result.ok) set({ settings: { status: 'ready', value: result.value } });
      return result;
    } catch (error) {
      return { ok: false, error: errorInfoOf(error) };
    }
  };
  return {
    settings: idle,
    loadSettings: () => fetchInto(get().settings, (settings) => set({ settings }), () => countersign().settings.get({})),
    saveServer: async (server) => {
      const before = get().settings.value?.servers.find((saved) => saved.id === server.id);
      const result = await change(() => countersign().settings.saveServer({ server }));
      // A changed address, CA or user name makes what was read with the old one untrue: read again.
      const after = result.ok ? result.value.servers.find((saved) => saved.id === server.id) : undefined;
      if (before !== undefined && after !== undefined && signInChanged(before, after)) void get().recheckServer(before.id);
      return result;
    },
    removeServer: (id) => change(() => countersign().settings.removeServer({ id })),
    watch: async (repository) => {
      const result = await change(() => countersign().settings.watch(repository));
      if (result.ok) void get().loadStatuses();
      return result;
    },
    unwatch: async (repository) => {
      const result = await change(() => countersign().settings.unwatch(repository));
      if (result.ok) void get().loadStatuses();
      return result;
    },
    setUi: (prefs) => change(() => countersign().settings.setUi(prefs)),
  };
};
