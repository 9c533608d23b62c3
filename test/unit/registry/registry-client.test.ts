// Behaviour against registries that misbehave in ways the real docker-registry never does; the
// integration tests cover the real one.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../../electron/core/net/http';
import { MANIFEST_MEDIA_TYPES, RegistryClient, sha256Digest, type RegistryLimits } from '../../../electron/core/registry/index';
import { rejectsWith } from '../net/support/assertions';
import { startServer, type RunningServer } from '../net/support/servers';
import { makeTlsFixture, type TlsFixture } from '../net/support/tls-fixture';

let tls: TlsFixture;
let httpClient: HttpClient;
const servers: RunningServer[] = [];

before(() => {
  tls = makeTlsFixture();
  httpClient = new HttpClient({ ca: tls.caCert });
});

after(async () => {
  httpClient.close();
  await Promise.all(servers.map((server) => server.close()));
  tls.dispose();
});

type Route = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => void;

async function registry(route: Route, limits: Partial<RegistryLimits> = {}): Promise<RegistryClient> {
  const server = await startServer((request, response) => route(request, response, new URL(request.url ?? '/', 'https://x')), tls.good);
  servers.push(server);
  return new RegistryClient({ url: server.origin, http: httpClient, limits });
}

function json(response: http.ServerResponse, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPES.ociManifest, layers: [] }));

describe('registry lists', () => {
  it('pages with n and last when the registry sends no Link header', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const asked: string[] = [];
    const client = await registry((_, response, url) => {
      asked.push(url.search);
      const n = Number(url.searchParams.get('n'));
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.indexOf(last) + 1;
      json(response, { repositories: all.slice(start, start + n) });
    }, { pageSize: 2 });
    assert.deepEqual(await client.catalog(), all);
    assert.deepEqual(asked, ['?n=2', '?n=2&last=b', '?n=2&last=d']);
  });

  it('stops when a registry ignores paging and sends the same page again', async () => {
    const client = await registry((_, response) => json(response, { repositories: ['a', 'b'] }), { pageSize: 2 });
    assert.deepEqual(await client.catalog(), ['a', 'b']);
  });

  it('refuses a next-page link that points at another server', async () => {
    const client = await registry((_, response) =>
      json(response, { repositories: ['a'] }, { link: '<https://elsewhere.example/v2/_catalog?last=a>; rel="next"' }),
    );
    await rejectsWith(client.catalog(), 'metadata-malformed', /another server/);
  });

  it('caps the number of entries a list may have', async () => {
    let page = 0;
    const client = await registry((_, response) => {
      page += 1;
      json(response, { repositories: [`r${page}a`, `r${page}b`] }, { link: `</v2/_catalog?page=${page}>; rel="next"` });
    }, { listEntries: 9 });
    await rejectsWith(client.catalog(), 'metadata-too-large');
  });

  it('refuses answers of the wrong shape', async () => {
    const notJson = await registry((_, response) => response.end('<html>'));
    await rejectsWith(notJson.catalog(), 'metadata-malformed', /not JSON/);
    const badName = await registry((_, response) => json(response, { repositories: ['UPPER/case'] }));
    await rejectsWith(badName.catalog(), 'metadata-malformed');
    const badTags = await registry((_, response) => json(response, { name: 'a', tags: 'latest' }));
    await rejectsWith(badTags.tags('a'), 'metadata-malformed');
  });

  it('treats a null tag list as no tags', async () => {
    const client = await registry((_, response) => json(response, { name: 'a', tags: null }));
    assert.deepEqual(await client.tags('a'), []);
  });

  it('names the registry error code of an unexpected status', async () => {
    const client = await registry((_, response) =>
      response.writeHead(500).end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'disk full' }] })),
    );
    await rejectsWith(client.tags('a'), 'http-status', /HTTP 500 \(UNKNOWN\)/);
  });

  it('refuses repository names and references that are not valid before asking the registry', async () => {
    const client = await registry(() => assert.fail('no request expected'));
    await rejectsWith(client.tags('../../etc'), 'invalid-input');
    await rejectsWith(client.manifestDescriptor('ok', 'bad tag!'), 'invalid-input');
  });
});

describe('manifest digests', () => {
  it('asks for every manifest and index type it understands', async () => {
    let accept = '';
    const client = await registry((request, response) => {
      accept = String(request.headers.accept);
      response.writeHead(200, { 'docker-content-digest': sha256Digest(manifest), 'content-length': String(manifest.length), 'content-type': MANIFEST_MEDIA_TYPES.ociManifest }).end();
    });
    await client.manifestDescriptor('app', 'v1');
    for (const type of Object.values(MANIFEST_MEDIA_TYPES)) assert.ok(accept.includes(type), type);
  });

  it('downloads and hashes the manifest when HEAD gives no Docker-Content-Digest', async () => {
    const methods: string[] = [];
    const client = await registry((request, response) => {
      methods.push(request.method ?? '');
      response.writeHead(200, { 'content-type': `${MANIFEST_MEDIA_TYPES.ociManifest}; charset=utf-8` });
      response.end(request.method === 'HEAD' ? undefined : manifest);
    });
    assert.deepEqual(await client.manifestDescriptor('app', 'v1'), {
      digest: sha256Digest(manifest),
      size: manifest.length,
      mediaType: MANIFEST_MEDIA_TYPES.ociManifest,
    });
    assert.deepEqual(methods, ['HEAD', 'GET']);
  });

  it('takes the media type from the manifest when the registry sends no Content-Type', async () => {
    const client = await registry((request, response) => response.end(request.method === 'HEAD' ? undefined : manifest));
    assert.equal((await client.fetchManifest('app', 'v1'))?.mediaType, MANIFEST_MEDIA_TYPES.ociManifest);
  });

  it('refuses a manifest body that does not match the digest the registry claims', async () => {
    const client = await registry((_, response) =>
      response.writeHead(200, { 'docker-content-digest': sha256Digest(Buffer.from('other')) }).end(manifest),
    );
    await rejectsWith(client.fetchManifest('app', 'v1'), 'hash-mismatch');
  });

  it('refuses a manifest body that does not match the digest asked for', async () => {
    const client = await registry((_, response) => response.end(manifest));
    await rejectsWith(client.fetchManifest('app', sha256Digest(Buffer.from('wanted'))), 'hash-mismatch');
  });

  it('refuses a manifest over the size cap, from headers or from the body', async () => {
    const big = await registry((request, response) => {
      response.writeHead(200, { 'docker-content-digest': sha256Digest(manifest), 'content-length': '99999999', 'content-type': 'x/y' });
      response.end();
    }, { manifestBytes: 1024 });
    await rejectsWith(big.manifestDescriptor('app', 'v1'), 'metadata-too-large');
    const endless = await registry((_, response) => response.end(Buffer.alloc(4096, ' ')), { manifestBytes: 1024 });
    await rejectsWith(endless.fetchManifest('app', 'v1'), 'metadata-too-large');
  });

  /** A registry answering every manifest request 404 with this errcode (distribution's JSON; none: an empty body). */
  const missing = (code?: string) =>
    registry((_, response) => response.writeHead(404, { 'content-type': 'application/json' }).end(code === undefined ? '' : JSON.stringify({ errors: [{ code, message: 'unknown' }] })));

  it('says a missing tag is missing instead of failing', async () => {
    const client = await missing('MANIFEST_UNKNOWN');
    assert.equal(await client.manifestDescriptor('app', 'gone'), undefined);
    assert.equal(await client.fetchManifest('app', 'gone'), undefined);
  });

  it('says a missing repository is missing, not that each of its tags is', async () => {
    const client = await missing('NAME_UNKNOWN');
    await rejectsWith(client.manifestDescriptor('typo', 'v1'), 'repository-not-found', /typo does not exist in the registry/);
  });

  it('does not call a tag missing on a 404 no registry error explains (a proxy, a wrong address)', async () => {
    const client = await missing();
    await rejectsWith(client.manifestDescriptor('app', 'v1'), 'http-status', /without a registry error/);
  });
});
