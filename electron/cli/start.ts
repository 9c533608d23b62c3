// The CLI's process: real stdout/stderr/env, the stop signals, and the exit code. The bundle
// (dist/cli/countersign.cjs) exports start() for the launcher (launch.ts); bin.ts calls it when
// the TypeScript sources run directly.
import { runCli } from './main';
import { listenForStop } from './stop-signals';

export interface StartHooks {
  /** Told the command about to run, e.g. so that the launcher knows which code cache it was. */
  onCommand?: (name: string) => void;
}

export function start(hooks: StartHooks = {}): void {
  const write = (stream: NodeJS.WriteStream) => {
    // A reader that went away (`countersign inspect ... | head`) is no reason to stop a command
    // halfway, least of all one that writes to the vault: what it prints from then on is dropped.
    let readerGone = false;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      readerGone = true;
    });
    return { write: (text: string) => void (readerGone || stream.write(text)), isTTY: stream.isTTY };
  };
  const stop = listenForStop(process, (text) => void process.stderr.write(text));
  const io = { out: write(process.stdout), err: write(process.stderr), env: process.env, signal: stop.signal, ...hooks };
  runCli(process.argv.slice(2), io)
    .catch((error: unknown) => {
      process.stderr.write(`countersign: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    })
    .then((code) => {
      stop.dispose();
      exitOnceWritten(code);
    });
}

/**
 * Ends the process once what it printed is out, instead of waiting for the event loop to drain.
 * runCli has awaited everything the command does; what is left are idle keep-alive sockets and the
 * keychain's connection, whose orderly teardown costs a warm `inspect` some 5 ms for nothing the
 * user sees. 'exit' listeners (the launcher's code cache) still run.
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  // A write's callback runs once what was written before it is handed to the OS, or the stream
  // failed (a reader that went away): either way nothing more of it can come out.
  const written = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}
