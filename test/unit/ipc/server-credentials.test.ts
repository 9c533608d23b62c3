import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memorySecretStore, recordingCaller, routerFor, SERVER, servicesFor } from './support';
import { startServer, type RunningServer } from '../net/support/servers';
import { makeTlsFixture, type TlsFixture } from '../net/support/tls-fixture';

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

describe('a server address with a password in it', () => {
  it('is refused before anything is saved: the settings file would hold the password in plaintext', async () => {
    const router = routerFor(servicesFor());
    const result = await router.dispatch('settings.saveServer', { request: { server: { ...SERVER, url: 'https://alice:s3cret@notary.example.test' } } }, recordingCaller());
    assert.equal(!result.ok && result.error.code, 'invalid-ipc-payload');
    assert.match(!result.ok ? result.error.message : '', /must not carry a user name or password/);
    const settings = await router.dispatch('settings.get', { request: {} }, recordingCaller());
    assert.doesNotMatch(JSON.stringify(settings), /s3cret/);
  });
});

describe('the connection check of a saved server', () => {
  let tls: TlsFixture;
  let server: RunningServer;
  /** Authorization headers the server was sent, in order. */
  const seen: (string | undefined)[] = [];
  before(async () => {
    tls = makeTlsFixture();
    server = await startServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(401, { 'www-authenticate': 'Basic realm="notary"' }).end();
    }, tls.good);
  });
  after(async () => {
    await server.close();
    tls.dispose();
  });

  /** A saved server at `savedUrl` with alice's password in the keychain; then a check of `checkedUrl` under its id. */
  async function check(savedUrl: string, checkedUrl: string): Promise<(string | undefined)[]> {
    const router = routerFor(servicesFor());
    const saved = { ...SERVER, url: savedUrl, username: 'alice', caPem: tls.caCert };
    const { ok } = await router.dispatch('settings.saveServer', { request: { server: saved } }, recordingCaller());
    assert.ok(ok);
    const settings = await router.dispatch('settings.get', { request: {} }, recordingCaller());
    const id = settings.ok ? (settings.value as { servers: { id: string }[] }).servers[0]!.id : '';
    await router.dispatch('servers.setPassword', { request: { serverId: id, password: 's3cret' } }, recordingCaller());
    seen.length = 0;
    await router.dispatch('servers.check', { request: { server: { ...saved, id, url: checkedUrl } } }, recordingCaller());
    return [...seen];
  }

  it('signs in with the saved password at the saved address', async () => {
    const sent = await check(server.origin, server.origin);
    assert.ok(sent.some((header) => header?.startsWith('Basic ')), 'the saved sign-in was offered');
  });

  it('never takes the saved password to another address the form was edited to', async () => {
    const sent = await check('https://notary.example.test:4443', server.origin);
    assert.ok(sent.length > 0, 'the edited address was checked');
    assert.deepEqual(sent.filter((header) => header !== undefined), [], 'without the saved password');
  });
});
