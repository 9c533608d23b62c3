// The audit's HTTP client asks again when a server is briefly unable to answer, and only then:
// reads only, "try later" statuses and lost connections only, never past a cancel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RetryingHttpClient } from '../../../electron/core/audit';
import { startServer, type RunningServer } from '../net/support/servers';

let server: RunningServer;
/** Per path: how many times it was asked for, and the statuses to answer with in turn (then 200). */
const asked = new Map<string, number>();
const script = new Map<string, number[]>();

before(async () => {
  server = await startServer((request, response) => {
    const path = request.url ?? '/';
    const count = (asked.get(path) ?? 0) + 1;
    asked.set(path, count);
    const status = script.get(path)?.[count - 1] ?? 200;
    response.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
    response.end(`answer ${count}`);
  });
});

after(async () => {
  await server.close();
});

function client(): RetryingHttpClient {
  return new RetryingHttpClient({ retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
}

async function get(path: string, options: { method?: 'GET' | 'POST'; signal?: AbortSignal } = {}) {
  const http = client();
  try {
    return await http.request(`${server.origin}${path}`, { maxBytes: 1024, ...options });
  } finally {
    http.close();
  }
}

describe('retries', () => {
  it('asks again after 503 and 502 and returns the answer that worked', async () => {
    script.set('/flaky', [503, 502]);
    const response = await get('/flaky');
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'answer 3');
  });

  it('honours 429 with Retry-After', async () => {
    script.set('/busy', [429]);
    assert.equal((await get('/busy')).status, 200);
    assert.equal(asked.get('/busy'), 2);
  });

  it('gives up after its attempts and returns the last answer', async () => {
    script.set('/down', [503, 503, 503, 503]);
    assert.equal((await get('/down')).status, 503);
    assert.equal(asked.get('/down'), 3);
  });

  it('does not repeat an answer that will not change: 404, 401, 400', async () => {
    script.set('/missing', [404]);
    assert.equal((await get('/missing')).status, 404);
    assert.equal(asked.get('/missing'), 1);
  });

  it('never repeats a request that changes something (POST)', async () => {
    script.set('/publish', [503]);
    assert.equal((await get('/publish', { method: 'POST' })).status, 503);
    assert.equal(asked.get('/publish'), 1);
  });

  it('asks again when the server cannot be reached, and reports it when it never can', async () => {
    const gone = await startServer(() => undefined);
    const origin = gone.origin;
    await gone.close();
    const http = client();
    try {
      await assert.rejects(http.request(`${origin}/`, { maxBytes: 1024 }), { code: 'server-unreachable' });
    } finally {
      http.close();
    }
  });

  it('stops waiting to retry the moment it is cancelled', async () => {
    script.set('/slow-retry', [503, 503, 503]);
    const http = new RetryingHttpClient({ retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    try {
      await assert.rejects(http.request(`${server.origin}/slow-retry`, { maxBytes: 1024, signal: controller.signal }), { code: 'cancelled' });
    } finally {
      http.close();
    }
    assert.ok(Date.now() - started < 2_000);
  });
});
