// `countersign rotate GUN root|targets|snapshot|timestamp [--server-managed]` (notary key rotate), run
// by the same core job as the app's rotation wizard (electron/core/jobs/rotation.ts): a record on disk
// after every step, so an interrupted rotation resumes (`rotate --resume ID`, or `rotate --pending` to
// list them); the new key is in the keychain (or on the server) before the rotation is staged; a
// fresh client that trusted only the old root must follow the published root; old keys leave the vault
// only after that, and never root keys or keys still in use. --stage only stages it, as before.
import { CountersignError } from '../../../shared/errors';
import type { PreflightRepository, RotationSummary } from '../../../shared/schemas/flows';
import { createJobs } from '../../core/jobs';
import { ROTATABLE_ROLES, stageKeyRotation, type RotatableRole } from '../../core/publish/rotate';
import { flag, stringOption } from '../args';
import type { Command } from '../command';
import { rotateSpec } from './specs';
import type { CliContext } from '../context';
import { cliJobEnvironment, cliRepositoryRef } from '../job-environment';
import { repositoryFor, runJob, stageAndFinish } from './publish';

export const rotateCommand: Command = {
  ...rotateSpec,
  async run(cli, args) {
    const jobs = createJobs(cliJobEnvironment(cli));
    if (flag(args, 'pending')) return printPending(cli, await jobs.rotation.pending());
    const resume = stringOption(args, 'resume');
    if (resume !== undefined) return runJob(cli, args, async (_earlier, context) => describeRotation(cli, await jobs.rotation.resume(resume, context)), rotationFacts);
    const [gun, role, ...extra] = args.positionals;
    if (gun === undefined || role === undefined || extra.length > 0) throw new CountersignError('invalid-input', 'rotate takes a repository and a role: root, targets, snapshot or timestamp');
    if (!(ROTATABLE_ROLES as readonly string[]).includes(role)) throw new CountersignError('invalid-input', `"${role}" cannot be rotated: root, targets, snapshot or timestamp`);
    const serverManaged = flag(args, 'server-managed') || role === 'timestamp';
    if (flag(args, 'stage')) {
      const repo = repositoryFor(cli, { ...args, positionals: [gun] }, 'rotate', 'none');
      const code = await stageAndFinish(cli, args, repo, async () => (await stageKeyRotation(repo.context, role as RotatableRole, { serverManaged })).staged);
      if (!cli.json) cli.out.write(`The old ${role} key stays in the vault; once published, remove it with countersign key remove.\n`);
      return code;
    }
    const ref = cliRepositoryRef(cli, gun);
    // The app's preflight first: the keys the new root needs, delegations that fail, what is staged.
    const preflight = await jobs.rotation.preflight({ repositories: [ref], role: role as RotatableRole, serverManaged }, { signal: new AbortController().signal, progress: () => undefined });
    const problems = preflight.repositories.flatMap((repository) => repository.problems);
    if (problems.length > 0) throw new CountersignError(problemCode(preflight.repositories), `cannot rotate the ${role} key of ${gun}: ${problems.join(' ')}`, { role: 'root' });
    return runJob(cli, args, async (_earlier, context) => describeRotation(cli, await jobs.rotation.start({ repositories: [ref], role: role as RotatableRole, serverManaged }, context)), rotationFacts);
  },
};

/** --json: the rotation (its record ID, old and new keys) and the old keys retired, beside the outcome. */
function rotationFacts(summary: RotationSummary): object {
  const entry = summary.rotation.repositories[0];
  return {
    rotation: { id: summary.rotation.id, role: summary.rotation.role, serverManaged: summary.rotation.serverManaged, finished: summary.rotation.finished, oldKeyIds: entry?.oldKeyIds ?? [], newKeyIds: entry?.newKeyIds ?? [] },
    retired: entry?.retired ?? { removed: [], kept: [] },
  };
}

/** The rotation's own lines (new keys, what to take offline), then the usual outcome per repository. */
function describeRotation(cli: CliContext, summary: RotationSummary): RotationSummary {
  if (!cli.json) {
    const { rotation } = summary;
    for (const entry of rotation.repositories) {
      cli.err.write(`${entry.gun}: rotation ${rotation.id} of the ${rotation.role} key is at "${entry.step}"${entry.newKeyIds.length > 0 ? `; new key ${entry.newKeyIds.map((id) => id.slice(0, 12)).join(', ')}` : ''}\n`);
    }
    for (const entry of rotation.repositories) {
      for (const id of entry.retired?.removed ?? []) cli.err.write(`Removed the old ${rotation.role} key ${id} from the vault.\n`);
      for (const { id, reason } of entry.retired?.kept ?? []) cli.err.write(`Kept the old ${rotation.role} key ${id}: ${reason}.\n`);
    }
    if (!rotation.finished) cli.err.write(`Not finished; the new key and the old one are kept: go on with countersign rotate --resume ${rotation.id}\n`);
    for (const id of summary.newRootKeys) cli.err.write(`The new root key ${id.slice(0, 12)} is in the keychain: take it offline with countersign key offline ${id.slice(0, 12)} FILE\n`);
  }
  return summary;
}

function printPending(cli: CliContext, pending: Awaited<ReturnType<ReturnType<typeof createJobs>['rotation']['pending']>>): number {
  if (cli.json) cli.out.write(`${JSON.stringify(pending, null, 2)}\n`);
  else if (pending.length === 0) cli.out.write('No interrupted rotations.\n');
  else for (const record of pending) cli.out.write(`${record.id}  ${record.role}  ${record.repositories.map((r) => `${r.gun} (${r.step})`).join(', ')}\n`);
  return 0;
}

/** Too few root keys in the keychain to sign the new root is a missing key; anything else is the input's. */
function problemCode(repositories: readonly PreflightRepository[]): 'key-not-found' | 'invalid-input' {
  const missingRootKey = repositories.some((repository) => repository.rootKeys.filter((key) => key.presence === 'keychain').length < repository.rootThreshold);
  return missingRootKey ? 'key-not-found' : 'invalid-input';
}
