// Keep-alive connection pools: an audit or a big inspect makes thousands of requests to the same hosts,
// and a fresh TLS handshake for each would dominate the run time.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export const DEFAULT_MAX_SOCKETS = 16;

/** The part of a SecureContext's native handle used here (Node's own `ca` option calls it too). */
interface NativeContext {
  addCACert(pem: string | Buffer): void;
}

/**
 * A TLS context that trusts Node's roots and, on top of them (not instead, as the `ca` option
 * would), a private CA (a PEM bundle). Node's roots come already parsed from its root store and
 * only the private CA is parsed: building the context from [...tls.rootCertificates, ca] parses
 * ~140 PEM roots again, 30 to 90 ms per client. Adding a CA copies Node's shared store first, so the
 * private CA is trusted by this context only.
 */
export function secureContextTrusting(ca: string | Buffer): tls.SecureContext {
  const context = tls.createSecureContext();
  (context.context as NativeContext).addCACert(ca);
  return context;
}

export function createAgents(options: { ca?: string | Buffer; maxSockets?: number }): Agents {
  const pool = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  // Built once: with a plain `ca` option every new connection would parse ~150 root certificates again.
  const secureContext = options.ca === undefined ? undefined : secureContextTrusting(options.ca);
  return {
    http: new http.Agent(pool),
    https: new https.Agent(secureContext === undefined ? pool : { ...pool, secureContext }),
  };
}

export function agentFor(agents: Agents, url: URL): http.Agent {
  return url.protocol === 'https:' ? agents.https : agents.http;
}

export function destroyAgents(agents: Agents): void {
  agents.http.destroy();
  agents.https.destroy();
}
