import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { describe, it } from 'node:test';
import { createAgents, destroyAgents, trustedRoots } from '../../../electron/core/net/agents';

describe('connection pools', () => {
  it('trust a private CA in addition to the public roots, not instead of them', () => {
    // Node replaces its built-in roots when `ca` is set, which would break every public registry.
    const trusted = trustedRoots('PRIVATE CA PEM');
    assert.ok(trusted.includes('PRIVATE CA PEM'));
    assert.ok(rootCertificates.every((root) => trusted.includes(root)));
  });

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
