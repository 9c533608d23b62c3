// Evidence archives: the repositories chosen for the next archive (the audit dashboard can choose them),
// the export in flight or its outcome, and the last offline verification.
import type { ArchiveVerification } from '../../../../shared/audit';
import type { Result } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { EvidenceExport, EvidenceProgress } from '../../../../shared/schemas/evidence';
import { cancelOperation, countersign, errorInfoOf, newOperationId } from '../../bridge/client';
import { deliverSavedFile } from '../../bridge/saved-file';
import type { Loadable } from '../../store/loadable';
import type { Slice } from '../../store/types';

export interface EvidenceSelection {
  serverId: string | undefined;
  guns: readonly string[];
}

export type EvidenceExportState =
  | { status: 'running'; operationId: string; progress?: EvidenceProgress }
  | { status: 'done'; value: EvidenceExport }
  | { status: 'failed'; error: ErrorInfo };

export interface VerifiedArchive {
  fileName: string;
  result: ArchiveVerification;
}

export interface EvidenceSlice {
  evidenceSelection: EvidenceSelection;
  evidenceExport: EvidenceExportState | undefined;
  archiveVerification: Loadable<VerifiedArchive> | undefined;
  chooseEvidence: (selection: EvidenceSelection) => void;
  exportEvidence: () => Promise<void>;
  cancelEvidenceExport: () => Promise<void>;
  /** Reads the file the user picked and has the main process verify it offline. */
  verifyArchive: (file: File, sha256?: string) => Promise<void>;
}

/** The file's bytes as base64, read by the browser from the file the user picked. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export const createEvidenceSlice: Slice<EvidenceSlice> = (set, get) => ({
  evidenceSelection: { serverId: undefined, guns: [] },
  evidenceExport: undefined,
  archiveVerification: undefined,
  chooseEvidence: (evidenceSelection) => set({ evidenceSelection }),
  exportEvidence: async () => {
    const { serverId, guns } = get().evidenceSelection;
    if (serverId === undefined || guns.length === 0 || get().evidenceExport?.status === 'running') return;
    const operationId = newOperationId();
    set({ evidenceExport: { status: 'running', operationId } });
    let result: Result<EvidenceExport>;
    try {
      result = await countersign().evidence.export(
        { serverId, guns: [...guns] },
        { operationId, onProgress: (progress) => set({ evidenceExport: { status: 'running', operationId, progress } }) },
      );
    } catch (error) {
      result = { ok: false, error: errorInfoOf(error) };
    }
    if (result.ok) deliverSavedFile(result.value.file);
    set({ evidenceExport: result.ok ? { status: 'done', value: result.value } : { status: 'failed', error: result.error } });
  },
  cancelEvidenceExport: async () => {
    const running = get().evidenceExport;
    if (running?.status === 'running') await cancelOperation(running.operationId);
  },
  verifyArchive: async (file, sha256) => {
    set({ archiveVerification: { status: 'loading' } });
    try {
      const archive = await base64Of(file);
      const trimmed = sha256?.trim();
      const result = await countersign().evidence.verify({ archive, ...(trimmed ? { sha256: trimmed } : {}) });
      set({ archiveVerification: result.ok ? { status: 'ready', value: { fileName: file.name, result: result.value } } : { status: 'error', error: result.error } });
    } catch (error) {
      set({ archiveVerification: { status: 'error', error: errorInfoOf(error) } });
    }
  },
});
