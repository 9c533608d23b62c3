import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, type RunningApp } from './support/app';

describe('first start, with no server configured', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await app?.close();
  });

  it('talks to the main process through the typed window.countersign', async () => {
    await app.page.getByTestId('runtime').filter({ hasText: 'test-host' }).waitFor();
    const info = await app.page.evaluate(() => window.countersign!.app.info({}));
    assert.equal(info.ok, true);
    assert.equal(info.ok && info.value.firstStart, true);
  });

  it('refuses a malformed request with a typed error, through the real transport', async () => {
    const result = await app.page.evaluate(() =>
      // Deliberately wrong: a server without a URL.
      window.countersign!.settings.saveServer({ server: { name: 'x' } } as never),
    );
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'invalid-ipc-payload');
  });
});
