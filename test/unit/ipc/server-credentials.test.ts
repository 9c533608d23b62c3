import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memorySecretStore, recordingCaller, routerFor, SERVER, servicesFor } from './support';

describe('server passwords', () => {
  const caller = recordingCaller();

  it('are kept in the secret store under the server id, and never answered back', async () => {
    const secrets = memorySecretStore();
    const router = routerFor(servicesFor({}, undefined, secrets));
    await router.dispatch('settings.saveServer', { request: { server: { ...SERVER, username: 'alice' } } }, caller);
    const stored = await router.dispatch('servers.setPassword', { request: { serverId: 'team-notary', password: 's3cret' } }, caller);
    assert.deepEqual(stored, { ok: true, value: { stored: true } });
    assert.equal(secrets.secrets.get('team-notary'), 's3cret');
    const settings = await router.dispatch('settings.get', { request: {} }, caller);
    assert.doesNotMatch(JSON.stringify(settings), /s3cret/);
  });

  it('are refused for a server that is not saved', async () => {
    const router = routerFor(servicesFor());
    const result = await router.dispatch('servers.setPassword', { request: { serverId: 'nobody', password: 'x' } }, caller);
    assert.equal(!result.ok && result.error.code, 'not-found');
  });

  it('go away with their server', async () => {
    const secrets = memorySecretStore();
    const router = routerFor(servicesFor({}, undefined, secrets));
    await router.dispatch('settings.saveServer', { request: { server: SERVER } }, caller);
    await router.dispatch('servers.setPassword', { request: { serverId: 'team-notary', password: 'x' } }, caller);
    await router.dispatch('settings.removeServer', { request: { id: 'team-notary' } }, caller);
    assert.equal(secrets.secrets.size, 0);
  });
});
