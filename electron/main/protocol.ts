// Serves the built renderer from app://countersign/ with the security headers on every response.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, resolveAppAsset } from './app-origin';
import { securityHeaders } from './csp';

/** Must run before the app is ready: a standard, secure scheme gets a real origin for CSP 'self'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(request.url, rendererDir);
    if (asset === undefined) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(asset.file);
      return new Response(body, { headers: { 'content-type': asset.mimeType, ...securityHeaders() } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
