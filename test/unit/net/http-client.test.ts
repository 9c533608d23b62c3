import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failedAfterSending, HttpClient } from '../../../electron/core/net/http';
import { rejectsWith } from './support/assertions';
import { startServer, type RunningServer } from './support/servers';
import { makeTlsFixture, type TlsFixture } from './support/tls-fixture';

const KiB = 1024;
let tls: TlsFixture;
const running: RunningServer[] = [];
const clients: HttpClient[] = [];

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const made = new HttpClient({ ca: tls.caCert, ...options });
  clients.push(made);
  return made;
}

async function serve(...args: Parameters<typeof startServer>): Promise<RunningServer> {
  const server = await startServer(...args);
  running.push(server);
  return server;
}

/** A server whose answer (of `status`) never ends, counting the bytes it managed to write. */
async function endlessServer(status = 200): Promise<{ server: RunningServer; written: () => number }> {
  let written = 0;
  const server = await serve((_, response) => {
    response.writeHead(status);
    const chunk = Buffer.alloc(64 * KiB, 'z');
    const pump = (): void => {
      while (!response.destroyed && response.write(chunk)) written += chunk.length;
      if (!response.destroyed) response.once('drain', pump);
    };
    response.on('close', () => response.removeAllListeners('drain'));
    pump();
  }, tls.good);
  return { server, written: () => written };
}

before(() => {
  tls = makeTlsFixture();
});

after(async () => {
  for (const made of clients) made.close();
  await Promise.all(running.map((server) => server.close()));
  tls.dispose();
});

describe('HttpClient over HTTPS with a private CA', () => {
  it('returns status, headers and body of a successful request', async () => {
    const server = await serve((_, response) => {
      response.setHeader('x-answer', '42');
      response.end('hello');
    }, tls.good);
    const response = await client().request(`${server.origin}/hello`, { maxBytes: KiB });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-answer'], '42');
    assert.equal(response.body.toString(), 'hello');
    assert.equal(response.url, `${server.origin}/hello`);
  });

  it('returns error statuses instead of throwing, so callers give 404 their own meaning', async () => {
    const server = await serve((_, response) => response.writeHead(404).end('nope'), tls.good);
    const response = await client().request(`${server.origin}/missing`, { maxBytes: KiB });
    assert.equal(response.status, 404);
    assert.equal(response.body.toString(), 'nope');
  });

  it('sends the method, headers, body and user agent it is given', async () => {
    let seen = '';
    const server = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen = `${request.method} ${request.headers['x-test']} ${request.headers['user-agent']} ${Buffer.concat(chunks).toString()}`;
        response.end();
      });
    }, tls.good);
    await client({ userAgent: 'countersign-test/1' }).request(server.origin, {
      method: 'PUT',
      headers: { 'x-test': 'yes' },
      body: Buffer.from('payload'),
      maxBytes: KiB,
    });
    assert.equal(seen, 'PUT yes countersign-test/1 payload');
  });

  it('reuses one connection for many requests to the same server', async () => {
    const server = await serve((_, response) => response.end('x'), tls.good);
    const http = client();
    for (let i = 0; i < 20; i++) await http.request(`${server.origin}/file/${i}`, { maxBytes: KiB });
    assert.equal(server.connections(), 1);
  });
});

describe('HttpClient refuses TLS it cannot trust, and says why', () => {
  it('names an unknown CA when the server certificate is not from a trusted CA', async () => {
    const server = await serve((_, response) => response.end('x'), tls.untrusted);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'tls-failed', /unknown CA/);
  });

  it('names an unknown CA when no private CA was configured', async () => {
    const server = await serve((_, response) => response.end('x'), tls.good);
    const withoutCa = new HttpClient();
    clients.push(withoutCa);
    await rejectsWith(withoutCa.request(server.origin, { maxBytes: KiB }), 'tls-failed', /unknown CA/);
  });

  it('names a hostname mismatch when the certificate is for another host', async () => {
    const server = await serve((_, response) => response.end('x'), tls.wrongHost);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'tls-failed', /hostname mismatch/);
  });

  it('names an expired certificate', async () => {
    const server = await serve((_, response) => response.end('x'), tls.expired);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'tls-failed', /expired/);
  });
});

describe('HttpClient caps every body', () => {
  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const server = await serve((_, response) => {
      response.setHeader('content-length', String(10 * KiB));
      response.write('x'.repeat(KiB)); // the rest never comes: the client must not wait for it
    }, tls.good);
    const error = await rejectsWith(client().request(`${server.origin}/big.json`, { maxBytes: 2 * KiB }), 'metadata-too-large');
    assert.match(error.message, /big\.json/);
    assert.match(error.message, /2048/);
  });

  it('refuses a chunked body the moment it passes the cap', async () => {
    const server = await serve((_, response) => {
      response.write('x'.repeat(3 * KiB));
      response.end('y'.repeat(3 * KiB));
    }, tls.good);
    await rejectsWith(client().request(server.origin, { maxBytes: 4 * KiB }), 'metadata-too-large');
  });

  it('accepts a body of exactly the cap', async () => {
    const server = await serve((_, response) => response.end('x'.repeat(4 * KiB)), tls.good);
    const response = await client().request(server.origin, { maxBytes: 4 * KiB });
    assert.equal(response.body.length, 4 * KiB);
  });

  it('stops an endless body quickly without buffering it', async () => {
    const endless = await endlessServer();
    const started = Date.now();
    await rejectsWith(client().request(endless.server.origin, { maxBytes: 256 * KiB }), 'metadata-too-large');
    assert.ok(Date.now() - started < 5000);
    assert.ok(endless.written() < 64 * 1024 * KiB, `server managed to write ${endless.written()} bytes`);
  });

  it("judges an error answer by its status, not its size: a proxy's 502 page larger than the file it stands in for", async () => {
    const page = `<html>${'x'.repeat(4 * KiB)}</html>`;
    const server = await serve((_, response) => response.writeHead(502, { 'content-type': 'text/html' }).end(page), tls.good);
    const response = await client().request(`${server.origin}/targets/releases.json`, { maxBytes: 700 });
    assert.equal(response.status, 502);
    assert.equal(response.body.toString(), page);
  });

  it('keeps the first 64 KiB of an endless error answer and reads no more', async () => {
    const endless = await endlessServer(503);
    const response = await client().request(endless.server.origin, { maxBytes: KiB });
    assert.equal(response.status, 503);
    assert.equal(response.body.length, 64 * KiB);
    assert.ok(endless.written() < 64 * 1024 * KiB, `server managed to write ${endless.written()} bytes`);
  });

  it('does not apply the cap to the Content-Length of a HEAD response', async () => {
    const server = await serve((_, response) => {
      response.setHeader('content-length', String(50 * 1024 * KiB));
      response.end();
    }, tls.good);
    const response = await client().request(server.origin, { method: 'HEAD', maxBytes: KiB });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(50 * 1024 * KiB));
  });
});

describe('HttpClient gives up in time and on request', () => {
  it('times out when the server never answers', async () => {
    const server = await serve(() => {}, tls.good);
    await rejectsWith(client({ timeoutMs: 300 }).request(server.origin, { maxBytes: KiB }), 'timeout');
  });

  it('times out a body that trickles in forever below the cap', async () => {
    const server = await serve((_, response) => {
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    }, tls.good);
    await rejectsWith(client({ timeoutMs: 400 }).request(server.origin, { maxBytes: 1024 * KiB }), 'timeout');
  });

  it('stops when the caller aborts', async () => {
    const server = await serve(() => {}, tls.good);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB, signal: controller.signal }), 'cancelled');
  });

  it('does not start a request whose signal is already aborted', async () => {
    const server = await serve((_, response) => response.end(), tls.good);
    await rejectsWith(
      client().request(server.origin, { maxBytes: KiB, signal: AbortSignal.abort() }),
      'cancelled',
    );
    assert.equal(server.connections(), 0);
  });
});

describe('HttpClient reports servers it cannot talk to', () => {
  it('says the server is unreachable when nothing listens', async () => {
    const server = await serve((_, response) => response.end(), tls.good);
    await server.close();
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'server-unreachable', /127\.0\.0\.1/);
  });

  it('says the server is unreachable when it drops the connection mid-body', async () => {
    const server = await serve((_, response) => {
      response.setHeader('content-length', '100');
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 50);
    }, tls.good);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'server-unreachable');
  });

  it('repeats a read once when the server had closed the pooled connection it went out on', async () => {
    const server = await serve((request, response) => {
      // The second request on a connection meets a server that has just given up on it.
      const socket = request.socket as typeof request.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) socket.destroy();
      else response.end('fresh');
    }, tls.good);
    const http = client();
    await http.request(server.origin, { maxBytes: KiB });
    const response = await http.request(server.origin, { maxBytes: KiB });
    assert.equal(response.body.toString(), 'fresh');
    assert.equal(server.connections(), 2);
    await rejectsWith(http.request(server.origin, { method: 'POST', maxBytes: KiB }), 'server-unreachable');
  });

  it('refuses URLs that are not http(s) or that embed credentials', async () => {
    await rejectsWith(client().request('ftp://example.org/x', { maxBytes: KiB }), 'invalid-input');
    await rejectsWith(client().request('https://user:pw@example.org/x', { maxBytes: KiB }), 'invalid-input');
  });
});

describe('HttpClient follows redirects of reads', () => {
  it('follows a redirect and reports the final URL', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/old') response.writeHead(307, { location: '/new' }).end();
      else response.end(`at ${request.url}`);
    }, tls.good);
    const response = await client().request(`${server.origin}/old`, { maxBytes: KiB });
    assert.equal(response.body.toString(), 'at /new');
    assert.equal(response.url, `${server.origin}/new`);
  });

  it('does not carry an Authorization header to another origin', async () => {
    let seen: string | undefined = 'not called';
    const other = await serve((request, response) => {
      seen = request.headers.authorization;
      response.end();
    }, tls.good);
    const server = await serve((_, response) => response.writeHead(302, { location: `${other.origin}/x` }).end(), tls.good);
    await client().request(server.origin, { maxBytes: KiB, headers: { Authorization: 'Bearer secret' } });
    assert.equal(seen, undefined);
  });

  it('refuses a redirect from https to plain http', async () => {
    const plain = await serve((_, response) => response.end());
    const server = await serve((_, response) => response.writeHead(302, { location: `${plain.origin}/x` }).end(), tls.good);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'tls-failed', /non-https/);
  });

  it('stops following an endless redirect loop', async () => {
    const server = await serve((_, response) => response.writeHead(302, { location: '/again' }).end(), tls.good);
    await rejectsWith(client().request(server.origin, { maxBytes: KiB }), 'http-status', /redirected/);
  });
});

describe('a request that ends without an answer', () => {
  /** A server that reads each request to its end and never answers. */
  const silent = () => serve((request) => request.resume(), tls.good);

  it('says when the whole body had gone out first (the server may act on it)', async () => {
    const server = await silent();
    const error = await rejectsWith(client({ timeoutMs: 300 }).request(server.origin, { method: 'POST', body: Buffer.from('files'), maxBytes: KiB }), 'timeout');
    assert.equal(failedAfterSending(error), true);
  });

  it('says so for a cancel too, and never for a request without a body or one that was answered', async () => {
    const server = await silent();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await rejectsWith(client().request(server.origin, { method: 'POST', body: Buffer.from('files'), maxBytes: KiB, signal: controller.signal }), 'cancelled');
    assert.equal(failedAfterSending(cancelled), true);
    const read = await rejectsWith(client({ timeoutMs: 300 }).request(server.origin, { maxBytes: KiB }), 'timeout');
    assert.equal(failedAfterSending(read), false);
    const answered = await serve((_, response) => response.writeHead(200).write('half'), tls.good);
    const cut = await rejectsWith(client({ timeoutMs: 300 }).request(answered.origin, { method: 'POST', body: Buffer.from('files'), maxBytes: KiB }), 'timeout');
    assert.equal(failedAfterSending(cut), false, 'an answer had begun: the server said what it did');
  });
});
