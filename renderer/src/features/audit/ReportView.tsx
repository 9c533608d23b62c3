// The report as its export writes it (the same JSON or CSV, made by the main process), readable on
// screen: a reviewer can see what the file says before saving it, or without saving it at all.
import { useEffect, useState } from 'react';
import type { Result } from '../../../../shared/contract';
import type { ReportPreview } from '../../../../shared/schemas/audit';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNote, Section, Spinner } from '../../components/common';
import { useAppStore } from '../../store';

/** Lines drawn at most; a registry of tens of thousands of tags is exported, not read on screen. */
export const PREVIEW_LINES = 2000;

/** The first `limit` lines of a text, and how many it has. */
export function firstLines(text: string, limit: number): { shown: string; total: number } {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return { shown: lines.slice(0, limit).join('\n'), total: lines.length };
}

export function ReportView(props: { reportId: string }) {
  const previewAudit = useAppStore((s) => s.previewAudit);
  const [format, setFormat] = useState<'json' | 'csv' | undefined>();
  const [preview, setPreview] = useState<Result<ReportPreview> | undefined>();
  useEffect(() => {
    setPreview(undefined);
    if (format === undefined) return undefined;
    let current = true;
    void previewAudit(format).then((result) => {
      if (current) setPreview(result);
    });
    return () => {
      current = false;
    };
  }, [format, props.reportId, previewAudit]);
  const lines = preview?.ok === true ? firstLines(preview.value.text, PREVIEW_LINES) : undefined;
  return (
    <Section
      title="Report"
      id="report"
      hint="Exactly what Export CSV and Export JSON save (and countersign audit --csv / --json print)."
      actions={
        <div className="segmented" role="group" aria-label="Show the report as">
          {(['csv', 'json'] as const).map((choice) => (
            <button key={choice} type="button" className={`button${format === choice ? ' pressed' : ''}`} aria-pressed={format === choice} onClick={() => setFormat(format === choice ? undefined : choice)}>
              {format === choice ? `Hide ${choice.toUpperCase()}` : `Show ${choice.toUpperCase()}`}
            </button>
          ))}
        </div>
      }
    >
      {format === undefined ? <p className="muted small">Show the report to read it here as it would be exported.</p> : null}
      {format !== undefined && preview === undefined ? <Spinner label="Preparing the report…" /> : null}
      {preview?.ok === false ? <ErrorNote error={preview.error} title="The report could not be shown" /> : null}
      {preview?.ok === true && lines !== undefined ? (
        <div className="report-preview">
          <div className="toolbar">
            <span className="mono small">{preview.value.name}</span>
            <span className="muted small" data-testid="report-lines">
              {lines.total > PREVIEW_LINES ? `first ${PREVIEW_LINES.toLocaleString('en-US')} of ${lines.total.toLocaleString('en-US')} lines; export to keep all` : `${lines.total.toLocaleString('en-US')} lines`}
            </span>
            <CopyButton value={preview.value.text} what={`the ${preview.value.format.toUpperCase()} report`} />
          </div>
          <pre className="report-text" tabIndex={0} aria-label={`The report as ${preview.value.format.toUpperCase()}`} data-testid="report-text">
            {lines.shown}
          </pre>
        </div>
      ) : null}
    </Section>
  );
}
