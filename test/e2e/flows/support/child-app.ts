// Starts and kills child-host.ts processes on one home dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHOOSE_PATH } from '../../host/chooser';

const CHILD_HOST = join(dirname(fileURLToPath(import.meta.url)), 'child-host.ts');

export interface ChildHost {
  url: string;
  /** Answers the next file dialog with `path`, as the user picking it (test/e2e/host/chooser.ts). */
  choose(path: string): Promise<void>;
  /** SIGKILL: no cleanup, no last write — like a crash or a killed app. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChildHost(options: { homeDir: string; rendererDir: string; dockerConfigDir: string }): Promise<ChildHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_HOST], {
    env: { ...process.env, COUNTERSIGN_HOME: options.homeDir, COUNTERSIGN_RENDERER_DIR: options.rendererDir, DOCKER_CONFIG: options.dockerConfigDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the child host exited (${code}) before it printed its URL`)));
  });
  const exited = (process: ChildProcess) => new Promise<void>((resolve) => (process.exitCode !== null || process.signalCode !== null ? resolve() : process.once('exit', () => resolve())));
  return {
    url,
    choose: async (path) => {
      // From Node, with no Origin header: the page itself cannot answer its own dialogs.
      const response = await fetch(new URL(CHOOSE_PATH, url), { method: 'POST', body: path });
      if (response.status !== 204) throw new Error(`the child host did not take the answer (${response.status})`);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
