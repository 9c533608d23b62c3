// The test host's FileSaver: where the app shows a save dialog, the test host offers the file as a
// browser download from a one-time address, so Playwright sees what a user would save.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FileSaver, OutgoingFile } from '../../../electron/ipc/audit-services';

export const DOWNLOADS_PATH = '/__countersign/downloads/';

const MIME_TYPES: Record<OutgoingFile['kind'], string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  tar: 'application/x-tar',
  pem: 'application/x-pem-file',
};

export class DownloadShelf {
  private readonly files = new Map<string, OutgoingFile>();

  readonly saver: FileSaver = {
    save: async (file) => {
      const token = randomUUID();
      this.files.set(token, file);
      return { saved: true, name: file.suggestedName, bytes: file.bytes.length, download: `${DOWNLOADS_PATH}${token}` };
    },
  };

  /** Serves a file once: the address is a capability for one download, not a place to browse. */
  serve(pathname: string, response: ServerResponse, headers: Record<string, string>): void {
    const token = pathname.slice(DOWNLOADS_PATH.length);
    const file = this.files.get(token);
    this.files.delete(token);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain', ...headers });
      response.end('no such download');
      return;
    }
    response.writeHead(200, {
      ...headers,
      'content-type': MIME_TYPES[file.kind],
      'content-length': String(file.bytes.length),
      'content-disposition': `attachment; filename="${file.suggestedName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
    });
    response.end(file.bytes);
  }
}
