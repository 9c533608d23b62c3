// What notary-server and the registry have in common: a temp dir for config and data, a TLS
// certificate from the test CA, a fresh loopback port (retried if taken meanwhile), a readiness poll
// over HTTPS, and a stop that kills the process and removes the dir.
import { join } from 'node:path';
import { makeTestCa, type TestCa } from './ca';
import { httpsRequest } from './https';
import { makeTempDir, removeTempDir, startOnFreePort, startServerProcess, type ServerProcess } from './process';

export interface TlsServerSpec {
  /** Names the process in errors and the temp dir: "notary-server", "registry". */
  name: string;
  command: string;
  /** Default: a fresh CA inside the server's dir. */
  ca?: TestCa;
  /** Writes whatever config the server needs for this port into dir; returns its arguments. */
  configure(port: number, ca: TestCa, dir: string): Promise<readonly string[]>;
  /** Polled until it answers 200. */
  healthPath: string;
  readyTimeoutMs?: number;
}

export interface TlsServer {
  dir: string;
  port: number;
  /** "https://localhost:PORT". */
  url: string;
  ca: TestCa;
  process: ServerProcess;
  /** Kills the process and removes dir; safe to call twice. */
  stop(): Promise<void>;
}

export async function startTlsServer(spec: TlsServerSpec): Promise<TlsServer> {
  const dir = makeTempDir(spec.name);
  try {
    const ca = spec.ca ?? (await makeTestCa(join(dir, 'ca')));
    return await startOnFreePort(async (port) => {
      const url = `https://localhost:${port}`;
      const started = await startServerProcess({
        name: spec.name,
        command: spec.command,
        args: await spec.configure(port, ca, dir),
        cwd: dir,
        isReady: async () => (await httpsRequest(`${url}${spec.healthPath}`, { ca: ca.caPem, timeoutMs: 1_000 })).status === 200,
        readyTimeoutMs: spec.readyTimeoutMs,
      });
      let stopped = false;
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        await started.stop();
        await removeTempDir(dir);
      };
      return { dir, port, url, ca, process: started, stop };
    });
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}
