// Starts the whole app for one test: a freshly built renderer, the test host with real services in
// throwaway directories, and a Chromium page on it. Everything is stopped by close().
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { confBackend } from '../../../electron/core/keys';
import { memoryBackend } from '../../../electron/ipc/settings-store';
import { createServices, type ServiceOptions } from '../../../electron/ipc/wire-services';
import { REPO_ROOT, startTestHost, type TestHost } from '../host/test-host';
import { launchChromium } from './browser';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');

/** Tests that store secrets need the private Secret Service scripts/with-keyring.sh starts (npm test does). */
export function keychainSkip(): string | false {
  return process.env['COUNTERSIGN_KEYRING_SESSION'] === '1' ? false : 'run under scripts/with-keyring.sh for a Secret Service';
}

let builtRenderer: Promise<string> | undefined;

/** Builds the renderer once per test process, into its own directory. */
export function buildRendererOnce(): Promise<string> {
  builtRenderer ??= (async () => {
    const out = await mkdtemp(join(tmpdir(), 'countersign-renderer-'));
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), '--only=renderer', `--out=${out}`], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`renderer build failed:\n${result.stderr}`);
    return join(out, 'renderer');
  })();
  return builtRenderer;
}

export interface RunningApp {
  host: TestHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A throwaway HOME-like dir: settings, and docker's config under `dockerConfigDir`. */
  dir: string;
  dockerConfigDir: string;
  /** Writes test-results/screenshots/NAME.png; `fullPage` captures below the fold too. */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** docker's config dir the app looks at (e.g. one a real `docker trust` used). Default: an empty one. */
  dockerConfigDir?: string;
  overrides?: ServiceOptions['overrides'];
  viewport?: { width: number; height: number };
  /** Settings in <home>/settings.json, as electron-store keeps them in the app (default: in memory). */
  settingsFile?: boolean;
  /** Sets up the app's home (join(dir, 'home')) before the services start, e.g. as a crash left it. */
  prepareHome?: (homeDir: string) => Promise<void>;
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const rendererDir = await buildRendererOnce();
  const dir = await mkdtemp(join(tmpdir(), 'countersign-e2e-'));
  const dockerConfigDir = options.dockerConfigDir ?? join(dir, 'docker');
  await mkdir(dockerConfigDir, { recursive: true });
  const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const homeDir = join(dir, 'home');
  if (options.prepareHome !== undefined) {
    await mkdir(homeDir, { recursive: true, mode: 0o700 });
    await options.prepareHome(homeDir);
  }
  const services = createServices({
    runtime: 'test-host',
    version,
    homeDir,
    dockerConfigDir,
    settingsBackend: options.settingsFile === true ? confBackend(homeDir) : memoryBackend(),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
  });
  const host = await startTestHost({ services, rendererDir });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  // Fail fast: nothing in these flows should take seconds once the servers are up.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(host.url);
  return {
    host,
    browser,
    context,
    page,
    dir,
    dockerConfigDir,
    screenshot: async (name, shotOptions) => {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // Let transitions (progress bars, spinners going away) settle.
      await page.waitForTimeout(150);
      await page.screenshot({ path, fullPage: shotOptions?.fullPage ?? false, animations: 'disabled' });
      return path;
    },
    close: async () => {
      await browser.close();
      await host.close();
      services.close();
      await rm(dir, { recursive: true, force: true });
      if (pageErrors.length > 0) throw new Error(`the page logged errors:\n${pageErrors.join('\n')}`);
    },
  };
}
