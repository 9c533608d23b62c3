// The last known trust status of each repository, kept in memory by the main process so the watch
// list can be drawn at once and refreshed in the background.
import type { RepositoryView } from '../../shared/domain';
import type { ErrorInfo } from '../../shared/errors';
import type { WatchedRepository } from '../../shared/schemas/settings';
import type { WatchStatus } from '../../shared/schemas/views';
import { nearestExpiry, trustStateOf } from '../../shared/schemas/trust-state';

export function statusFromView(view: RepositoryView, serverId: string): WatchStatus {
  const { state, reason } = trustStateOf(view);
  const expiry = nearestExpiry(view);
  return {
    gun: view.gun,
    serverId,
    state,
    checkedAt: view.verifiedAt,
    signedTagCount: view.signedTags.length,
    ...(expiry === undefined ? {} : { nearestExpiry: expiry }),
    ...(reason === undefined ? {} : { error: reason }),
    ...(view.stale === undefined ? {} : { since: view.stale.since }),
  };
}

/** A failed check; `previous` is the last status, whose start is kept while the same failure lasts. */
export function failedStatus(repository: WatchedRepository, error: ErrorInfo, now: Date, previous?: WatchStatus): WatchStatus {
  const same = previous?.state === 'failed' && previous.error?.code === error.code;
  const since = same ? (previous.since ?? previous.checkedAt ?? now.toISOString()) : now.toISOString();
  return { ...repository, state: 'failed', checkedAt: now.toISOString(), error, since };
}

export class WatchStatusBook {
  private readonly statuses = new Map<string, WatchStatus>();

  private static key(repository: WatchedRepository): string {
    return `${repository.serverId} ${repository.gun}`;
  }

  /** The last status recorded for a repository, if any. */
  last(repository: WatchedRepository): WatchStatus | undefined {
    return this.statuses.get(WatchStatusBook.key(repository));
  }

  record(status: WatchStatus): void {
    this.statuses.set(WatchStatusBook.key(status), status);
  }

  /** One status per watched repository, in the watch list's order. */
  statusOf(watched: readonly WatchedRepository[]): WatchStatus[] {
    return watched.map((w) => this.statuses.get(WatchStatusBook.key(w)) ?? { ...w, state: 'not-checked' });
  }
}
