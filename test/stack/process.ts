// Running the real tools and servers the stack is made of: one-shot commands with captured output,
// long-running servers with a readiness poll, and temp directories that cannot outlive the test
// process even when a test forgets to clean up (a leaked notary-server keeps a port and a CPU busy).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The exit status; -1 when the process was killed by a signal. */
  code: number;
}

export interface RunOptions {
  /** The complete environment of the child (see toolEnv). Defaults to toolEnv({}). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer;
  cwd?: string;
  /** Kills the child and rejects after this long. */
  timeoutMs?: number;
}

export class CommandFailedError extends Error {
  readonly result: CommandResult;
  readonly command: string;

  constructor(command: string, result: CommandResult) {
    super(
      `${command} exited with ${result.code}\n--- stderr ---\n${result.stderr.trim()}\n--- stdout ---\n${result.stdout.trim()}`,
    );
    this.name = 'CommandFailedError';
    this.command = command;
    this.result = result;
  }
}

const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/**
 * The environment for a notary or docker child: ours, minus every variable that would make the tool
 * use the developer's own trust data, servers or passphrases, plus the given overrides.
 */
export function toolEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(NOTARY_|DOCKER_CONTENT_TRUST|DOCKER_CONFIG$|DOCKER_HOST$)/.test(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs a program (no shell) to completion and reports its output, whatever its exit status. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? toolEnv({}),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${describeCommand(file, args)} did not finish within ${timeoutMs} ms\n--- stderr ---\n${Buffer.concat(stderr).toString()}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), code: code ?? -1 });
    });
    // A tool that exits before reading its input makes this write fail with EPIPE; its exit status
    // tells the real story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the tool's stderr. */
export async function runCommandOk(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) throw new CommandFailedError(describeCommand(file, args), result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Temp directories and children that die with the test process.

const liveTempDirs = new Set<string>();
const liveChildren = new Set<ChildProcess>();

function cleanUpNow(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
}

process.once('exit', cleanUpNow);
// 'exit' does not run when a signal ends the process (a test runner's timeout sends SIGTERM), and
// the servers would outlive it. Clean up, then let the signal take its course: re-raise it unless
// someone else handles it (their handler decides how the process ends, and 'exit' follows).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    cleanUpNow();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** A fresh directory under the system temp dir, removed by removeTempDir or at process exit. */
export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `countersign-${label}-`));
  liveTempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  liveTempDirs.delete(dir);
  // Retried: a client process that is still exiting (one of several cancelled together) can add a
  // file while the folder is emptied, and ENOTEMPTY would then hide the error that stopped them.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/**
 * A port that was free a moment ago. Another process may take it before the server binds it;
 * startServerProcess callers retry on "address already in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not learn the port of a probe socket'));
      });
    });
  });
}

export interface ServerProcessSpec {
  /** For messages: "notary-server", "docker-registry". */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the server answers as ready; called repeatedly until then. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  readonly pid: number;
  /** Everything the server wrote to stderr and stdout so far (servers log to either). */
  log(): string;
  /** Terminates the server (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

export class ServerStartError extends Error {
  readonly log: string;
  constructor(message: string, log: string) {
    super(`${message}\n--- server output ---\n${log.trim()}`);
    this.name = 'ServerStartError';
    this.log = log;
  }
}

const READY_POLL_MS = 50;
const STOP_GRACE_MS = 3_000;

/** Starts a server and waits until isReady says so, or fails with the server's own output. */
export async function startServerProcess(spec: ServerProcessSpec): Promise<ServerProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? toolEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const stop = async (): Promise<void> => {
    // A child that never spawned (ENOENT) has no pid and never emits 'exit'.
    if (exited || child.pid === undefined) {
      liveChildren.delete(child);
      return;
    }
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(killer);
  };

  const timeoutMs = spec.readyTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined) {
      await stop();
      throw new ServerStartError(`${spec.name} could not be started: ${spawnError.message}`, output);
    }
    if (exited) {
      throw new ServerStartError(`${spec.name} exited with ${String(child.exitCode ?? child.signalCode)} before it was ready`, output);
    }
    if (await spec.isReady().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ServerStartError(`${spec.name} was not ready within ${timeoutMs} ms`, output);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }

  return {
    pid: child.pid ?? -1,
    log: () => output,
    stop,
  };
}

/** Starts a server on a fresh port, retrying when another process grabbed the port meanwhile. */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      const portTaken = error instanceof ServerStartError && /address already in use/i.test(error.log);
      if (!portTaken || attempt >= attempts) throw error;
    }
  }
}
