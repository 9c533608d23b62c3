import type { ConnectionReport, ConnectionStep } from '../../../../shared/schemas/views';
import { Notice } from '../../components/common';

export const STEP_LABEL: Record<ConnectionStep, string> = {
  address: 'Address (DNS)',
  connect: 'Connection (TCP)',
  tls: 'TLS certificate',
  http: 'HTTP answer',
  notary: 'Notary server',
  token: 'Sign-in token',
  auth: 'Reading trust data',
};
const MARK = { passed: '✓', failed: '✕', skipped: '·', 'not-applicable': '–' } as const;

export function ConnectionReportView(props: { report: ConnectionReport }) {
  const { report } = props;
  return (
    <div className={report.ok ? 'report ok' : 'report failed'} data-testid="connection-report">
      {report.timedOut !== undefined && (
        <p className="report-timeout" data-testid="check-timed-out">
          Timed out after {report.timedOut.seconds} s at step “{STEP_LABEL[report.timedOut.step]}”
        </p>
      )}
      <p className="report-summary">{report.explanation}</p>
      <ul className="checks">
        {report.checks.map((check) => (
          <li key={check.step} className={`check check-${check.status}`}>
            <span className="check-mark" aria-hidden="true">
              {MARK[check.status]}
            </span>
            <span className="check-step">{STEP_LABEL[check.step]}</span>
            <span className="check-detail">{check.detail}</span>
          </li>
        ))}
      </ul>
      {report.notices.map((notice) => (
        <Notice key={notice} tone="warning">
          {notice}
        </Notice>
      ))}
    </div>
  );
}
