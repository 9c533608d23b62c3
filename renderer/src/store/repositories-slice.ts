import type { RepositoryView } from '../../../shared/domain';
import type { WatchedRepository } from '../../../shared/schemas/settings';
import type { WatchStatus } from '../../../shared/schemas/views';
import type { ErrorInfo } from '../../../shared/errors';
import type { ServedDigests } from '../../../shared/registry-digests';
import { cancelOperation, countersign, errorInfoOf, newOperationId } from '../bridge/client';
import { fetchInto } from './fetch-into';
import { idle, type Loadable } from './loadable';
import type { Slice } from './types';

export interface RefreshState {
  operationId: string;
  done: number;
  total: number;
}

export interface RepositoriesSlice {
  statuses: Loadable<WatchStatus[]>;
  /** Present while a refresh of the watch list runs. */
  refresh: RefreshState | undefined;
  /** Verified repository views by viewKey(). */
  views: Record<string, Loadable<RepositoryView>>;
  loadStatuses: () => Promise<void>;
  refreshWatched: () => Promise<void>;
  /**
   * Reads again, at once, every repository watched on one server: its sign-in was just changed (a new
   * password, user name or address), and statuses read with the old one ("Sign-in refused") are not
   * true any more. Waits for a refresh already running, which may have read them with the old sign-in.
   */
  recheckServer: (serverId: string) => Promise<void>;
  cancelRefresh: () => Promise<void>;
  openRepository: (repository: WatchedRepository) => Promise<void>;
  openCached: (gun: string) => Promise<void>;
  /** The registry check of a repository's signed tags, by viewKey(): running (with progress) or its answer. */
  servedDigestChecks: Record<string, ServedDigestCheck>;
  checkServedDigests: (repository: WatchedRepository, tags: readonly string[]) => Promise<void>;
  cancelServedDigests: (repository: WatchedRepository) => Promise<void>;
  /** The user compared the pinned root (or read its change); the view is read again. */
  /** Undefined when acknowledged; else why not (shown beside the root change, never dropped). */
  acknowledgeRoot: (repository: WatchedRepository) => Promise<ErrorInfo | undefined>;
}

export interface ServedDigestCheck {
  /** Set while the check runs. */
  running?: { operationId: string; done: number; total: number };
  /** What the registry served at the last check that finished. */
  found?: ServedDigests;
  /** The check itself failed (not the registry: that is found.error). */
  error?: ErrorInfo;
}

export function viewKey(source: { serverId: string; gun: string } | { cached: true; gun: string }): string {
  return 'cached' in source ? `cache ${source.gun}` : `${source.serverId} ${source.gun}`;
}

function mergeStatus(list: readonly WatchStatus[], status: WatchStatus): WatchStatus[] {
  return list.map((s) => (s.gun === status.gun && s.serverId === status.serverId ? status : s));
}

export const createRepositoriesSlice: Slice<RepositoriesSlice> = (set, get) => {
  const loadView = (key: string, call: () => ReturnType<ReturnType<typeof countersign>['repositories']['inspect']>) =>
    fetchInto(
      get().views[key],
      (view) => {
        // Lets a benchmark measure from the moment the data is here to the moment the table shows it.
        if (view.status === 'ready') performance.mark('countersign:view-data', { detail: key });
        set((state) => ({ views: { ...state.views, [key]: view } }));
      },
      call,
    );

  /** The refresh in progress (of all, or of one server's repositories): one at a time. */
  let inFlight: Promise<void> | undefined;

  const runRefresh = (request: { serverId?: string }): Promise<void> => {
    const operationId = newOperationId();
    const watched = get().settings.value?.watched ?? [];
    const total = request.serverId === undefined ? watched.length : watched.filter((repository) => repository.serverId === request.serverId).length;
    set({ refresh: { operationId, done: 0, total } });
    const refreshing = (async () => {
      try {
        const result = await countersign().watch.refresh(request, {
          operationId,
          onProgress: (event) =>
            set((state) => ({
              refresh: { operationId, done: event.done, total: event.total },
              statuses:
                event.status !== undefined && state.statuses.value !== undefined
                  ? { status: 'ready', value: mergeStatus(state.statuses.value, event.status) }
                  : state.statuses,
            })),
        });
        if (result.ok) set({ statuses: { status: 'ready', value: result.value } });
        else if (result.error.code !== 'cancelled') set((state) => ({ statuses: { status: 'error', error: result.error, ...(state.statuses.value ? { value: state.statuses.value } : {}) } }));
      } catch (error) {
        set({ statuses: { status: 'error', error: errorInfoOf(error) } });
      } finally {
        set({ refresh: undefined });
        inFlight = undefined;
      }
    })();
    inFlight = refreshing;
    return refreshing;
  };

  return {
    statuses: idle,
    refresh: undefined,
    views: {},
    servedDigestChecks: {},
    loadStatuses: async () => {
      await fetchInto(get().statuses, (statuses) => set({ statuses }), () => countersign().watch.status({}));
    },
    refreshWatched: async () => {
      if (inFlight !== undefined) return;
      await runRefresh({});
    },
    recheckServer: async (serverId) => {
      while (inFlight !== undefined) await inFlight;
      if (!(get().settings.value?.watched ?? []).some((repository) => repository.serverId === serverId)) return;
      await runRefresh({ serverId });
    },
    cancelRefresh: async () => {
      const running = get().refresh;
      if (running !== undefined) await cancelOperation(running.operationId);
    },
    openRepository: async (repository) => {
      await loadView(viewKey(repository), () => countersign().repositories.inspect(repository));
      void get().loadStatuses();
    },
    acknowledgeRoot: async (repository) => {
      const result = await countersign().repositories.acknowledgeRoot(repository);
      if (!result.ok) return result.error;
      await get().openRepository(repository);
      return undefined;
    },
    checkServedDigests: async (repository, tags) => {
      const key = viewKey(repository);
      if (get().servedDigestChecks[key]?.running !== undefined) return;
      const operationId = newOperationId();
      // The last answer stays on screen while the registry is read again.
      const update = (change: (check: ServedDigestCheck) => ServedDigestCheck) =>
        set((state) => ({ servedDigestChecks: { ...state.servedDigestChecks, [key]: change(state.servedDigestChecks[key] ?? {}) } }));
      update((check) => ({ ...check, running: { operationId, done: 0, total: tags.length } }));
      try {
        const result = await countersign().repositories.servedDigests(
          { ...repository, tags: [...tags] },
          { operationId, onProgress: ({ done, total }) => update((check) => (check.running?.operationId === operationId ? { ...check, running: { operationId, done, total } } : check)) },
        );
        update(({ running: _done, ...check }) => {
          if (result.ok) return { found: result.value };
          // A cancelled check leaves what an earlier one found; never a half answer.
          return result.error.code === 'cancelled' ? check : { ...check, error: result.error };
        });
      } catch (error) {
        update(({ running: _done, ...check }) => ({ ...check, error: errorInfoOf(error) }));
      }
    },
    cancelServedDigests: async (repository) => {
      const running = get().servedDigestChecks[viewKey(repository)]?.running;
      if (running !== undefined) await cancelOperation(running.operationId);
    },
    openCached: async (gun) => {
      await loadView(viewKey({ cached: true, gun }), () => countersign().repositories.inspectCached({ gun }));
    },
  };
};
