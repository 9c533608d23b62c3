// `countersign login SERVER` and `logout SERVER`: a sign-in kept in the OS keychain, per server host,
// and shared with the desktop app. The password comes from a hidden prompt or --password-stdin, never
// from an argument (process lists show those to every user of the machine).
import { createInterface } from 'node:readline/promises';
import { CountersignError } from '../../../shared/errors';
import { checkLogin, loginHost, readCaFile } from '../../core/connect';
import { readHidden } from '../../core/keys/terminal-passphrase';
import { flag, stringOption } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { loginSpec, logoutSpec } from './specs';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function askVisible(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await terminal.question(question)).trim();
  } finally {
    terminal.close();
  }
}

async function credentialsFrom(context: CliContext, username: string | undefined, passwordStdin: boolean): Promise<{ username: string; password: string }> {
  const terminal = process.stdin.isTTY === true;
  const read = context.readPassword ?? readStdin;
  if (passwordStdin && username === undefined) throw new CountersignError('invalid-input', '--password-stdin needs --username U');
  const user = username ?? (terminal ? await askVisible('Username: ') : undefined);
  if (user === undefined || user === '') throw new CountersignError('invalid-input', 'login needs --username U and --password-stdin when there is no terminal');
  // Less the line end a shell's echo or a file adds, as docker login --password-stdin does.
  const password = passwordStdin ? (await read()).replace(/\r?\n$/, '') : terminal ? await readHidden({ input: process.stdin, output: process.stderr }, 'Password: ') : undefined;
  if (password === undefined || password === '') throw new CountersignError('invalid-input', 'no password given: pipe it in with --password-stdin, or run login at a terminal');
  return { username: user, password };
}

const loginCommand: Command = {
  ...loginSpec,
  async run(context, args) {
    const [server, ...extra] = args.positionals;
    if (server === undefined || extra.length > 0) throw new CountersignError('invalid-input', 'login takes one SERVER (host:port or https://host:port)');
    const credentials = await credentialsFrom(context, stringOption(args, 'username'), flag(args, 'password-stdin'));
    const caFile = stringOption(args, 'tls-ca');
    await checkLogin(server, credentials, { dockerConfigDir: context.dockerConfigDir, ...(caFile === undefined ? {} : { caPem: readCaFile(caFile) }) });
    const host = loginHost(server);
    await context.logins.set(host, credentials);
    context.out.write(context.json ? `${JSON.stringify({ host, username: credentials.username })}\n` : `Signed in to ${host} as ${credentials.username}; the sign-in is kept in the OS keychain.\n`);
    return 0;
  },
};

const logoutCommand: Command = {
  ...logoutSpec,
  async run(context, args) {
    const [server, ...extra] = args.positionals;
    if (server === undefined || extra.length > 0) throw new CountersignError('invalid-input', 'logout takes one SERVER');
    const host = loginHost(server);
    const removed = await context.logins.delete(host);
    context.out.write(context.json ? `${JSON.stringify({ host, removed })}\n` : removed ? `Signed out of ${host}.\n` : `No sign-in was kept for ${host}.\n`);
    return 0;
  },
};

export const loginCommands: readonly Command[] = [loginCommand, logoutCommand];
