// Coverage at a glance, drawn as plain SVG: a ring for the whole registry with the share docker pull
// with content trust would accept in its middle, a legend that doubles as the status filter, and one
// bar per repository (every bar the same length, so coverage compares at a glance; the count says how
// many tags). Colours come from audit.css, so the dark theme follows.
import type { TagStatus } from '../../../../shared/audit';
import { coveragePercent, coveredOf, describeCounts, segmentsOf, STATUS_LABEL, STATUS_MEANING, STATUS_ORDER, totalOf, type StatusCounts } from './audit-model';

const RING_RADIUS = 42;
const RING_WIDTH = 14;

/** Statuses the filter leaves out step back, so the chart shows what the table lists. */
function segmentClass(base: string, status: TagStatus, active: readonly TagStatus[]): string {
  return `${base} st-${status}${active.length > 0 && !active.includes(status) ? ' dimmed' : ''}`;
}

/** The whole registry: a ring of statuses, coverage in the middle. */
export function CoverageRing(props: { counts: StatusCounts; active: readonly TagStatus[] }) {
  const { counts } = props;
  const percent = coveragePercent(counts);
  const total = totalOf(counts);
  const label = total === 0 ? 'No tags' : `${percent}% of ${total} tags signed: ${describeCounts(counts)}`;
  return (
    <svg className="coverage-ring" viewBox="0 0 120 120" role="img" aria-label={label} data-testid="coverage-ring">
      <circle className="ring-track" cx="60" cy="60" r={RING_RADIUS} strokeWidth={RING_WIDTH} fill="none" />
      {segmentsOf(counts).map((segment) => (
        // pathLength 100 lets each arc be a dash of its share; the ring starts at twelve o'clock.
        <circle
          key={segment.status}
          className={segmentClass('ring-segment', segment.status, props.active)}
          cx="60"
          cy="60"
          r={RING_RADIUS}
          fill="none"
          strokeWidth={RING_WIDTH}
          pathLength={100}
          strokeDasharray={`${segment.length * 100} ${100 - segment.length * 100}`}
          strokeDashoffset={-segment.start * 100}
          transform="rotate(-90 60 60)"
        >
          <title>{`${segment.count} ${STATUS_LABEL[segment.status].toLowerCase()}`}</title>
        </circle>
      ))}
      <text className="ring-figure" x="60" y="60" textAnchor="middle" dominantBaseline="middle">
        {percent === undefined ? '—' : `${percent}%`}
      </text>
      <text className="ring-caption" x="60" y="80" textAnchor="middle">
        {total === 0 ? 'no tags' : `${coveredOf(counts)} of ${total} signed`}
      </text>
    </svg>
  );
}

/** One row per status with its count; pressing one shows only those tags (pressing again, all). */
export function StatusLegend(props: { counts: StatusCounts; active: readonly TagStatus[]; onToggle: (status: TagStatus) => void }) {
  return (
    <ul className="legend" aria-label="Tags by status">
      {STATUS_ORDER.map((status) => {
        const pressed = props.active.includes(status);
        return (
          <li key={status}>
            <button
              type="button"
              className={`legend-item${pressed ? ' pressed' : ''}${props.counts[status] === 0 ? ' none' : ''}`}
              aria-pressed={pressed}
              data-status={status}
              title={STATUS_MEANING[status]}
              onClick={() => props.onToggle(status)}
            >
              <span className={`swatch st-${status}`} aria-hidden="true" />
              <span className="legend-label">{STATUS_LABEL[status]}</span>
              <span className="legend-count" data-testid={`total-${status}`}>
                {props.counts[status].toLocaleString('en-US')}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** One repository's tags as a bar of statuses, full width whatever the count. */
export function StatusBar(props: { counts: StatusCounts; label: string; active: readonly TagStatus[] }) {
  const segments = segmentsOf(props.counts);
  return (
    <svg className="status-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`${props.label}: ${describeCounts(props.counts)}`}>
      {segments.length === 0 ? <rect className="bar-empty" x="0" y="0" width="100" height="10" /> : null}
      {segments.map((segment) => (
        <rect key={segment.status} className={segmentClass('bar-segment', segment.status, props.active)} x={segment.start * 100} y="0" width={segment.length * 100} height="10">
          <title>{`${segment.count} ${STATUS_LABEL[segment.status].toLowerCase()}`}</title>
        </rect>
      ))}
    </svg>
  );
}
