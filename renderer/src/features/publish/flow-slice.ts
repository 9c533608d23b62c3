// The long operations of the job screens, kept in the store so that a flow keeps running (and its
// progress and summary stay) while the user looks at other screens. One entry per kind of run.
import type { OperationOptions, Result } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type {
  DelegationDryRun,
  ExpiryReport,
  FlowProgress,
  FlowSummary,
  KeyRevocationPreview,
  RepositoryOutcome,
  RotationPreflight,
  RotationSummary,
} from '../../../../shared/schemas/flows';
import { cancelOperation, errorInfoOf, newOperationId } from '../../bridge/client';
import { viewKey } from '../../store/repositories-slice';
import type { Slice } from '../../store/types';

/** What each kind of run answers. */
export interface FlowResults {
  publish: FlowSummary;
  sign: FlowSummary;
  revokeTags: FlowSummary;
  revokeKeyPreview: KeyRevocationPreview[];
  revokeKey: FlowSummary;
  delegationPlan: DelegationDryRun[];
  delegationAdd: FlowSummary;
  delegationRemove: FlowSummary;
  delegationReplace: FlowSummary;
  rotationPreflight: RotationPreflight;
  rotation: RotationSummary;
  expiryList: ExpiryReport;
  expiryResign: FlowSummary;
  init: FlowSummary;
}
export type FlowKey = keyof FlowResults;

/** `finished`: each repository's outcome as it was streamed, so a cancelled run still shows what was done. */
export type FlowRun<T> =
  | { status: 'running'; operationId: string; progress?: FlowProgress; finished: RepositoryOutcome[] }
  | { status: 'done'; value: T; finished: RepositoryOutcome[] }
  | { status: 'failed'; error: ErrorInfo; finished: RepositoryOutcome[] };

export type FlowRuns = { [K in FlowKey]?: FlowRun<FlowResults[K]> };

export type FlowStart<T> = (options: OperationOptions<FlowProgress>) => Promise<Result<T>>;

export interface FlowSlice {
  flowRuns: FlowRuns;
  /** Starts a run (one of each kind at a time) and keeps its progress; resolves with its result. */
  runFlow: <K extends FlowKey>(key: K, start: FlowStart<FlowResults[K]>) => Promise<Result<FlowResults[K]>>;
  cancelFlow: (key: FlowKey) => Promise<void>;
  clearFlow: (key: FlowKey) => void;
}

export const createFlowSlice: Slice<FlowSlice> = (set, get) => {
  function put<K extends FlowKey>(key: K, run: FlowRun<FlowResults[K]> | undefined): void {
    set((state) => ({ flowRuns: { ...state.flowRuns, [key]: run } }));
  }

  /** What a publish changed is shown fresh: repositories already open, the watch list, the keys. */
  function refreshAfter(outcomes: readonly RepositoryOutcome[]): void {
    const published = outcomes.filter((o) => o.status === 'published');
    if (published.length === 0) return;
    const state = get();
    for (const ref of published) if (state.views[viewKey(ref)] !== undefined) void state.openRepository({ gun: ref.gun, serverId: ref.serverId });
    void state.loadStatuses();
    if (state.keys.status !== 'idle') void state.loadKeys();
  }

  return {
    flowRuns: {},
    runFlow: async (key, start) => {
      const running = get().flowRuns[key];
      if (running?.status === 'running') return { ok: false, error: { code: 'invalid-input', message: 'This is running already.' } };
      const operationId = newOperationId();
      const finished: RepositoryOutcome[] = [];
      put(key, { status: 'running', operationId, finished });
      let result: Result<FlowResults[typeof key]>;
      try {
        result = await start({
          operationId,
          onProgress: (event) => {
            if (event.finished !== undefined) finished.push(event.finished);
            put(key, { status: 'running', operationId, progress: event, finished: [...finished] });
          },
        });
      } catch (error) {
        result = { ok: false, error: errorInfoOf(error) };
      }
      put(key, result.ok ? { status: 'done', value: result.value, finished } : { status: 'failed', error: result.error, finished });
      refreshAfter(result.ok && 'outcomes' in result.value ? result.value.outcomes : finished);
      return result;
    },
    cancelFlow: async (key) => {
      const run = get().flowRuns[key];
      if (run?.status === 'running') await cancelOperation(run.operationId);
    },
    clearFlow: (key) => put(key, undefined),
  };
};
