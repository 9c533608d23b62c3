// The `countersign` command line: parse, find the command, run it over the core, map errors to a
// one-line message and an exit code (0 ok, 1 failed, 2 usage).
import { printError } from './outcome';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { STOP_EXIT_CODES, stopOf, stoppedLine } from './stop-signals';
import { LOGIN_KEYCHAIN_SERVICE, NOTARY_AUTH_ENV } from '../core/connect/constants';
import { PASSPHRASE_ENV, ROLE_PASSPHRASE_ENV } from '../core/keys/passphrase';
import { commandWords, GLOBAL_OPTIONS, parseArgs, UsageError, type OptionSpec } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';
import type { Output } from './context';
import { visibleOutput } from './visible-output';

export interface Io {
  out: Output;
  err: Output;
  env: NodeJS.ProcessEnv;
  /** What --password-stdin reads; default the process's stdin. */
  readPassword?: () => Promise<string>;
  /** Aborted by SIGTERM / SIGINT (stop-signals.ts); the run then ends with 143 / 130. */
  signal?: AbortSignal;
  /** Told the name of the command about to run ("inspect", "key generate"); the launcher's code cache is per command. */
  onCommand?: (name: string) => void;
}

export async function runCli(argv: readonly string[], rawIo: Io, commands: readonly Command[] = COMMANDS): Promise<number> {
  // Escaping at the sink: whatever a command prints (names from servers and key files included),
  // control characters reach the terminal only as visible \uXXXX, never as ESC sequences.
  const io: Io = { ...rawIo, out: visibleOutput(rawIo.out), err: visibleOutput(rawIo.err) };
  const command = findCommand(argv, commands);
  const specs: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) };
  let args;
  try {
    args = parseArgs(argv, specs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err.write(`countersign: ${error.message}\n${command ? usageLine(command) : 'Run countersign --help for usage.'}\n`);
    return 2;
  }
  if (!command) {
    const unknown = args.positionals[0];
    if (unknown && !args.options['help']) {
      io.err.write(`countersign: unknown command "${unknown}"\nRun countersign --help for usage.\n`);
      return 2;
    }
    io.out.write(generalHelp(commands));
    return unknown || args.options['help'] ? 0 : 2;
  }
  if (args.options['help']) {
    io.out.write(commandHelp(command));
    return 0;
  }
  args.positionals = args.positionals.slice(command.name.split(' ').length);
  rawIo.onCommand?.(command.name);
  // The context brings the HTTP, registry and notary clients: loaded only for a command that runs.
  const { createContext } = await import('./context');
  const context = createContext(args, io);
  let code: number;
  let failure: ErrorInfo | undefined;
  try {
    code = await command.run(context, args);
  } catch (error) {
    failure = toErrorInfo(error);
    code = 1;
  } finally {
    context.close();
  }
  const stop = stopOf(io.signal);
  // A cancellation the stop caused is said once, in the stopped line.
  if (failure !== undefined && !(stop !== undefined && failure.code === 'cancelled')) printError(context, failure);
  if (stop === undefined) return code;
  io.err.write(stoppedLine(stop, failure === undefined ? { code } : { code, failure }));
  return STOP_EXIT_CODES[stop.signal];
}

/** The command whose words come first among the positionals (options may sit anywhere). */
function findCommand(argv: readonly string[], commands: readonly Command[]): Command | undefined {
  const words = commandWords(argv);
  const matches = commands.filter((c) => {
    const parts = c.name.split(' ');
    return parts.every((part, i) => words[i] === part);
  });
  return matches.sort((a, b) => b.name.length - a.name.length)[0];
}

function usageLine(command: Command): string {
  return `Usage: countersign ${command.name} ${command.usage} [options]`;
}

function optionLines(specs: Record<string, OptionSpec>): string {
  return Object.entries(specs)
    .map(([name, spec]) => {
      const left = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value}`;
      return `  ${left.padEnd(24)}${spec.description}\n`;
    })
    .join('');
}

function generalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Countersign: keys and trust for Docker Content Trust (Notary v1 / TUF).\n\n',
    'Usage: countersign [global options] COMMAND [arguments] [options]\n\n',
    'Commands:\n',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}\n`),
    '\nGlobal options (before or after the command):\n',
    optionLines(GLOBAL_OPTIONS),
    PLANS_HELP,
    SIGNING_IN_HELP,
    PASSPHRASES_HELP,
    '\nRun countersign COMMAND --help for a command\'s options.\n',
  ].join('');
}

const PLANS_HELP = [
  '\nPlans (the app\'s review before the last click): init, sign, revoke, signer add and witness take --plan.\n',
  '  It prints the roles that get a new version, the key that signs each and whether it is in the keychain,\n',
  '  offline, missing or on the server, changes staged earlier, and what blocks the job with its fix.\n',
  '  Nothing is signed, staged or sent; exit 0 when the job is ready, 1 when it is blocked (--json: the plan).\n',
].join('');

const SIGNING_IN_HELP = [
  '\nSigning in (the first that has a sign-in for the server wins):\n',
  "  1. docker's config ($DOCKER_CONFIG/config.json, else ~/.docker): credHelpers, credsStore, auths and\n",
  '     identity tokens. For a notary server, the entry of the registry host the GUN names, as docker\n',
  '     trust does (docker login REGISTRY is enough), then the notary host\'s own.\n',
  `  2. countersign login SERVER: kept in the OS keychain (service ${LOGIN_KEYCHAIN_SERVICE}), shared with the app.\n`,
  `  3. notary servers: $${NOTARY_AUTH_ENV}, base64 of user:password, as the notary client reads it.\n`,
  '  CAs: --tls-ca, and $DOCKER_CONFIG/tls/<host:port>/*.crt; registries also /etc/docker/certs.d/<host:port>/.\n',
].join('');

const PASSPHRASES_HELP = [
  '\nPassphrases of key files (each variable tried once, then a prompt at a terminal):\n',
  ...Object.entries(ROLE_PASSPHRASE_ENV).map(([group, names]) => `  ${`${group} keys:`.padEnd(18)}${names.map((name) => `$${name}`).join(', ')}\n`),
  `  ${'any key:'.padEnd(18)}$${PASSPHRASE_ENV}\n`,
].join('');

function commandHelp(command: Command): string {
  return `${usageLine(command)}\n\n${command.summary}\n\nOptions:\n${optionLines(command.options ?? {})}\nGlobal options:\n${optionLines(GLOBAL_OPTIONS)}`;
}
