// How the watch list can be ordered. "Needs attention" puts refused data first, then what could not
// be checked, then what expires soonest: the order a reviewer reads it in.
import type { WatchStatus } from '../../../../shared/schemas/views';
import { describeTrust, type TrustStatusKind } from '../../../../shared/schemas/trust-status';

export type StatusSort = 'attention' | 'name' | 'expiry' | 'checked';

export const STATUS_SORTS: readonly { value: StatusSort; label: string }[] = [
  { value: 'attention', label: 'Needs attention' },
  { value: 'name', label: 'Name' },
  { value: 'expiry', label: 'Nearest expiry' },
  { value: 'checked', label: 'Last checked' },
];

const ATTENTION: Record<TrustStatusKind, number> = { tampered: 0, warnings: 1, 'sign-in': 2, unreachable: 2, stale: 3, unsigned: 4, 'not-checked': 5, verified: 6 };

const byName = (a: WatchStatus, b: WatchStatus) => a.gun.localeCompare(b.gun) || a.serverId.localeCompare(b.serverId);
/** Missing dates sort last. */
const time = (iso: string | undefined, missing: number) => (iso === undefined ? missing : Date.parse(iso));

export function sortStatuses(list: readonly WatchStatus[], sort: StatusSort): WatchStatus[] {
  const sorted = [...list];
  switch (sort) {
    case 'name':
      return sorted.sort(byName);
    case 'attention':
      return sorted.sort((a, b) => ATTENTION[describeTrust(a).kind] - ATTENTION[describeTrust(b).kind] || time(a.nearestExpiry?.expires, Infinity) - time(b.nearestExpiry?.expires, Infinity) || byName(a, b));
    case 'expiry':
      return sorted.sort((a, b) => time(a.nearestExpiry?.expires, Infinity) - time(b.nearestExpiry?.expires, Infinity) || byName(a, b));
    case 'checked':
      return sorted.sort((a, b) => time(b.checkedAt, -Infinity) - time(a.checkedAt, -Infinity) || byName(a, b));
  }
}
