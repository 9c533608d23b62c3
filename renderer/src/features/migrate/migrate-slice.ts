// The Migrate screen's state: the scope (a registry and its repositories, usually chosen on the audit
// dashboard), the key, the plan the main process made and keeps by id, and the run of that plan.
import type { Result } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { MigrationProgress, MigrationReport } from '../../../../shared/migrate';
import type { MigrationPlanRun } from '../../../../shared/schemas/migrate';
import { cancelOperation, countersign, errorInfoOf, newOperationId } from '../../bridge/client';
import type { Slice } from '../../store/types';

export interface MigrateScope {
  registryId: string;
  serverId: string | undefined;
  /** Registry repository names; undefined: the whole catalog. */
  repositories: readonly string[] | undefined;
}

/** An operation in flight, or how it ended. */
export type OperationState<T> =
  | { status: 'running'; operationId: string; progress?: MigrationProgress }
  | { status: 'done'; value: T }
  | { status: 'failed'; error: ErrorInfo };

export interface MigrateSlice {
  migrateScope: MigrateScope | undefined;
  migrateKeyId: string | undefined;
  migratePlan: OperationState<MigrationPlanRun> | undefined;
  migrateRun: OperationState<MigrationReport> | undefined;
  chooseMigrateScope: (scope: MigrateScope) => void;
  chooseMigrateKey: (keyId: string) => void;
  planMigration: () => Promise<void>;
  runMigration: () => Promise<void>;
  cancelMigration: () => Promise<void>;
}

/** Runs one streaming call, keeping its state (and progress) under `key`. */
async function operate<T>(
  set: (partial: Partial<MigrateSlice>) => void,
  key: 'migratePlan' | 'migrateRun',
  start: (operationId: string, onProgress: (progress: MigrationProgress) => void) => Promise<Result<T>>,
): Promise<void> {
  const operationId = newOperationId();
  const running = (progress?: MigrationProgress) => set({ [key]: { status: 'running', operationId, ...(progress ? { progress } : {}) } });
  running();
  let result: Result<T>;
  try {
    result = await start(operationId, running);
  } catch (error) {
    result = { ok: false, error: errorInfoOf(error) };
  }
  set({ [key]: result.ok ? { status: 'done', value: result.value } : { status: 'failed', error: result.error } });
}

export const createMigrateSlice: Slice<MigrateSlice> = (set, get) => ({
  migrateScope: undefined,
  migrateKeyId: undefined,
  migratePlan: undefined,
  migrateRun: undefined,
  // A new scope or key makes the old plan someone else's: forget it.
  chooseMigrateScope: (migrateScope) => set({ migrateScope, migratePlan: undefined, migrateRun: undefined }),
  chooseMigrateKey: (migrateKeyId) => set({ migrateKeyId, migratePlan: undefined, migrateRun: undefined }),
  planMigration: async () => {
    const { migrateScope: scope, migrateKeyId: keyId } = get();
    if (scope === undefined || keyId === undefined || get().migratePlan?.status === 'running') return;
    set({ migrateRun: undefined });
    const request = {
      registryId: scope.registryId,
      keyId,
      ...(scope.serverId === undefined ? {} : { serverId: scope.serverId }),
      ...(scope.repositories === undefined || scope.repositories.length === 0 ? {} : { repositories: [...scope.repositories] }),
    };
    await operate<MigrationPlanRun>(set, 'migratePlan', (operationId, onProgress) => countersign().migrate.plan(request, { operationId, onProgress }));
  },
  runMigration: async () => {
    const plan = get().migratePlan;
    if (plan?.status !== 'done' || get().migrateRun?.status === 'running') return;
    await operate<MigrationReport>(set, 'migrateRun', (operationId, onProgress) => countersign().migrate.run({ planId: plan.value.planId }, { operationId, onProgress }));
  },
  cancelMigration: async () => {
    for (const state of [get().migratePlan, get().migrateRun]) {
      if (state?.status === 'running') await cancelOperation(state.operationId);
    }
  },
});
