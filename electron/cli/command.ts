// What a CLI command is. Its spec (name, summary, usage, options) lives in commands/specs.ts, light
// enough for --help; each command module adds run() to its specs; commands/index.ts lists them.
import type { OptionSpec, ParsedArgs } from './args';
import type { CliContext } from './context';

export interface CommandSpec {
  /** "inspect", or a group and verb: "key generate". */
  name: string;
  summary: string;
  /** Arguments after the name, for the usage line: "GUN[:TAG]...". */
  usage: string;
  options?: Record<string, OptionSpec>;
}

export interface Command extends CommandSpec {
  /** Returns the process exit code: 0 success, 1 failure (as docker). */
  run(context: CliContext, args: ParsedArgs): Promise<number>;
}

/**
 * Commands whose module is imported only when one of them runs: `specs` say what help prints, and
 * `load` yields the module's commands (matched by name, so a spec without its command fails loudly).
 */
export function lazyCommands(specs: readonly CommandSpec[], load: () => Promise<readonly Command[]>): Command[] {
  return specs.map((spec) => ({
    ...spec,
    async run(context, args) {
      const command = (await load()).find((c) => c.name === spec.name);
      if (!command) throw new Error(`the module of "${spec.name}" does not define it`);
      return command.run(context, args);
    },
  }));
}
