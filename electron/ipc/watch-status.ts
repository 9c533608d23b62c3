// The last known trust status of each repository, kept in memory by the main process so the watch
// list can be drawn at once and refreshed in the background.
import type { RepositoryView } from '../../shared/domain';
import type { ErrorInfo } from '../../shared/errors';
import type { WatchedRepository } from '../../shared/schemas/settings';
import type { WatchStatus } from '../../shared/schemas/views';

/** The role that expires first, among the roles that verified. */
export function nearestExpiry(view: RepositoryView): WatchStatus['nearestExpiry'] {
  let nearest: { role: string; expires: string } | undefined;
  for (const role of view.roles) {
    if (role.status !== 'verified' || role.expires === undefined) continue;
    if (nearest === undefined || Date.parse(role.expires) < Date.parse(nearest.expires)) {
      nearest = { role: role.name, expires: role.expires };
    }
  }
  return nearest;
}

export function statusFromView(view: RepositoryView, serverId: string): WatchStatus {
  const failedRole = view.roles.find((r) => r.status === 'failed');
  const state = view.stale !== undefined ? 'stale' : failedRole !== undefined || view.warnings.length > 0 ? 'warnings' : 'verified';
  const error = view.stale?.reason ?? failedRole?.error ?? view.warnings[0];
  const expiry = nearestExpiry(view);
  return {
    gun: view.gun,
    serverId,
    state,
    checkedAt: view.verifiedAt,
    signedTagCount: view.signedTags.length,
    ...(expiry === undefined ? {} : { nearestExpiry: expiry }),
    ...(error === undefined ? {} : { error }),
  };
}

export function failedStatus(repository: WatchedRepository, error: ErrorInfo, now: Date): WatchStatus {
  return { ...repository, state: 'failed', checkedAt: now.toISOString(), error };
}

export class WatchStatusBook {
  private readonly statuses = new Map<string, WatchStatus>();

  private static key(repository: WatchedRepository): string {
    return `${repository.serverId} ${repository.gun}`;
  }

  record(status: WatchStatus): void {
    this.statuses.set(WatchStatusBook.key(status), status);
  }

  /** One status per watched repository, in the watch list's order. */
  statusOf(watched: readonly WatchedRepository[]): WatchStatus[] {
    return watched.map((w) => this.statuses.get(WatchStatusBook.key(w)) ?? { ...w, state: 'not-checked' });
  }
}
