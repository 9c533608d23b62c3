// Exports reach the user through the system's save dialog: the main process writes only where the user
// pointed, and the renderer never names a path.
import { basename, join } from 'node:path';
import { app, BrowserWindow, dialog, type FileFilter } from 'electron';
import { writeFileAtomic } from '../core/state/atomic-file';
import type { FileSaver, OutgoingFile } from '../ipc/audit-services';
import type { PathChooser } from '../ipc/picked-paths';

const FILTERS: Record<OutgoingFile['kind'], FileFilter[]> = {
  json: [{ name: 'JSON', extensions: ['json'] }],
  csv: [{ name: 'CSV (spreadsheet)', extensions: ['csv'] }],
  tar: [{ name: 'Evidence archive (tar)', extensions: ['tar'] }],
  pem: [{ name: 'Key file (PEM)', extensions: ['pub', 'key', 'pem'] }],
};

export const dialogFileSaver: FileSaver = {
  async save(file) {
    const options = { defaultPath: join(app.getPath('downloads'), file.suggestedName), filters: FILTERS[file.kind] };
    const window = BrowserWindow.getFocusedWindow();
    const choice = window === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(window, options);
    if (choice.canceled || choice.filePath === undefined || choice.filePath === '') return { saved: false };
    // Readable by the user's other tools: an export is meant to be shared. An encrypted private key is
    // the user's alone (docker trust key load refuses one others can read).
    await writeFileAtomic(choice.filePath, file.bytes, file.secret === true ? 0o600 : 0o644);
    return { saved: true, name: basename(choice.filePath), bytes: file.bytes.length, path: choice.filePath };
  },
};

const KEY_FILE_FILTERS: FileFilter[] = [{ name: 'Key files', extensions: ['key', 'pem', 'p8'] }, { name: 'All files', extensions: ['*'] }];

/** Paths for key operations come only from these dialogs (electron/ipc/picked-paths.ts). */
export const dialogPathChooser: PathChooser = {
  async choose(purpose, options) {
    const window = BrowserWindow.getFocusedWindow();
    if (purpose === 'save-key-file') {
      const save = { defaultPath: join(app.getPath('documents'), options.suggestedName ?? 'offline-root.key'), filters: KEY_FILE_FILTERS };
      const choice = window === null ? await dialog.showSaveDialog(save) : await dialog.showSaveDialog(window, save);
      return choice.canceled ? undefined : choice.filePath;
    }
    const open = {
      properties: purpose === 'open-trust-dir' ? (['openDirectory', 'showHiddenFiles'] as const) : (['openFile', 'showHiddenFiles'] as const),
      ...(purpose === 'open-key-file' ? { filters: KEY_FILE_FILTERS } : {}),
    };
    const choice = window === null ? await dialog.showOpenDialog({ ...open, properties: [...open.properties] }) : await dialog.showOpenDialog(window, { ...open, properties: [...open.properties] });
    return choice.canceled ? undefined : choice.filePaths[0];
  },
};
