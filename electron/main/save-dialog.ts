// Exports reach the user through the system's save dialog: the main process writes only where the user
// pointed, and the renderer never names a path.
import { basename, join } from 'node:path';
import { app, BrowserWindow, dialog, type FileFilter } from 'electron';
import { writeFileAtomic } from '../core/state/atomic-file';
import type { FileSaver, OutgoingFile } from '../ipc/audit-services';

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
