// The badge and the explanation of a repository's trust status, drawn from shared/schemas/trust-status
// (the one module that picks the words and colours), so every screen shows the same state the same way.
import type { TrustStatus } from '../../../shared/schemas/trust-status';
import { formatDateTime, relativeTime } from './format';

export function TrustBadge(props: { status: TrustStatus }) {
  return (
    <span className={`badge badge-tone-${props.status.tone}`} data-trust={props.status.kind}>
      {props.status.label}
    </span>
  );
}

/** "since 2026-12-03 10:00 UTC (2 hours ago)" for unreachable and stale states. */
export function SinceWhen(props: { since: string | undefined }) {
  if (props.since === undefined) return null;
  return (
    <span className="since" title={formatDateTime(props.since)}>
      since {formatDateTime(props.since)} ({relativeTime(props.since)})
    </span>
  );
}

/** What the status means, which check failed and what to do, in the status's colour. */
export function TrustExplanation(props: { status: TrustStatus; compact?: boolean }) {
  const { status } = props;
  if (status.kind === 'verified' || status.kind === 'not-checked') return null;
  if (props.compact === true) {
    // A table cell: the failed check, or since when; the rest is on the repository screen.
    if (status.check === undefined && status.since === undefined) return null;
    return (
      <div className={`small reason reason-${status.tone}`} title={[status.cause, status.summary].filter(Boolean).join(' ')}>
        {status.check === undefined ? null : `Failed check: ${status.check}. `}
        <SinceWhen since={status.since} />
      </div>
    );
  }
  return (
    <div className={`note note-tone-${status.tone}`} role={status.tone === 'bad' ? 'alert' : 'status'} data-testid="trust-explanation">
      <p className="note-title">
        {status.label} <SinceWhen since={status.since} />
      </p>
      {status.cause === undefined ? null : <p>{status.cause}</p>}
      <p>{status.summary}</p>
      {status.check === undefined ? null : (
        <p>
          <span className="strong">Failed check:</span> {status.check}
        </p>
      )}
      {status.action === undefined ? null : (
        <p>
          <span className="strong">What to do:</span> {status.action}
        </p>
      )}
    </div>
  );
}
