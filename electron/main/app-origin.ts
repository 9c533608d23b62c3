// The app's own origin and the checks built on it. No 'electron' import, so the guards are unit-tested.
import { extname, normalize, resolve, sep } from 'node:path';

/** The renderer is served from app://countersign/, a privileged standard scheme (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'countersign';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

function parse(url: string | undefined): URL | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url);
}

function isAppUrl(url: URL): boolean {
  // username/password would let "app://countersign@evil/" look like ours to a careless prefix check.
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/**
 * Electron security checklist item 17: every IPC message must come from our own page, in the main
 * frame. A sub-frame, a page that navigated away, or an unknown frame (undefined) is refused.
 */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null | undefined): boolean {
  if (frame === null || frame === undefined || !frame.isMainFrame) return false;
  const url = parse(frame.url);
  return url !== undefined && isAppUrl(url);
}

/** Navigation inside the window is allowed only to our own entry page (e.g. a reload). */
export function isAllowedNavigation(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && isAppUrl(parsed) && parsed.pathname === '/index.html';
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Maps a URL path to a file inside `rootDir`, or undefined: unknown file types and any path that
 * would leave the root (../, encoded %2e%2e, backslashes, NUL) are refused. "/" is index.html.
 */
export function resolveAssetPath(pathname: string, rootDir: string): { file: string; mimeType: string } | undefined {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(root, normalize(`.${path}`));
  if (!file.startsWith(root + sep)) return undefined;
  const mimeType = MIME_TYPES[extname(file)];
  return mimeType === undefined ? undefined : { file, mimeType };
}

/** Maps an app://countersign/ request to a file of the built renderer; other origins get nothing. */
export function resolveAppAsset(requestUrl: string, rootDir: string): { file: string; mimeType: string } | undefined {
  const url = parse(requestUrl);
  if (url === undefined || !isAppUrl(url)) return undefined;
  return resolveAssetPath(url.pathname, rootDir);
}
