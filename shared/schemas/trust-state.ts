// How a verified RepositoryView is summed up in one word and one date — the same in the watch list
// (main process) and on the repository screen (renderer).
import type { RepositoryView } from '../domain';
import type { ErrorInfo } from '../errors';
import type { TrustState } from './views';

/**
 * The role that expires first, among the roles that verified and that someone must re-sign by hand:
 * roles whose key the server holds (the timestamp's 14 days) are renewed by the server itself.
 */
export function nearestExpiry(view: RepositoryView): { role: string; expires: string } | undefined {
  let nearest: { role: string; expires: string } | undefined;
  for (const role of view.roles) {
    if (role.status !== 'verified' || role.expires === undefined || role.serverManaged === true) continue;
    if (nearest === undefined || Date.parse(role.expires) < Date.parse(nearest.expires)) {
      nearest = { role: role.name, expires: role.expires };
    }
  }
  return nearest;
}

/** A view exists only for data that verified; what remains to say is whether something was left out or old. */
export function trustStateOf(view: RepositoryView): { state: TrustState; reason?: ErrorInfo } {
  if (view.stale !== undefined) return { state: 'stale', reason: view.stale.reason };
  const failedRole = view.roles.find((r) => r.status === 'failed');
  const reason = failedRole?.error ?? view.warnings[0];
  return reason === undefined ? { state: 'verified' } : { state: 'warnings', reason };
}
