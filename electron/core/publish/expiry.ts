import { goTime } from './notary-form';

// How long what we sign stays valid: notary's defaults (its `year` is 365 days), so a repository
// Countersign writes ages exactly like one notary writes.
const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * DAY_MS;

export const DEFAULT_EXPIRY_MS = {
  root: 10 * YEAR_MS,
  /** Delegations too. */
  targets: 3 * YEAR_MS,
  snapshot: 3 * YEAR_MS,
  /** The server signs timestamps; listed for completeness. */
  timestamp: 14 * DAY_MS,
} as const;

/** RFC 3339 expiry for a role signed at `now`; delegations expire like targets. */
export function defaultExpiry(role: string, now: Date): string {
  const kind = role === 'root' || role === 'snapshot' || role === 'timestamp' ? role : 'targets';
  return goTime(new Date(now.getTime() + DEFAULT_EXPIRY_MS[kind]));
}
