import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient, IDENTITY_TOKEN_USERNAME, type CredentialLookup, type Credentials } from '../../../electron/core/net/http';
import { rejectsWith } from './support/assertions';
import { startServer, type RunningServer } from './support/servers';
import { makeTlsFixture, type TlsFixture } from './support/tls-fixture';
import { startTokenProtectedRegistry, type TokenProtectedRegistry, type TokenServiceOptions } from './support/token-protected-server';

const KiB = 1024;
let tls: TlsFixture;
const cleanups: Array<() => unknown> = [];

before(() => {
  tls = makeTlsFixture();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  tls.dispose();
});

async function protectedRegistry(options: TokenServiceOptions): Promise<TokenProtectedRegistry> {
  const started = await startTokenProtectedRegistry(tls.good, options);
  cleanups.push(() => started.close());
  return started;
}

interface LookupLog {
  lookup: CredentialLookup;
  hosts: string[];
}

function credentialsFor(host: string | undefined, credentials: Credentials): LookupLog {
  const hosts: string[] = [];
  return {
    hosts,
    lookup: async (asked) => {
      hosts.push(asked);
      return asked === host ? credentials : undefined;
    },
  };
}

function client(lookup?: CredentialLookup): HttpClient {
  const made = new HttpClient({ ca: tls.caCert, credentials: lookup });
  cleanups.push(() => made.close());
  return made;
}

const registryHost = (server: TokenProtectedRegistry): string => new URL(server.registry.origin).host;

describe('bearer token flow', () => {
  it('fetches an anonymous token for the challenged scope and retries with it', async () => {
    const server = await protectedRegistry({ anonymous: true });
    const response = await client().request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'content of /v2/alpine/tags/list');
    assert.equal(server.tokenRequests.length, 1);
    const [tokenRequest] = server.tokenRequests;
    assert.equal(tokenRequest?.query.get('service'), 'test-registry');
    assert.deepEqual(tokenRequest?.query.getAll('scope'), ['repository:alpine:pull']);
    assert.equal(tokenRequest?.authorization, undefined);
  });

  it('accepts a token service that answers with access_token instead of token', async () => {
    const server = await protectedRegistry({ anonymous: true, tokenField: 'access_token' });
    const response = await client().request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB });
    assert.equal(response.status, 200);
  });

  it('logs in at the realm with the credentials stored for the registry host', async () => {
    const server = await protectedRegistry({ users: { alice: 's3cret' } });
    const log = credentialsFor(registryHost(server), { username: 'alice', password: 's3cret' });
    const response = await client(log.lookup).request(`${server.registry.origin}/v2/private-app/tags/list`, { maxBytes: KiB });
    assert.equal(response.status, 200);
    const [tokenRequest] = server.tokenRequests;
    assert.equal(tokenRequest?.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    assert.equal(tokenRequest?.query.get('account'), 'alice');
    // The realm lives on another port: credentials are chosen by the host that challenged, not the realm's.
    assert.deepEqual([...new Set(log.hosts)], [registryHost(server)]);
  });

  it('uses an identity token through the OAuth2 refresh-token grant', async () => {
    const server = await protectedRegistry({ refreshTokens: ['refresh-abc'] });
    const log = credentialsFor(registryHost(server), { username: IDENTITY_TOKEN_USERNAME, password: 'refresh-abc' });
    const response = await client(log.lookup).request(`${server.registry.origin}/v2/private-app/manifests/v1`, { maxBytes: KiB });
    assert.equal(response.status, 200);
    const [tokenRequest] = server.tokenRequests;
    assert.equal(tokenRequest?.method, 'POST');
    assert.equal(tokenRequest?.form.get('grant_type'), 'refresh_token');
    assert.equal(tokenRequest?.form.get('scope'), 'repository:private-app:pull');
    assert.equal(tokenRequest?.authorization, undefined);
  });

  it('reuses a token for the same scope instead of asking the realm again', async () => {
    const server = await protectedRegistry({ anonymous: true });
    const http = client();
    for (const tag of ['v1', 'v2', 'v3', 'v4']) {
      const response = await http.request(`${server.registry.origin}/v2/alpine/manifests/${tag}`, { maxBytes: KiB });
      assert.equal(response.status, 200);
    }
    assert.equal(server.tokenRequests.length, 1);
    // Only the very first request collected a 401; later ones carried the token from the start.
    assert.deepEqual(
      server.registryAuthorizations.map((header) => header === undefined),
      [true, false, false, false, false],
    );
  });

  it('shares one token request among concurrent requests that need it', async () => {
    const server = await protectedRegistry({ anonymous: true });
    const http = client();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => http.request(`${server.registry.origin}/v2/alpine/manifests/t${i}`, { maxBytes: KiB })),
    );
    assert.ok(responses.every((response) => response.status === 200));
    assert.equal(server.tokenRequests.length, 1);
  });

  it('sends a token with the first request when the caller names the scope', async () => {
    const server = await protectedRegistry({ anonymous: true });
    const http = client();
    await http.request(`${server.registry.origin}/v2/`, { maxBytes: KiB, authScope: 'repository:alpine:pull' }).catch(() => {});
    const before = server.registryAuthorizations.length;
    const response = await http.request(`${server.registry.origin}/v2/busybox/tags/list`, {
      maxBytes: KiB,
      authScope: 'repository:busybox:pull',
    });
    assert.equal(response.status, 200);
    assert.equal(server.registryAuthorizations.length - before, 1, 'no 401 round trip');
  });

  it('fetches a new token once when the server stops accepting the cached one', async () => {
    const server = await protectedRegistry({ anonymous: true });
    const http = client();
    await http.request(`${server.registry.origin}/v2/alpine/manifests/v1`, { maxBytes: KiB });
    server.revokeTokens();
    const response = await http.request(`${server.registry.origin}/v2/alpine/manifests/v2`, { maxBytes: KiB });
    assert.equal(response.status, 200);
    assert.equal(server.tokenRequests.length, 2);
  });

  it('asks for a login when an anonymous token does not grant access', async () => {
    const server = await protectedRegistry({ anonymous: true });
    await rejectsWith(
      client().request(`${server.registry.origin}/v2/private-app/tags/list`, { maxBytes: KiB }),
      'auth-required',
      /no credentials/,
    );
  });

  it('asks for a login when the realm refuses anonymous token requests', async () => {
    const server = await protectedRegistry({ users: { alice: 's3cret' } });
    await rejectsWith(client().request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB }), 'auth-required');
  });

  it('reports failed authentication when the realm refuses the stored credentials', async () => {
    const server = await protectedRegistry({ users: { alice: 's3cret' } });
    const log = credentialsFor(registryHost(server), { username: 'alice', password: 'wrong' });
    await rejectsWith(
      client(log.lookup).request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB }),
      'auth-failed',
      /sign-in refused for alice at 127\.0\.0\.1:\d+/,
    );
  });

  for (const status of [500, 502, 503, 404]) {
    it(`says the token service is unavailable (HTTP ${status}), not that the sign-in was refused`, async () => {
      const server = await protectedRegistry({ users: { alice: 's3cret' }, unavailable: status });
      const log = credentialsFor(registryHost(server), { username: 'alice', password: 's3cret' });
      await rejectsWith(client(log.lookup).request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB }), 'http-status', new RegExp(`HTTP ${status}.*says nothing about the sign-in`));
      await rejectsWith(client().request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB }), 'http-status');
    });
  }

  it('refuses to send credentials to a plain-http realm on another machine', async () => {
    const registry = await startServer((_, response) => {
      response.setHeader('www-authenticate', 'Bearer realm="http://auth.example/token",service="s"');
      response.writeHead(401).end();
    }, tls.good);
    cleanups.push(() => registry.close());
    const host = new URL(registry.origin).host;
    const log = credentialsFor(host, { username: 'alice', password: 's3cret' });
    await rejectsWith(client(log.lookup).request(`${registry.origin}/v2/`, { maxBytes: KiB }), 'auth-failed', /plain http/);
  });
});

describe('basic challenge', () => {
  async function basicServer(): Promise<{ server: RunningServer; seen: Array<string | undefined> }> {
    const seen: Array<string | undefined> = [];
    const expected = `Basic ${Buffer.from('bob:pw').toString('base64')}`;
    const server = await startServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.headers.authorization === expected) return void response.end('welcome');
      response.setHeader('www-authenticate', 'Basic realm="notary"');
      response.writeHead(401).end();
    }, tls.good);
    cleanups.push(() => server.close());
    return { server, seen };
  }

  it('retries with Basic credentials and sends them up front afterwards', async () => {
    const { server, seen } = await basicServer();
    const log = credentialsFor(new URL(server.origin).host, { username: 'bob', password: 'pw' });
    const http = client(log.lookup);
    assert.equal((await http.request(`${server.origin}/a`, { maxBytes: KiB })).status, 200);
    assert.equal((await http.request(`${server.origin}/b`, { maxBytes: KiB })).status, 200);
    assert.deepEqual(
      seen.map((header) => header !== undefined),
      [false, true, true],
    );
  });

  it('asks for a login when no credentials are stored', async () => {
    const { server } = await basicServer();
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'auth-required');
  });

  it('reports failed authentication when the credentials are wrong, after one retry', async () => {
    const { server, seen } = await basicServer();
    const log = credentialsFor(new URL(server.origin).host, { username: 'bob', password: 'nope' });
    await rejectsWith(client(log.lookup).request(server.origin, { maxBytes: KiB }), 'auth-failed');
    assert.equal(seen.length, 2);
  });

  it('never hands credentials to a host they were not stored for', async () => {
    const { server, seen } = await basicServer();
    const log = credentialsFor('some-other-host:443', { username: 'bob', password: 'pw' });
    await rejectsWith(client(log.lookup).request(server.origin, { maxBytes: KiB }), 'auth-required');
    assert.ok(seen.every((header) => header === undefined));
  });
});

describe('401 without a challenge we speak', () => {
  it('is returned to the caller as it is', async () => {
    const server = await startServer((_, response) => {
      response.setHeader('www-authenticate', 'Negotiate');
      response.writeHead(401).end('who are you');
    }, tls.good);
    cleanups.push(() => server.close());
    const response = await client().request(server.origin, { maxBytes: KiB });
    assert.equal(response.status, 401);
  });
});

describe('what a token grants (for a connection check to say who is signed in, with which rights)', () => {
  const rights = { alice: ['pull', 'push'], bob: ['pull'] };

  it('names the signed-in user and the actions the token service granted for a scope', async () => {
    const server = await protectedRegistry({ users: { bob: 'pull-only' }, jwtRights: rights });
    const http = client(credentialsFor(registryHost(server), { username: 'bob', password: 'pull-only' }).lookup);
    const url = `${server.registry.origin}/v2/alpine/_trust/tuf/root.json`;
    assert.equal(await http.grant(url, 'repository:alpine:push,pull'), undefined, 'nothing is known before the server challenged');
    await http.request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB });
    assert.deepEqual(await http.grant(url, 'repository:alpine:push,pull'), { subject: 'bob', access: [{ type: 'repository', name: 'alpine', actions: ['pull'] }] });
  });

  it('a refused login throws, as for any request', async () => {
    const server = await protectedRegistry({ users: { alice: 's3cret' }, anonymous: true, jwtRights: rights });
    const http = client(credentialsFor(registryHost(server), { username: 'alice', password: 'wrong' }).lookup);
    // The challenge is learnt from a request the user could not sign in for.
    await rejectsWith(http.request(`${server.registry.origin}/v2/alpine/tags/list`, { maxBytes: KiB }), 'auth-failed');
    await rejectsWith(http.grant(`${server.registry.origin}/v2/alpine/tags/list`, 'repository:alpine:push,pull'), 'auth-failed', /sign-in refused for alice/);
  });
});
