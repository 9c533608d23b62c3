// Destructive commands ask first. At a terminal the user answers; without one (scripts, CI) the
// command refuses unless the confirming flag was given, and says which flag that is.
import { createInterface } from 'node:readline/promises';
import { CountersignError } from '../../shared/errors';
import { flag, type ParsedArgs } from './args';

export async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

/** Goes on when `--<flagName>` was given or the user answers yes; else throws confirmation-required. */
export async function requireConfirmation(
  args: ParsedArgs,
  flagName: 'yes' | 'force',
  question: string,
  refusal: string,
  options: { role?: string } = {},
): Promise<void> {
  if (flag(args, flagName) || (await confirmOnTerminal(`${question} (yes/no) `))) return;
  throw new CountersignError('confirmation-required', `${refusal}; confirm with --${flagName}`, options);
}
