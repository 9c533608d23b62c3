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

/** Setting `ca` replaces Node's roots, so a private CA is trusted on top of them rather than instead. */
export function trustedRoots(ca: string | Buffer): Array<string | Buffer> {
  return [...tls.rootCertificates, ca];
}

export function createAgents(options: { ca?: string | Buffer; maxSockets?: number }): Agents {
  const pool = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  // Built once: with a plain `ca` option every new connection would parse ~150 root certificates again.
  const secureContext = options.ca === undefined ? undefined : tls.createSecureContext({ ca: trustedRoots(options.ca) });
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
