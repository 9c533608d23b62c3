// A small argument parser with the one property users of docker and git expect: global options may
// stand before or after the command. Command options are declared by each command.

export type OptionSpec = { type: 'boolean'; description: string } | { type: 'string' | 'strings'; description: string; value: string };

export interface ParsedArgs {
  positionals: string[];
  /** boolean options -> true; string -> last value; strings -> every value. */
  options: Record<string, boolean | string | string[]>;
}

export class UsageError extends Error {}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', value: 'URL', description: 'notary server (default: $DOCKER_CONTENT_TRUST_SERVER, else https://<registry host>)' },
  'tls-ca': { type: 'string', value: 'FILE', description: 'CA bundle for the server, beside ~/.docker/tls/<host:port>/*.crt' },
  home: { type: 'string', value: 'DIR', description: "Countersign's state (default: $COUNTERSIGN_HOME, else the app's data dir)" },
  json: { type: 'boolean', description: 'machine-readable output' },
  help: { type: 'boolean', description: 'show help' },
};

const SHORT: Record<string, string> = { h: 'help' };

export function parseArgs(argv: readonly string[], specs: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [rawName, inlineValue] = splitOnce(arg.replace(/^--?/, ''), '=');
    const name = arg.startsWith('--') ? rawName : SHORT[rawName] ?? rawName;
    const spec = specs[name];
    // The name only: the value of a mistyped option may be a password (--pasword=...), and errors get logged.
    if (!spec) throw new UsageError(`unknown option ${arg.startsWith('--') ? '--' : '-'}${rawName}`);
    if (spec.type === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value (${spec.value})`);
    if (spec.type === 'string') options[name] = value;
    else options[name] = [...((options[name] as string[] | undefined) ?? []), value];
  }
  return { positionals, options };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at === -1 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/**
 * The words of argv that can name a command, in order: what is not an option, nor the value of a
 * global option given before the command (`--home DIR inspect`: DIR is no command word).
 */
export function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) words.push(arg);
    else if (!arg.includes('=') && GLOBAL_OPTIONS[arg.replace(/^--?/, '')]?.type === 'string') i++;
  }
  return words;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringsOption(args: ParsedArgs, name: string): string[] {
  const value = args.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
