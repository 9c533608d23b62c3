import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { SecureContext } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAgents, destroyAgents, secureContextTrusting } from '../../../electron/core/net/agents';
import { startServer, type RunningServer } from './support/servers';
import { makeTlsFixture, type TlsFixture } from './support/tls-fixture';

const AGENTS_MODULE = join(import.meta.dirname, '..', '..', '..', 'electron', 'core', 'net', 'agents.ts');

/** Whether a TLS handshake with `server` succeeds under these options. */
function handshake(server: RunningServer, options: { secureContext?: SecureContext }): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(`${server.origin}/`, { ...options, agent: false }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
  });
}

describe('a private CA', () => {
  let tls: TlsFixture;
  let privateServer: RunningServer;
  before(async () => {
    tls = makeTlsFixture();
    privateServer = await startServer((_, response) => response.end('ok'), tls.good);
  });
  after(async () => {
    await privateServer.close();
    tls.dispose();
  });

  it('is trusted by the context made for it', async () => {
    assert.equal(await handshake(privateServer, { secureContext: secureContextTrusting(tls.caCert) }), true);
  });

  it("is trusted by that context only: not by Node's defaults afterwards, nor by another context", async () => {
    secureContextTrusting(tls.caCert);
    assert.equal(await handshake(privateServer, {}), false);
    assert.equal(await handshake(privateServer, { secureContext: secureContextTrusting(tls.untrusted.cert) }), false);
  });

  it('does not make the context trust a server of another CA', async () => {
    const other = await startServer((_, response) => response.end('ok'), tls.untrusted);
    try {
      assert.equal(await handshake(other, { secureContext: secureContextTrusting(tls.caCert) }), false);
    } finally {
      await other.close();
    }
  });

  it('is trusted on top of the roots Node trusts, not instead of them', async () => {
    // Node's `ca` option replaces its built-in roots, which would break every public registry. A child
    // whose root store is OpenSSL's (--use-openssl-ca), here holding only the other CA, must still
    // reach that CA's server through a context made for our private CA.
    const other = await startServer((_, response) => response.end('ok'), tls.untrusted);
    const dir = mkdtempSync(join(tmpdir(), 'countersign-roots-'));
    try {
      writeFileSync(join(dir, 'extra.pem'), tls.untrustedCaCert);
      writeFileSync(join(dir, 'private.pem'), tls.caCert);
      const script = [
        `import https from 'node:https';`,
        `import { readFileSync } from 'node:fs';`,
        `import { secureContextTrusting } from ${JSON.stringify(AGENTS_MODULE)};`,
        `const secureContext = secureContextTrusting(readFileSync(${JSON.stringify(join(dir, 'private.pem'))}, 'utf8'));`,
        `https.get(${JSON.stringify(`${other.origin}/`)}, { secureContext, agent: false }, (r) => { r.resume(); process.exit(0); }).on('error', () => process.exit(1));`,
      ].join('\n');
      const child = spawn(process.execPath, ['--use-openssl-ca', '--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, SSL_CERT_FILE: join(dir, 'extra.pem'), SSL_CERT_DIR: dir },
        stdio: 'ignore',
      });
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('connection pools', () => {

  it('build the TLS context once for a private CA, and leave Node\'s defaults alone without one', () => {
    const withCa = createAgents({ ca: '' });
    const without = createAgents({});
    assert.notEqual(withCa.https.options.secureContext, undefined);
    assert.equal(without.https.options.secureContext, undefined);
    destroyAgents(withCa);
    destroyAgents(without);
  });

  it('keep connections alive with a bounded number of sockets per host', () => {
    const agents = createAgents({ maxSockets: 4 });
    assert.equal(agents.https.maxSockets, 4);
    assert.equal(agents.http.maxSockets, 4);
    assert.equal(agents.https.options.keepAlive, true);
    destroyAgents(agents);
  });
});
