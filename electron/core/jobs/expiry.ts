// Expiry across the watch list: every role that expires within the warning window, whether this
// keychain can re-sign it, and re-signing in one action (notary witness, then one publish per
// repository). The timestamp is left out: the notary server renews it by itself.
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { ExpiringRole, ExpiryReport, FlowSummary, RepositoryRef } from '../../../shared/schemas/flows';
import { RepositoryDraft } from '../publish/draft';
import { fetchVerified, viewOf } from '../publish/latest';
import { holdsKeyFor } from '../publish/signing';
import { rolesToWitness, stageWitness } from '../publish/witness';
import { distinctRepositories, repositoryContext, type JobEnvironment, type RepositoryContext } from './environment';
import { finishOwn, openForWrite, type EarlierStaged } from './open';
import { emptyOutcome, forEachRepository, publishEach, type FlowContext } from './run';

const DAY_MS = 24 * 60 * 60 * 1000;

export function expiryJobs(env: JobEnvironment) {
  return {
    /** Every role of `repositories` that expires within `days`. */
    async list(repositories: readonly RepositoryRef[], days: number, context: FlowContext): Promise<ExpiryReport> {
      const { outcomes, results } = await forEachRepository(
        repositories,
        context,
        async (ref, step) => {
          step('checking expiry');
          return expiringRoles(repositoryContext(env, ref, context.signal), days);
        },
        (ref) => emptyOutcome(ref, 'unchanged'),
      );
      return {
        withinDays: days,
        roles: [...results.values()].flat().sort((a, b) => a.expires.localeCompare(b.expires)),
        failed: outcomes.flatMap((o) => (o.error === undefined ? [] : [{ gun: o.gun, serverId: o.serverId, error: o.error }])),
      };
    },

    resign(items: readonly (RepositoryRef & { roles: string[] })[], context: FlowContext, earlierStaged: EarlierStaged = 'refuse'): Promise<FlowSummary> {
      return publishEach(env, distinctRepositories(items), context, async (item, step) => {
        const repository = repositoryContext(env, item, context.signal);
        step('reading the repository');
        await openForWrite(repository, earlierStaged);
        step('re-signing');
        const own = await stageWitness(repository, rolesToWitness(item.roles));
        const effects = item.roles.includes('snapshot') ? ['the snapshot was renewed by the same publish'] : [];
        return { result: await finishOwn(repository, own, step), effects };
      });
    },
  };
}

async function expiringRoles(repository: RepositoryContext, days: number): Promise<ExpiringRole[]> {
  const now = new Date();
  const latest = await fetchVerified(repository, now);
  if (latest === undefined) throw new CountersignError('repository-not-found', `${repository.gun} does not exist on ${repository.notary.serverUrl}`);
  const draft = RepositoryDraft.fromVerified(latest.trusted, latest.failedDelegations);
  const limit = now.getTime() + days * DAY_MS;
  const found: ExpiringRole[] = [];
  for (const role of viewOf(repository, latest).roles) {
    if (role.name === 'timestamp' || role.expires === undefined || Date.parse(role.expires) > limit) continue;
    const base = { gun: repository.gun, serverId: repository.ref.serverId, role: role.name, expires: role.expires, ...(role.version === undefined ? {} : { version: role.version }) };
    if (role.status === 'failed') {
      found.push({ ...base, canResign: false, note: `it failed verification: ${role.error?.message ?? ''}` });
      continue;
    }
    let held: boolean;
    try {
      held = await holdsKeyFor(draft.signingKeys(role.name), repository.keys);
    } catch (error) {
      found.push({ ...base, canResign: false, note: toErrorInfo(error).message });
      continue;
    }
    if (role.name === 'snapshot') {
      found.push({ ...base, canResign: held, note: held ? 're-signed with targets' : 'the notary server holds the snapshot key and renews it' });
    } else {
      found.push(held ? { ...base, canResign: true } : { ...base, canResign: false, note: 'the keychain holds none of its keys' });
    }
  }
  return found;
}
