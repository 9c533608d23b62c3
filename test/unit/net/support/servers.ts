// Real local HTTP(S) servers for the network tests, each stopped by the test that started it.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from './tls-fixture';

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

export interface RunningServer {
  /** e.g. https://127.0.0.1:41234 */
  origin: string;
  port: number;
  /** TCP connections accepted so far: tells connection reuse apart from a new handshake per request. */
  connections(): number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler, tls?: KeyPair, host = '127.0.0.1'): Promise<RunningServer> {
  const server = tls === undefined ? http.createServer(handler) : https.createServer({ key: tls.key, cert: tls.cert }, handler);
  let connections = 0;
  server.on(tls === undefined ? 'connection' : 'secureConnection', () => {
    connections += 1;
  });
  // A failed handshake is what some tests are about; the server must survive it quietly.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = tls === undefined ? 'http' : 'https';
  return {
    origin: `${scheme}://${host}:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
