import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { describe, it } from 'node:test';
import { createAgents, destroyAgents } from '../../../electron/core/net/agents';

describe('connection pools', () => {
  it('trust a private CA in addition to the public roots, not instead of them', () => {
    // Node replaces its built-in roots when `ca` is set, which would break every public registry.
    const agents = createAgents({ ca: 'PRIVATE CA PEM' });
    const trusted = agents.https.options.ca;
    assert.ok(Array.isArray(trusted));
    assert.ok(trusted.includes('PRIVATE CA PEM'));
    assert.ok(rootCertificates.every((root) => trusted.includes(root)));
    destroyAgents(agents);
  });

  it("leave Node's roots alone when no private CA is given", () => {
    const agents = createAgents({});
    assert.equal(agents.https.options.ca, undefined);
    destroyAgents(agents);
  });

  it('keep connections alive with a bounded number of sockets per host', () => {
    const agents = createAgents({ maxSockets: 4 });
    assert.equal(agents.https.maxSockets, 4);
    assert.equal(agents.http.maxSockets, 4);
    assert.equal(agents.https.options.keepAlive, true);
    destroyAgents(agents);
  });
});
