// Small formatting helpers shared by the screens.
const DAY = 24 * 60 * 60 * 1000;

export type ExpiryLevel = 'expired' | 'soon' | 'ok';

export function expiryLevel(expires: string, warningDays: number, now = Date.now()): ExpiryLevel {
  const left = Date.parse(expires) - now;
  if (left <= 0) return 'expired';
  return left <= warningDays * DAY ? 'soon' : 'ok';
}

/** "in 12 days", "in 3 years", "2 days ago". */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const [amount, unit] =
    abs < 60 * 60 * 1000
      ? [Math.round(abs / 60000), 'minute']
      : abs < DAY
        ? [Math.round(abs / 3600000), 'hour']
        : abs < 60 * DAY
          ? [Math.round(abs / DAY), 'day']
          : abs < 730 * DAY
            ? [Math.round(abs / (30 * DAY)), 'month']
            : [Math.round(abs / (365 * DAY)), 'year'];
  const phrase = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return diff >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortId(id: string, length = 12): string {
  return id.length > length ? id.slice(0, length) : id;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

/** The first problem a schema found, as a form shows it: "url: must be an https:// URL". */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, what: string): string {
  const issue = error.issues[0];
  return issue === undefined ? `Invalid ${what}` : `${issue.path.map(String).join('.') || what}: ${issue.message}`;
}
