// Bearer-token authentication against the real docker-registry with auth.token turned on, with the
// login coming from docker's config: inline auths, identity tokens, and a docker-credential-* helper.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClient, mapLimit, type CredentialLookup } from '../../../electron/core/net/http';
import { dockerCredentialLookup, RegistryClient } from '../../../electron/core/registry/index';
import { startRegistry, type PushedImage, type Registry } from '../../stack/registry';
import { rejectsWith } from '../../unit/net/support/assertions';
import { installFakeCredentialHelper, type FakeHelper } from '../../unit/registry/support/fake-credential-helper';
import { startTokenAuthRegistry, type TokenAuthRegistry } from './support/token-auth-registry';

let storage: Registry;
let guarded: TokenAuthRegistry;
let helper: FakeHelper;
let privateImage: PushedImage;
const cleanups: Array<() => unknown> = [];

before(async () => {
  storage = await startRegistry();
  privateImage = await storage.pushImage('private/app', 'v1', { seed: 'private' });
  await storage.pushImage('private/app', 'v2', { seed: 'private-2' });
  await storage.pushImage('public/app', 'v1', { seed: 'public' });
  guarded = await startTokenAuthRegistry(storage, {
    users: { alice: 'wonderland' },
    refreshTokens: { 'alice-refresh-token': 'alice' },
    publicPrefix: 'public/',
  });
  helper = installFakeCredentialHelper({ [guarded.host]: { Username: 'alice', Secret: 'wonderland' } });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  helper?.dispose();
  await guarded?.stop();
  await storage?.stop();
});

function dockerConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-docker-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function registryClient(credentials?: CredentialLookup): RegistryClient {
  const http = new HttpClient({ ca: storage.caPem, credentials });
  cleanups.push(() => http.close());
  return new RegistryClient({ url: guarded.url, http });
}

const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

describe('a token-protected registry', () => {
  it('lets an anonymous client read what anonymous tokens allow', async () => {
    const client = registryClient();
    await client.ping();
    assert.deepEqual(await client.tags('public/app'), ['v1']);
  });

  it('asks for a login for a private repository when there are no credentials', async () => {
    await rejectsWith(registryClient().tags('private/app'), 'auth-required');
  });

  it('logs in through a docker credential helper named in credHelpers', async () => {
    const configDir = dockerConfig({ credHelpers: { [guarded.host]: 'test' } });
    const client = registryClient(dockerCredentialLookup({ configDir, env: helper.env }));
    assert.deepEqual((await client.tags('private/app')).sort(), ['v1', 'v2']);
    assert.equal((await client.manifestDescriptor('private/app', 'v1'))?.digest, privateImage.digest);
    assert.ok((await client.catalog()).includes('private/app'));
    assert.ok(helper.requests().includes(`get ${guarded.host}`));
  });

  it('logs in with an identity token stored in config.json', async () => {
    const configDir = dockerConfig({ auths: { [guarded.host]: { identitytoken: 'alice-refresh-token' } } });
    const client = registryClient(dockerCredentialLookup({ configDir }));
    assert.deepEqual((await client.tags('private/app')).sort(), ['v1', 'v2']);
  });

  it('reports a wrong password from config.json as failed authentication', async () => {
    const configDir = dockerConfig({ auths: { [guarded.host]: { auth: auth('alice', 'wrong') } } });
    await rejectsWith(registryClient(dockerCredentialLookup({ configDir })).tags('private/app'), 'auth-failed');
  });

  it('reuses tokens: many lookups in one repository cost one token request', async () => {
    const configDir = dockerConfig({ auths: { [guarded.host]: { auth: auth('alice', 'wonderland') } } });
    const client = registryClient(dockerCredentialLookup({ configDir }));
    const before = guarded.tokenRequests();
    const digests = await mapLimit(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'v1' : 'v2')), 6, (tag) =>
      client.manifestDescriptor('private/app', tag),
    );
    assert.equal(digests.filter((descriptor) => descriptor?.digest === privateImage.digest).length, 15);
    assert.equal(guarded.tokenRequests() - before, 1);
  });
});
