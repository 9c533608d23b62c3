// The last step of an export. The main process wrote the file where the user chose (the app's save
// dialog); only the test host answers with a one-time address, which the browser downloads. Either
// way the renderer never touches the file system.
import type { SavedFile } from '../../../shared/schemas/audit';

export function deliverSavedFile(file: SavedFile): void {
  if (!file.saved || file.download === undefined) return;
  // Only the host's own addresses: an answer can never make the page fetch something elsewhere.
  if (!file.download.startsWith('/__countersign/downloads/')) return;
  const link = document.createElement('a');
  link.href = file.download;
  link.download = file.name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** "Saved audit.json (12.3 KiB) to /home/me/Downloads/audit.json", or what a download is called. */
export function savedFileWords(file: SavedFile): string {
  if (!file.saved) return 'Not saved: the save dialog was closed.';
  return file.path === undefined ? `Downloaded ${file.name}.` : `Saved to ${file.path}.`;
}
