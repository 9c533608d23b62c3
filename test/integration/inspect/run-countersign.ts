// Runs `countersign` for integration tests: in process through runCli (fast, and the same code the
// bin runs), or through the real bin/countersign.cjs as a child process, with captured output.
import { join } from 'node:path';
import { runCli } from '../../../electron/cli/main';
import { runCommand, toolEnv } from '../../stack';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `countersign ARGV...` in this process, with only the given environment (never the developer's). */
export async function countersign(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    out: { write: (text) => void (stdout += text) },
    err: { write: (text) => void (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'countersign.cjs');

/** `node bin/countersign.cjs ARGV...` as a child process, the way a user runs it. */
export function countersignBin(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCommand(process.execPath, [BIN, ...argv], { env: toolEnv({ COUNTERSIGN_HOME: undefined, ...env }), timeoutMs: 60_000 });
}

/** docker's fields of a `countersign inspect --json` entry: everything but Countersign's own key. */
export function dockerFieldsOf(stdout: string): Record<string, unknown>[] {
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) throw new Error(`countersign inspect printed no JSON array: ${stdout}`);
  return parsed.map((entry: unknown) => {
    if (entry === null || typeof entry !== 'object') throw new Error(`not an object: ${JSON.stringify(entry)}`);
    const { Countersign: _extras, ...docker } = entry as Record<string, unknown>;
    return docker;
  });
}
