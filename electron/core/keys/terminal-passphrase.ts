// Passphrases typed on a terminal, without echo, for the CLI. New passphrases are asked twice.
// Without a terminal it has nothing to offer (the vault then reports passphrase-required), so
// scripts use COUNTERSIGN_PASSPHRASE instead of hanging on a prompt nobody sees.
import { CountersignError } from '../../../shared/errors';
import type { PassphraseProvider, PassphraseRequest } from './passphrase';

export interface Terminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

const MAX_CONFIRM_TRIES = 3;

export function terminalPassphraseProvider(terminal: Terminal = { input: process.stdin, output: process.stderr }): PassphraseProvider {
  return {
    async passphrase(request) {
      if (!terminal.input.isTTY) return undefined;
      if (request.kind === 'unlock') {
        if (request.attempt > 1) terminal.output.write('Wrong passphrase, try again.\n');
        return readHidden(terminal, `Enter passphrase for ${describe(request)}: `);
      }
      for (let i = 0; i < MAX_CONFIRM_TRIES; i++) {
        const first = await readHidden(terminal, `Enter a passphrase to encrypt ${describe(request)}: `);
        if (first === '') {
          terminal.output.write('The passphrase cannot be empty.\n');
          continue;
        }
        if ((await readHidden(terminal, 'Repeat the passphrase: ')) === first) return first;
        terminal.output.write('The passphrases do not match.\n');
      }
      throw new CountersignError('passphrase-required', 'No passphrase was chosen.');
    },
  };
}

function describe(request: PassphraseRequest): string {
  const what = request.role === undefined ? 'the key' : `the ${request.role} key`;
  const id = request.keyId === undefined ? '' : ` ${request.keyId.slice(0, 12)}`;
  const file = request.file === undefined ? '' : ` (${request.file})`;
  return `${what}${id}${file}`;
}

/** One line from the terminal with echo off; Ctrl-C or Ctrl-D cancel. */
export function readHidden(terminal: Terminal, prompt: string): Promise<string> {
  const { input, output } = terminal;
  output.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    const finish = (result: () => void) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      result();
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003' || char === '\u0004') return finish(() => reject(new CountersignError('cancelled', 'Cancelled at the passphrase prompt.')));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
