// The few building blocks every screen uses.
import { useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import { explainError } from '../../../shared/schemas/plain-words';
import { useAppStore } from '../store';
import { CopyButton } from './CopyButton';
import { expiryLevel, formatDateTime, relativeTime, shortId } from './format';

export function PageHeader(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle === undefined ? null : <p className="subtitle">{props.subtitle}</p>}
      </div>
      {props.actions === undefined ? null : <div className="actions">{props.actions}</div>}
    </header>
  );
}

export function Section(props: { title: string; hint?: ReactNode; children: ReactNode; id?: string; actions?: ReactNode }) {
  return (
    <section className="section" aria-labelledby={props.id === undefined ? undefined : `${props.id}-title`}>
      <div className="section-head">
        <h2 id={props.id === undefined ? undefined : `${props.id}-title`}>{props.title}</h2>
        {props.actions}
      </div>
      {props.hint === undefined ? null : <p className="hint">{props.hint}</p>}
      {props.children}
    </section>
  );
}

export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <p className="empty-title">{props.title}</p>
      {props.children === undefined ? null : <div className="empty-text">{props.children}</div>}
      {props.action === undefined ? null : <div className="empty-action">{props.action}</div>}
    </div>
  );
}

/** An error said in plain words, with the technical detail and the role it concerns. */
export function ErrorNote(props: { error: ErrorInfo; title?: string }) {
  const { summary, detail } = explainError(props.error);
  return (
    <div className="note note-error" role="alert">
      <p className="note-title">{props.title ?? summary}</p>
      {props.title === undefined ? null : <p>{summary}</p>}
      {detail === undefined ? null : (
        <p className="note-detail">
          {props.error.role === undefined ? null : <span className="pill">{props.error.role}</span>}
          {detail}
        </p>
      )}
      <p className="note-code">code: {props.error.code}</p>
    </div>
  );
}

export function Notice(props: { children: ReactNode; tone?: 'info' | 'warning' }) {
  return <div className={`note note-${props.tone ?? 'info'}`}>{props.children}</div>;
}

/**
 * An expiry date in words, coloured: red when expired, amber within the warning days. A role the
 * server re-signs by itself (the timestamp) is only ever red: its short life is normal.
 */
export function Expiry(props: { expires: string | undefined; prefix?: string; renewedByServer?: boolean }) {
  const warningDays = useAppStore((s) => s.settings.value?.ui.expiryWarningDays ?? 30);
  if (props.expires === undefined) return <span className="muted">—</span>;
  const computed = expiryLevel(props.expires, warningDays);
  const level = computed === 'soon' && props.renewedByServer === true ? 'ok' : computed;
  const words = level === 'expired' ? `expired ${relativeTime(props.expires)}` : `expires ${relativeTime(props.expires)}`;
  return (
    <span className={`expiry expiry-${level}`} title={formatDateTime(props.expires)}>
      {props.prefix === undefined ? null : `${props.prefix} `}
      {words}
    </span>
  );
}

export function KeyId(props: { id: string; copy?: boolean }) {
  return (
    <span className="copyable">
      <code className="key-id" title={props.id}>
        {shortId(props.id)}
      </code>
      {props.copy === false ? null : <CopyButton value={props.id} what="key ID" />}
    </span>
  );
}

export function Spinner(props: { label: string }) {
  return (
    <span className="spinner" role="status">
      <span className="spinner-dot" aria-hidden="true" />
      {props.label}
    </span>
  );
}

export function ProgressBar(props: { done: number; total: number; label: string }) {
  const percent = props.total === 0 ? 0 : Math.round((props.done / props.total) * 100);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={props.done} aria-label={props.label}>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="progress-label">
        {props.label} {props.done} / {props.total}
      </span>
    </div>
  );
}

/** A destructive action in two steps: "Remove…", then the confirm button or "Keep". */
export function ConfirmRemove(props: { confirmLabel: string; onConfirm: () => void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="button quiet" onClick={() => setConfirming(true)}>
        Remove…
      </button>
    );
  }
  return (
    <>
      <button type="button" className="button danger" onClick={props.onConfirm}>
        {props.confirmLabel}
      </button>
      <button type="button" className="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </>
  );
}

/** A passphrase field: never autocompleted, labelled by its placeholder. */
export function PassphraseInput(props: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <input
      type="password"
      className="input"
      placeholder={props.label}
      aria-label={props.label}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
      autoComplete="off"
    />
  );
}

/** The search box above a list or table: filters as the user types. */
export function FilterBox(props: { label: string; placeholder: string; value: string; onChange: (value: string) => void }) {
  return (
    <input
      type="search"
      className="input filter"
      placeholder={props.placeholder}
      aria-label={props.label}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
    />
  );
}
