// `npm run test:electron`: the packaged shape of the app, driven through Playwright's Electron
// support. Electron cannot start on the build machines (ENVIRONMENT.md), so this file is not named
// *.test.ts and is not part of `npm test`; run it where Electron can download and start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { REPO_ROOT } from '../host/test-host';
import { SCREENSHOT_DIR } from '../support/app';

describe('the Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'countersign-electron-'));
    app = await electron.launch({
      args: [join(REPO_ROOT, 'dist', 'electron', 'main', 'main.js')],
      cwd: REPO_ROOT,
      env: { ...process.env, COUNTERSIGN_HOME: join(dir, 'home'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir },
    });
    page = await app.firstWindow();
    await page.getByRole('heading', { name: 'Welcome to Countersign' }).waitFor();
  });

  after(async () => {
    await app?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the renderer from app://countersign with a strict window', async () => {
    assert.equal(page.url().startsWith('app://countersign/'), true);
    // No Node in the page: no require, no process, and the bridge is the only extra global.
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined' });
  });

  it('exposes only the typed bridge, and it works', async () => {
    const info = await page.evaluate(() => window.countersign!.app.info({}));
    assert.equal(info.ok && info.value.runtime, 'electron');
    const bad = await page.evaluate(() => window.countersign!.settings.removeServer({ id: 'Not An Id!' }));
    assert.equal(!bad.ok && bad.error.code, 'invalid-ipc-payload');
  });

  it('refuses to navigate away or open windows', async () => {
    await page.evaluate(() => {
      window.open('https://example.com/');
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    assert.equal(app.windows().length, 1);
    assert.equal(page.url().startsWith('app://countersign/'), true);
  });

  it('blocks inline scripts with its CSP', async () => {
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true';
      document.body.append(script);
      return (window as { __inline?: boolean }).__inline === true;
    });
    assert.equal(ran, false);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'electron-first-start.png') });
  });
});
