// Process entry of the CLI: real stdout/stderr/env, and the exit code.
import { runCli } from './main';

const write = (stream: NodeJS.WriteStream) => ({ write: (text: string) => void stream.write(text), isTTY: stream.isTTY });

runCli(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`countersign: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
