// Process entry of the CLI: real stdout/stderr/env, the stop signals, and the exit code.
import { runCli } from './main';
import { listenForStop } from './stop-signals';

const write = (stream: NodeJS.WriteStream) => ({ write: (text: string) => void stream.write(text), isTTY: stream.isTTY });

const stop = listenForStop(process, (text) => void process.stderr.write(text));
runCli(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env, signal: stop.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`countersign: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
).finally(() => stop.dispose());
