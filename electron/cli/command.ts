// What a CLI command is. Each command module exports one or more of these; main.ts lists them.
import type { OptionSpec, ParsedArgs } from './args';
import type { CliContext } from './context';

export interface Command {
  /** "inspect", or a group and verb: "key generate". */
  name: string;
  summary: string;
  /** Arguments after the name, for the usage line: "GUN[:TAG]...". */
  usage: string;
  options?: Record<string, OptionSpec>;
  /** Returns the process exit code: 0 success, 1 failure (as docker). */
  run(context: CliContext, args: ParsedArgs): Promise<number>;
}
