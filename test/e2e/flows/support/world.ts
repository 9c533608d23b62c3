// One real notary-server (and, when asked, a registry sharing its CA), the app in Chromium against the
// test host, and fresh notary and docker clients to check what the app published. Setup that is not
// under test (saving the server, moving keys into the keychain, watching) goes through the same IPC
// router the page uses; everything under test is done in the page.
import type { Locator, Page } from 'playwright-core';
import type { ChannelName, RequestOf, ResponseOf } from '../../../../shared/contract';
import {
  dockerTrust,
  notaryCli,
  startMitm,
  startNotaryServer,
  startRegistry,
  type DockerInspectResult,
  type DockerTrust,
  type MitmProxy,
  type NotaryCli,
  type NotaryServer,
  type NotaryTarget,
  type Registry,
} from '../../../stack';
import { startApp, type RunningApp } from '../../support/app';
import { chooserOf, importEveryKey } from '../../support/import-keys';

const VIEWPORT = { width: 1280, height: 900 };

export interface FlowWorld {
  notary: NotaryServer;
  registry: Registry | undefined;
  /** With `proxy`: the app reaches the notary server through it (to hold or refuse uploads). */
  proxy: MitmProxy | undefined;
  app: RunningApp;
  page: Page;
  serverId: string;
  /** Calls a channel as the page would (for setup), throwing on an error answer. */
  call<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Moves the keys of a notary/docker trust dir into the app's keychain. */
  importKeys(trustDir: string, passphrases: readonly string[]): Promise<void>;
  /** Watches the repositories and reloads the page so it shows them. */
  watch(...guns: string[]): Promise<void>;
  /** `notary list` from a fresh trust dir. */
  notaryList(gun: string): Promise<NotaryTarget[]>;
  /** `docker trust inspect` from a fresh config. */
  dockerInspect(gun: string): Promise<DockerInspectResult>;
  /** A notary client kept across the test (e.g. one that trusted the old root). */
  notaryClient(): NotaryCli;
  dockerClient(): Promise<DockerTrust>;
  /** test-results/screenshots/flow-NAME.png */
  shot(name: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function startFlowWorld(options: { registry?: boolean; proxy?: boolean } = {}): Promise<FlowWorld> {
  const notary = await startNotaryServer();
  const registry = options.registry === true ? await startRegistry({ ca: notary.ca }) : undefined;
  const proxy = options.proxy === true ? await startMitm({ upstream: notary.url, ca: notary.ca }) : undefined;
  const app = await startApp({ viewport: VIEWPORT });
  const disposers: (() => Promise<void>)[] = [];
  const call = async <C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const result = await app.host.router.dispatch(channel, { request }, { session: 'test-setup', emitProgress: () => undefined });
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as ResponseOf<C>;
  };
  const settings = await call('settings.saveServer', { server: { name: 'Team notary', url: proxy?.url ?? notary.url, caPem: notary.caPem } });
  const serverId = settings.servers[0]!.id;
  const notaryClient = () => {
    const client = notaryCli({ server: notary.url, caFile: notary.caFile });
    disposers.push(() => client.dispose());
    return client;
  };
  const dockerClient = async () => {
    const client = await dockerTrust({ server: notary.url, caFile: notary.caFile });
    disposers.push(() => client.dispose());
    return client;
  };
  return {
    notary,
    registry,
    proxy,
    app,
    page: app.page,
    serverId,
    call,
    async importKeys(trustDir, passphrases) {
      // The user picks the trust dir in the main process's dialog; the request names only that choice.
      const imported = await importEveryKey(call, chooserOf(call, () => app.host.chooser.answer(trustDir)), passphrases);
      if (imported.length === 0) throw new Error(`no key imported from ${trustDir}`);
    },
    async watch(...guns) {
      for (const gun of guns) await call('settings.watch', { gun, serverId });
      await app.page.reload();
      await app.page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    notaryList: (gun) => notaryClient().list(gun),
    dockerInspect: async (gun) => (await dockerClient()).inspect(gun),
    notaryClient,
    dockerClient,
    async shot(name) {
      // A window as tall as the page: the sidebar (sticky, one viewport high) then reaches the bottom too.
      const height = await app.page.evaluate(() => document.documentElement.scrollHeight);
      await app.page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, height) });
      await app.screenshot(`flow-${name}`);
      await app.page.setViewportSize(VIEWPORT);
    },
    async dispose() {
      for (const dispose of disposers.splice(0)) await dispose().catch(() => undefined);
      await app.close();
      await registry?.stop();
      await proxy?.stop();
      await notary.stop();
    },
  };
}

/** Opens a job screen from the sidebar. */
export async function openJob(page: Page, label: 'Sign' | 'Delegate' | 'Revoke' | 'Rotate keys' | 'Expiring' | 'Staged changes'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
}

/** Picks a repository in a chooser (radio or checkbox) by its name. */
export async function chooseRepository(scope: Page | Locator, gun: string): Promise<void> {
  await scope.getByRole('group', { name: /^Repositor/ }).getByLabel(gun, { exact: false }).check();
}

/** Ticks exactly these repositories in a multiple-choice chooser. */
export async function chooseOnly(page: Page, guns: readonly string[]): Promise<void> {
  const group = page.getByRole('group', { name: 'Repositories' });
  for (const box of await group.getByRole('checkbox').all()) {
    const label = (await box.evaluate((input) => input.closest('label')?.textContent ?? '')) ?? '';
    const wanted = guns.some((gun) => label.includes(gun));
    if ((await box.isChecked()) !== wanted) await box.setChecked(wanted);
  }
}

/** Waits for a flow's summary and returns its text. */
export async function summaryText(page: Page): Promise<string> {
  const summary = page.getByTestId('flow-summary');
  await summary.waitFor({ timeout: 60_000 });
  return (await summary.textContent()) ?? '';
}
