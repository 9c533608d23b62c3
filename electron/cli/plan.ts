// `--plan` on the write commands: the plan the app shows before its last click (core/jobs/plan.ts),
// read by the same core function, printed, and nothing else — no key made, nothing staged or sent.
// Exit 0 when every plan is ready, 1 when one is blocked; the plan says why and what fixes it.
import { CountersignError } from '../../shared/errors';
import { flowRequests, type PlannedJob, type PlannedKey, type PlannedRole, type PlanProblem, type WritePlan } from '../../shared/schemas/flows';
import { visibleInLine } from '../../shared/visible-text';
import { createJobs } from '../core/jobs';
import { flag, type ParsedArgs } from './args';
import type { CliContext } from './context';
import { cliJobEnvironment, cliRepositoryRef } from './job-environment';

export function wantsPlan(args: ParsedArgs): boolean {
  return flag(args, 'plan');
}

/** The plan of `job` on each repository, printed; exit 0 only when all are ready. */
export async function runPlan(cli: CliContext, guns: readonly string[], job: PlannedJob): Promise<number> {
  const checked = checkedJob(job);
  const jobs = createJobs(cliJobEnvironment(cli));
  const plans: WritePlan[] = [];
  for (const gun of guns) plans.push(await jobs.plan.plan(cliRepositoryRef(cli, gun), checked, cli.signal));
  return printPlans(cli, plans);
}

/** The job as the app's request would carry it: the same names and limits (a bad role is a usage error here, not a blocked plan). */
function checkedJob(job: PlannedJob): PlannedJob {
  const parsed = flowRequests.writePlan.shape.job.safeParse(job);
  if (!parsed.success) throw new CountersignError('invalid-input', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'plan'}: ${issue.message}`).join('; '));
  return parsed.data;
}

/**
 * --json: the plan as the core returns it (several repositories: `{ plans: [...] }`); the CLI's
 * output sink shows any control character of a server's or a key label's text as \uXXXX, which JSON
 * reads back as the same string. Text: formatPlan.
 */
export function printPlans(cli: Pick<CliContext, 'json' | 'out'>, plans: readonly WritePlan[]): number {
  if (cli.json) cli.out.write(`${JSON.stringify(plans.length === 1 ? plans[0] : { plans }, null, 2)}\n`);
  else cli.out.write(plans.map(formatPlan).join('\n'));
  return plans.every((plan) => plan.ready) ? 0 : 1;
}

const JOB_WORDS: Record<WritePlan['job'], string> = { sign: 'sign', revoke: 'revoke', delegate: 'add a signer to', expiry: 'witness (renew)', init: 'initialise' };

const PRESENCE_WORDS: Record<PlannedKey['presence'], string> = {
  keychain: 'in the keychain',
  offline: 'offline',
  missing: 'missing (not in this keychain)',
  server: 'held by the server',
  new: 'made by the job',
};

/**
 * One plan for a person: a heading with the verdict, one line per role with its keys and where each
 * is, the changes staged earlier, then each problem with its fix (and the command that does it).
 * Every value that came from a server, the vault or the staging area is shown on its line only.
 */
export function formatPlan(plan: WritePlan): string {
  const v = visibleInLine;
  const lines = [`Plan: ${JOB_WORDS[plan.job]} ${v(plan.gun)} on ${v(plan.server)}: ${plan.ready ? 'ready' : 'blocked'}`];
  if (plan.repository !== 'exists') lines.push(`  The repository is ${plan.repository === 'absent' ? 'not on the server (no trust data)' : 'unreadable: it could not be read or verified'}.`);
  if (plan.roles.length > 0) {
    lines.push('Roles that get a new version:');
    const width = Math.max(...plan.roles.map((role) => v(role.role).length));
    for (const role of plan.roles) lines.push(`  ${v(role.role).padEnd(width)}  ${roleLine(role)}`);
  }
  if (plan.staged.length > 0) {
    lines.push('Staged earlier (sent with it only with --include-staged):');
    for (const change of plan.staged) lines.push(`  ${v(change.id)}  ${v(change.description)}`);
  }
  if (plan.problems.length > 0) {
    lines.push('Blocked:');
    for (const problem of plan.problems) {
      lines.push(`  ${problem.code}${problem.role === undefined ? '' : ` [${v(problem.role)}]`}: ${v(problem.message)}`);
      lines.push(`    Fix: ${v(problem.fix)}`);
      const command = fixCommand(problem, plan);
      if (command !== undefined) lines.push(`    With the CLI: ${command}`);
    }
  } else {
    lines.push('Nothing was signed, staged or sent.');
  }
  return `${lines.join('\n')}\n`;
}

function roleLine(role: PlannedRole): string {
  const who = role.signer === 'server' ? 'signed by the server' : 'signed by you';
  const keys = role.keys.length === 0 ? 'no keys listed' : role.keys.map(keyWords).join(', ');
  return `${who}, ${role.threshold} of ${role.keys.length === 0 ? '0' : role.keys.length} key${role.keys.length === 1 ? '' : 's'}: ${keys}`;
}

function keyWords(key: PlannedKey): string {
  const label = key.label === undefined ? '' : ` "${visibleInLine(key.label)}"`;
  const file = key.offlineFile === undefined ? '' : ` in ${visibleInLine(key.offlineFile)}`;
  return `${visibleInLine(key.shortId)}${label} ${PRESENCE_WORDS[key.presence]}${file}`;
}

/** The app names where each fix is made; the CLI adds the command that makes it. */
function fixCommand(problem: PlanProblem, plan: WritePlan): string | undefined {
  const gun = visibleInLine(plan.gun);
  switch (problem.code) {
    case 'import-key':
      return 'countersign key import FILE|TRUST_DIR';
    case 'bring-key-online':
      return 'countersign key online KEYID';
    case 'add-yourself-as-signer':
      return `countersign key generate NAME, then (by the targets key's holder) countersign signer add NAME ${gun} --key NAME.pub`;
    case 'initialise-repository':
      return `countersign init ${gun}`;
    case 'sign-in':
      return `countersign login ${visibleInLine(plan.server)}`;
    default:
      return undefined;
  }
}
