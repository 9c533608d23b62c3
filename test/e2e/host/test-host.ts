// The loopback test host: plain Node, no Electron. It serves the built renderer and answers the IPC
// contract with the very same router and handlers the Electron main process uses, so Playwright can
// drive the real UI in Chromium against real services.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ProgressMessage, Result } from '../../../shared/contract';
import { resolveAssetPath } from '../../../electron/main/app-origin';
import { metaContentSecurityPolicy, securityHeaders } from '../../../electron/main/csp';
import { createHandlers } from '../../../electron/ipc/handlers/index';
import { createRouter, type Router } from '../../../electron/ipc/router';
import type { Services } from '../../../electron/ipc/services';
import { DownloadShelf, DOWNLOADS_PATH } from './downloads';
import { CHOOSE_PATH, ScriptedChooser } from './chooser';
import { PickedPaths } from '../../../electron/ipc/picked-paths';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..', '..');
export const BUILT_RENDERER = join(REPO_ROOT, 'dist', 'renderer');

const MAX_BODY = 1024 * 1024;
const IPC_PATH = '/__countersign/ipc/';
const EVENTS_PATH = '/__countersign/events';
const SHIM_PATH = '/__countersign/shim.js';

export interface TranscriptEntry {
  channel: string;
  /** The response exactly as it went over the wire. */
  body: string;
}

export interface TestHost {
  url: string;
  router: Router;
  /** Every IPC response sent to the page, for assertions such as "no private key ever left main". */
  transcript: TranscriptEntry[];
  /** Answers the main process's file dialogs (the test plays the user choosing a file). */
  chooser: ScriptedChooser;
  close(): Promise<void>;
}

export interface TestHostOptions {
  services: Services;
  rendererDir?: string;
}

async function buildShim(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'shim.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        request.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const rendererDir = options.rendererDir ?? BUILT_RENDERER;
  const shim = await buildShim();
  // Exports become browser downloads here, where the app shows a save dialog.
  const downloads = new DownloadShelf();
  // File dialogs are answered by the test, as the user would pick in the app's dialog.
  const chooser = new ScriptedChooser();
  const router = createRouter(createHandlers({ ...options.services, files: downloads.saver, paths: new PickedPaths(chooser) }), {
    onInternalError: (channel, error) => console.error(`[test-host] ${channel}:`, error),
  });
  const streams = new Map<string, ServerResponse>();
  const transcript: TranscriptEntry[] = [];
  const headers = securityHeaders({ connectToSelf: true });
  let origin = '';

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    response.end(body);
  };

  const emitter = (session: string) => (message: ProgressMessage) => {
    streams.get(session)?.write(`data: ${JSON.stringify(message)}\n\n`);
  };

  async function serveIpc(request: IncomingMessage, response: ServerResponse, channel: string) {
    // Only the page we served may call: a browser sends Origin on every POST.
    if (request.headers.origin !== origin) return send(response, 403, 'text/plain', 'foreign origin');
    const session = String(request.headers['x-countersign-session'] ?? '');
    const envelope = parseJson(await readBody(request));
    const result: Result<unknown> = await router.dispatch(decodeURIComponent(channel), envelope, {
      session,
      emitProgress: emitter(session),
    });
    const body = JSON.stringify(result);
    transcript.push({ channel, body });
    send(response, 200, 'application/json', body);
  }

  function serveEvents(url: URL, request: IncomingMessage, response: ServerResponse) {
    const session = url.searchParams.get('session') ?? '';
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...headers });
    response.write(': connected\n\n');
    streams.set(session, response);
    request.on('close', () => {
      streams.delete(session);
      router.cancelSession(session);
    });
  }

  async function serveStatic(url: URL, response: ServerResponse) {
    const asset = resolveAssetPath(url.pathname, rendererDir);
    if (asset === undefined) return send(response, 404, 'text/plain', 'not found');
    try {
      const content = await readFile(asset.file);
      if (!asset.file.endsWith('index.html')) return send(response, 200, asset.mimeType, content);
      // The shim must define window.countersign before the app's module script runs, and it talks
      // to this host: the page's own CSP meta is replaced by the host's policy (connect to self).
      const html = content
        .toString('utf8')
        .replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*" \/>/, `<meta http-equiv="Content-Security-Policy" content="${metaContentSecurityPolicy({ connectToSelf: true })}" />`)
        .replace('<script', `<script src="${SHIM_PATH}"></script>\n    <script`);
      return send(response, 200, asset.mimeType, html);
    } catch {
      return send(response, 404, 'text/plain', 'not found');
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (request.method === 'POST' && url.pathname.startsWith(IPC_PATH)) {
      serveIpc(request, response, url.pathname.slice(IPC_PATH.length)).catch((error: unknown) => {
        console.error('[test-host]', error);
        if (!response.headersSent) send(response, 500, 'text/plain', 'internal');
      });
    } else if (request.method === 'POST' && url.pathname === CHOOSE_PATH && request.headers.origin === undefined) {
      void readBody(request).then((path) => {
        if (path !== undefined && path !== '') chooser.answer(path);
        send(response, 204, 'text/plain', '');
      });
    } else if (request.method === 'GET' && url.pathname === EVENTS_PATH) {
      serveEvents(url, request, response);
    } else if (request.method === 'GET' && url.pathname.startsWith(DOWNLOADS_PATH)) {
      downloads.serve(url.pathname, response, headers);
    } else if (request.method === 'GET' && url.pathname === SHIM_PATH) {
      send(response, 200, 'text/javascript; charset=utf-8', shim);
    } else if (request.method === 'GET') {
      void serveStatic(url, response);
    } else {
      send(response, 405, 'text/plain', 'method not allowed');
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test host has no port');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/`,
    router,
    transcript,
    chooser,
    close: async () => {
      for (const stream of streams.values()) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
