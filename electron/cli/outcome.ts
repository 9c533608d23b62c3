// Printing what a job found on the server, for people (one paragraph per repository) or --json, and
// the exit status that follows from it: 0 only when every repository ended as asked.
import type { ErrorInfo } from '../../shared/errors';
import type { FlowSummary, RepositoryOutcome } from '../../shared/schemas/flows';
import type { CliContext } from './context';
import { terminalSafe } from './table';

const SUCCESS = new Set<RepositoryOutcome['status']>(['published', 'unchanged', 'staged']);

/** An error, as every command prints one: `countersign: CODE [ROLE]: message`, or JSON on stderr. */
export function printError(cli: Pick<CliContext, 'json' | 'err'>, info: ErrorInfo): void {
  if (cli.json) cli.err.write(`${JSON.stringify({ error: info })}\n`);
  else cli.err.write(`countersign: ${errorText(info)}\n`);
}

/** Refused before anything was sent or staged: a plain error, like any command's. */
function refusedUpFront(outcome: RepositoryOutcome): outcome is RepositoryOutcome & { error: ErrorInfo } {
  return outcome.status === 'failed' && outcome.error !== undefined && outcome.checkedAt === undefined && outcome.stillStaged.length === 0 && outcome.attempts === undefined;
}

export function printSummary(cli: CliContext, summary: FlowSummary, extra: object = {}): number {
  const single = summary.outcomes.length === 1 ? summary.outcomes[0] : undefined;
  if (single !== undefined && refusedUpFront(single)) {
    for (const note of single.notes) cli.err.write(`Note: ${terminalSafe(note)}\n`);
    printError(cli, single.error);
    return 1;
  }
  if (cli.json) {
    // One repository: its outcome itself (as the commands of one repository always printed it).
    const only = summary.outcomes.length === 1 ? summary.outcomes[0] : undefined;
    const document = only === undefined ? { ...summary, ...extra } : { ...only, published: only.status === 'published', ...(summary.cancelled ? { cancelled: true } : {}), ...extra };
    cli.out.write(`${JSON.stringify(document, null, 2)}\n`);
    // People reading a script's log still see the notes.
    for (const outcome of summary.outcomes) for (const note of outcome.notes) cli.err.write(`Note: ${outcome.gun}: ${terminalSafe(note)}\n`);
  } else {
    for (const outcome of summary.outcomes) printOutcome(cli, outcome);
  }
  // An outcome with an error did not end as asked, even when part of it is published (a job stopped after its first publish).
  return summary.outcomes.every((outcome) => SUCCESS.has(outcome.status) && outcome.error === undefined) && summary.cancelled !== true ? 0 : 1;
}

function errorText(info: ErrorInfo): string {
  return `${info.code}${info.role ? ` [${info.role}]` : ''}: ${terminalSafe(info.message)}`;
}

function printOutcome(cli: CliContext, outcome: RepositoryOutcome): void {
  const lines = (items: readonly string[]) => items.map((item) => `  ${terminalSafe(item)}\n`).join('');
  const versions = Object.entries(outcome.versions).map(([role, version]) => `${role} v${version}`);
  const server = outcome.serverSigned.length > 0 ? ` (${outcome.serverSigned.join(' and ')} signed by the server)` : '';
  const out = cli.out;
  switch (outcome.status) {
    case 'published':
      out.write(`Published ${outcome.gun}: ${versions.join(', ')}${server}\n${lines(outcome.changes)}`);
      if (outcome.error !== undefined && outcome.error.code !== 'cancelled') cli.err.write(`Then stopped: ${errorText(outcome.error)}\n`);
      break;
    case 'unchanged':
      out.write(outcome.changes.length === 0 ? `Nothing is staged for ${outcome.gun}; nothing was sent.\n` : `Already in ${outcome.gun} on the server; dropped the staged changes:\n${lines(outcome.changes)}`);
      break;
    case 'staged':
      out.write(`${outcome.stillStaged.map((change) => `Staged: ${terminalSafe(change)}\n`).join('')}Publish with: countersign publish ${outcome.gun}\n`);
      break;
    default: {
      const what = { failed: 'Not published', cancelled: 'Cancelled', unknown: 'Unknown whether published' }[outcome.status];
      const error = outcome.error === undefined ? '' : `: ${errorText(outcome.error)}`;
      cli.err.write(`${what}: ${outcome.gun}${error}\n`);
      if (outcome.stillStaged.length > 0) {
        const where = outcome.status === 'unknown' ? 'the server may have it: the next publish finds out' : 'not on the server';
        cli.err.write(`Stays staged (${where}); publish later with countersign publish ${outcome.gun}, or drop with countersign reset ${outcome.gun}:\n${lines(outcome.stillStaged)}`);
      }
    }
  }
  // Notes go to stderr: stdout stays what was published.
  for (const note of outcome.notes) cli.err.write(`Note: ${terminalSafe(note)}\n`);
}
