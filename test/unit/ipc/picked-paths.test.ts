// A renderer cannot name a path: key operations take only the reference a main-process dialog answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PickedPaths } from '../../../electron/ipc/picked-paths';
import { createHandlers } from '../../../electron/ipc/handlers/index';
import { createRouter } from '../../../electron/ipc/router';
import { ScriptedChooser } from '../../e2e/host/chooser';
import { recordingCaller, servicesFor } from './support';

const caller = recordingCaller();
const KEY = 'a'.repeat(64);

function routerWith(chooser: ScriptedChooser) {
  return createRouter(createHandlers({ ...servicesFor(), paths: new PickedPaths(chooser) }));
}

describe('paths picked in the main process', () => {
  it('refuses a path named by the renderer before any handler runs', async () => {
    const router = routerWith(new ScriptedChooser());
    for (const [channel, request] of [
      ['rotation.takeKeyOffline', { keyId: KEY, file: '/home/user/.ssh/evil.key', passphrase: 'p' }],
      ['rotation.bringKeyOnline', { keyId: KEY, file: '../../etc/shadow', passphrase: 'p' }],
      ['keys.scanImport', { dir: '/home/user/.docker/trust' }],
      ['keys.importChosen', { file: '/home/user/key.pem', keys: [] }],
    ] as const) {
      const result = await router.dispatch(channel, { request }, caller);
      assert.equal(result.ok ? 'ok' : result.error.code, 'invalid-ipc-payload', channel);
    }
  });

  it('refuses a reference nobody picked, one picked for another purpose, and one used already', async () => {
    const chooser = new ScriptedChooser();
    const paths = new PickedPaths(chooser);
    assert.throws(() => paths.take(`pick-${'0'.repeat(32)}`, 'save-key-file'), { code: 'invalid-input' });
    chooser.answer('/tmp/chosen-by-the-user.key');
    const picked = await paths.pick('open-key-file');
    assert.ok(picked.chosen);
    assert.throws(() => paths.take(picked.ref, 'save-key-file'), { code: 'invalid-input' }, 'picked to open, not to write');
    const again = await (chooser.answer('/tmp/chosen-by-the-user.key'), paths.pick('save-key-file'));
    assert.ok(again.chosen);
    assert.equal(paths.take(again.ref, 'save-key-file'), '/tmp/chosen-by-the-user.key');
    assert.throws(() => paths.take(again.ref, 'save-key-file'), { code: 'invalid-input' }, 'single use');
  });

  it('renews a reference for the import that follows a scan: the old one is used up, the new one names the same path', async () => {
    const chooser = new ScriptedChooser();
    const paths = new PickedPaths(chooser);
    chooser.answer('/tmp/a-trust-dir');
    const picked = await paths.pick('open-trust-dir');
    assert.ok(picked.chosen);
    const renewed = paths.renew(picked.ref, 'open-trust-dir');
    assert.equal(renewed.path, '/tmp/a-trust-dir');
    assert.throws(() => paths.take(picked.ref, 'open-trust-dir'), { code: 'invalid-input' });
    assert.throws(() => paths.renew(renewed.ref, 'open-key-file'), { code: 'invalid-input' }, 'same purpose only');
  });

  it('answers "not chosen" when the user cancels, and refuses a dialog answer under /proc', async () => {
    const chooser = new ScriptedChooser();
    const paths = new PickedPaths(chooser);
    assert.deepEqual(await paths.pick('open-trust-dir'), { chosen: false });
    chooser.answer('/proc/self');
    await assert.rejects(paths.pick('open-trust-dir'), { code: 'invalid-input' });
  });
});
