// The Electron main process's guards, tested without Electron: they are plain functions of URLs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { isAllowedNavigation, isTrustedSender, resolveAppAsset } from '../../../electron/main/app-origin';
import { readFileSync } from 'node:fs';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../../electron/main/csp';
import { secureWebPreferences } from '../../../electron/main/web-preferences';

describe('the IPC sender check', () => {
  it('trusts only our own page in the main frame', () => {
    assert.equal(isTrustedSender({ url: 'app://countersign/index.html', isMainFrame: true }), true);
    assert.equal(isTrustedSender({ url: 'app://countersign/index.html#/keys', isMainFrame: true }), true);
  });

  it('refuses sub-frames, unknown frames and every other origin', () => {
    const refused: [string, { url: string; isMainFrame: boolean } | null | undefined][] = [
      ['a sub-frame of our page', { url: 'app://countersign/index.html', isMainFrame: false }],
      ['a destroyed frame', null],
      ['no frame', undefined],
      ['another host on our scheme', { url: 'app://evil/index.html', isMainFrame: true }],
      ['a look-alike host', { url: 'app://countersign.evil/index.html', isMainFrame: true }],
      ['user info before another host', { url: 'app://countersign@evil/index.html', isMainFrame: true }],
      ['user info before our host', { url: 'app://x@countersign/index.html', isMainFrame: true }],
      ['a file URL', { url: 'file:///opt/countersign/index.html', isMainFrame: true }],
      ['a web page', { url: 'https://countersign/index.html', isMainFrame: true }],
      ['the test host origin', { url: 'http://127.0.0.1:3000/', isMainFrame: true }],
      ['not a URL', { url: 'countersign', isMainFrame: true }],
      ['an empty URL', { url: '', isMainFrame: true }],
    ];
    for (const [what, frame] of refused) assert.equal(isTrustedSender(frame), false, what);
  });
});

describe('navigation', () => {
  it('stays on our entry page', () => {
    assert.equal(isAllowedNavigation('app://countersign/index.html'), true);
    assert.equal(isAllowedNavigation('app://countersign/index.html#/servers'), true);
    assert.equal(isAllowedNavigation('https://example.com/'), false);
    assert.equal(isAllowedNavigation('app://countersign/app.js'), false);
    assert.equal(isAllowedNavigation('javascript:alert(1)'), false);
  });
});

describe('serving app:// files', () => {
  const root = resolve('/opt/countersign/renderer');

  it('maps our paths into the renderer dir with a content type', () => {
    assert.deepEqual(resolveAppAsset('app://countersign/', root), { file: join(root, 'index.html'), mimeType: 'text/html; charset=utf-8' });
    assert.deepEqual(resolveAppAsset('app://countersign/app.js?x=1', root), { file: join(root, 'app.js'), mimeType: 'text/javascript; charset=utf-8' });
  });

  it('never leaves the renderer dir', () => {
    // The URL parser folds ../ and %2e%2e segments into the root; what is left must stay inside it.
    for (const url of ['app://countersign/../secrets.json', 'app://countersign/%2e%2e/%2e%2e/etc/passwd.css']) {
      const file = resolveAppAsset(url, root)?.file;
      assert.ok(file === undefined || file.startsWith(root + sep), url);
    }
    // Whatever the parser leaves encoded is refused outright.
    for (const url of [
      'app://countersign/..%2f..%2fetc%2fpasswd.js',
      'app://countersign/a%5c..%5c..%5cx.js',
      'app://countersign/app.js%00.png',
      'app://countersign/%E0%A4%A.js',
    ]) {
      assert.equal(resolveAppAsset(url, root), undefined, url);
    }
  });

  it('serves nothing to other hosts or of unknown types', () => {
    assert.equal(resolveAppAsset('app://other/index.html', root), undefined);
    assert.equal(resolveAppAsset('app://countersign/notes.txt', root), undefined);
    assert.equal(resolveAppAsset('app://countersign/keys', root), undefined);
  });
});

describe('the window', () => {
  it('is isolated, sandboxed and without Node', () => {
    const prefs = secureWebPreferences('/p/preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
  });

  it('has a CSP without inline code, eval, remote content or network', () => {
    const csp = contentSecurityPolicy();
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('carries the same CSP in index.html as in the response header', () => {
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    assert.equal(meta, metaContentSecurityPolicy());
  });
});
