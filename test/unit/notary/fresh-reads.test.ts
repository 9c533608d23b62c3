// What the notary client asks a cache between it and the server: a file by its current name changes
// with every publish and must be asked of the server again; a file by its hash never changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../../electron/core/net/http';
import { NotaryClient } from '../../../electron/core/notary/notary-client';
import { startServer, type RunningServer } from '../net/support/servers';
import { makeTlsFixture, type TlsFixture } from '../net/support/tls-fixture';

describe('reading metadata through a cache', () => {
  let tls: TlsFixture;
  let server: RunningServer;
  let http: HttpClient;
  const asked = new Map<string, string | undefined>();
  before(async () => {
    tls = makeTlsFixture();
    server = await startServer((request, response) => {
      asked.set(request.url ?? '', request.headers['cache-control']);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, tls.good);
    http = new HttpClient({ ca: tls.caCert });
  });
  after(async () => {
    http.close();
    await server.close();
    tls.dispose();
  });

  it('asks for timestamp, root, snapshot and targets by name with no-cache, and for files by hash or version without', async () => {
    const fetcher = new NotaryClient(server.origin, http).fetcher('example.com/team/app');
    const hash = 'ab'.repeat(32);
    for (const name of ['timestamp.json', 'root.json', 'targets/releases.json', `targets.${hash}.json`, `targets/releases.${hash}.json`, '2.root.json']) await fetcher.fetch(name, 1024);
    const prefix = '/v2/example.com/team/app/_trust/tuf/';
    assert.deepEqual(Object.fromEntries([...asked].map(([url, value]) => [url.slice(prefix.length), value])), {
      'timestamp.json': 'no-cache',
      'root.json': 'no-cache',
      'targets/releases.json': 'no-cache',
      [`targets.${hash}.json`]: undefined,
      [`targets/releases.${hash}.json`]: undefined,
      '2.root.json': undefined,
    });
  });
});
