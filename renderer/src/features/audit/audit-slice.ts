// The security review's state: registries (kept in settings), a running or finished audit, the
// catalog of each registry for choosing repositories, and the dashboard's filters. Kept in the store so
// an audit keeps running, and its report and filters stay, while the user looks at a repository.
import type { AuditProgress } from '../../../../shared/audit';
import type { RequestOf, Result } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { AuditRun, RegistryCheck, ReportPreview, SavedFile } from '../../../../shared/schemas/audit';
import type { RegistryInput, Settings } from '../../../../shared/schemas/settings';
import { cancelOperation, countersign, errorInfoOf, newOperationId } from '../../bridge/client';
import { deliverSavedFile } from '../../bridge/saved-file';
import { fetchInto } from '../../store/fetch-into';
import type { Loadable } from '../../store/loadable';
import type { Slice } from '../../store/types';
import { NO_FILTERS, type AuditFilters } from './audit-model';

export type AuditRunState =
  | { status: 'running'; operationId: string; progress?: AuditProgress }
  | { status: 'failed'; error: ErrorInfo };

export interface AuditSlice {
  /** The latest report; it stays while a new audit runs, and after one fails. */
  auditReport: AuditRun | undefined;
  /** The audit in flight, or the last one's failure. */
  auditRun: AuditRunState | undefined;
  auditFilters: AuditFilters;
  /** Registry catalogs by registry id. */
  catalogs: Record<string, Loadable<string[]>>;
  /** Registry checks by a key the caller chooses (a registry id, or 'draft'). */
  registryChecks: Record<string, Loadable<RegistryCheck>>;
  saveRegistry: (registry: RegistryInput) => Promise<Result<Settings>>;
  removeRegistry: (registryId: string) => Promise<Result<Settings>>;
  setRegistryPassword: (registryId: string, password: string) => Promise<Result<{ stored: true }>>;
  checkRegistry: (key: string, registry: RegistryInput) => Promise<void>;
  forgetRegistryCheck: (key: string) => void;
  loadCatalog: (registryId: string) => Promise<void>;
  runAudit: (request: RequestOf<'audit.run'>) => Promise<void>;
  cancelAudit: () => Promise<void>;
  /** Saves the current report (a save dialog, or a download in the test host). */
  exportAudit: (format: 'json' | 'csv') => Promise<Result<SavedFile>>;
  /** The text the export would save, to read on screen. */
  previewAudit: (format: 'json' | 'csv') => Promise<Result<ReportPreview>>;
  setAuditFilters: (filters: AuditFilters) => void;
}

async function settled<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, error: errorInfoOf(error) };
  }
}

export const createAuditSlice: Slice<AuditSlice> = (set, get) => {
  /** A registry change answers with the new settings, which every screen then sees. */
  const changeSettings = async (call: () => Promise<Result<Settings>>): Promise<Result<Settings>> => {
    const result = await settled(call);
    if (result.ok) set({ settings: { status: 'ready', value: result.value } });
    return result;
  };

  return {
    auditReport: undefined,
    auditRun: undefined,
    auditFilters: NO_FILTERS,
    catalogs: {},
    registryChecks: {},
    saveRegistry: (registry) => changeSettings(() => countersign().registries.save({ registry })),
    removeRegistry: async (registryId) => {
      const result = await changeSettings(() => countersign().registries.remove({ registryId }));
      if (result.ok && get().auditReport?.registryId === registryId) set({ auditReport: undefined, auditFilters: NO_FILTERS });
      return result;
    },
    setRegistryPassword: (registryId, password) => settled(() => countersign().registries.setPassword({ registryId, password })),
    checkRegistry: async (key, registry) => {
      await fetchInto(
        get().registryChecks[key],
        (check) => set((state) => ({ registryChecks: { ...state.registryChecks, [key]: check } })),
        () => countersign().registries.check({ registry }),
      );
    },
    forgetRegistryCheck: (key) =>
      set((state) => {
        const { [key]: _forgotten, ...rest } = state.registryChecks;
        return { registryChecks: rest };
      }),
    loadCatalog: async (registryId) => {
      await fetchInto(
        get().catalogs[registryId],
        (catalog) => set((state) => ({ catalogs: { ...state.catalogs, [registryId]: catalog } })),
        async () => {
          const result = await countersign().audit.catalog({ registryId });
          return result.ok ? { ok: true as const, value: result.value.repositories } : result;
        },
      );
    },
    runAudit: async (request) => {
      if (get().auditRun?.status === 'running') return;
      const operationId = newOperationId();
      set({ auditRun: { status: 'running', operationId } });
      const result = await settled(() =>
        countersign().audit.run(request, {
          operationId,
          onProgress: (progress) => set({ auditRun: { status: 'running', operationId, progress } }),
        }),
      );
      if (result.ok) set({ auditReport: result.value, auditRun: undefined, auditFilters: NO_FILTERS });
      else set({ auditRun: { status: 'failed', error: result.error } });
    },
    cancelAudit: async () => {
      const run = get().auditRun;
      if (run?.status === 'running') await cancelOperation(run.operationId);
    },
    exportAudit: async (format) => {
      const report = get().auditReport;
      if (report === undefined) return { ok: false, error: { code: 'invalid-input', message: 'There is no report to export yet.' } };
      const result = await settled(() => countersign().audit.export({ reportId: report.reportId, format }));
      if (result.ok) deliverSavedFile(result.value);
      return result;
    },
    previewAudit: async (format) => {
      const report = get().auditReport;
      if (report === undefined) return { ok: false, error: { code: 'invalid-input', message: 'There is no report to show yet.' } };
      return settled(() => countersign().audit.preview({ reportId: report.reportId, format }));
    },
    setAuditFilters: (auditFilters) => set({ auditFilters }),
  };
};
