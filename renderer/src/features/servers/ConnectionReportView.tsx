import type { ConnectionReport } from '../../../../shared/schemas/views';
import { Notice } from '../../components/common';

const STEP_LABEL = { address: 'Address', tls: 'TLS certificate', http: 'HTTP', notary: 'Notary server', auth: 'Access' } as const;
const MARK = { passed: '✓', failed: '✕', skipped: '·' } as const;

export function ConnectionReportView(props: { report: ConnectionReport }) {
  const { report } = props;
  return (
    <div className={report.ok ? 'report ok' : 'report failed'} data-testid="connection-report">
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
