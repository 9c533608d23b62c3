// Evidence archives: keep proof of what was signed after a notary server is gone (Docker Hub's shuts
// down on 2026-12-08), and check such proof offline, with no server at all.
import { useState, type FormEvent } from 'react';
import type { ArchiveCheck, ArchiveVerification } from '../../../../shared/audit';
import { ErrorNote, Notice, PageHeader, Section, Spinner } from '../../components/common';
import { formatDateTime } from '../../components/format';
import { savedFileWords } from '../../bridge/saved-file';
import { useAppStore } from '../../store';
import { countOf } from '../audit/audit-model';
import { RunningLine, ServerOptions } from '../audit/parts';
import '../audit/audit.css';
import './evidence.css';

/** The repositories to archive: the watched ones of the chosen server, plus any typed in or chosen by an audit. */
function ArchiveChooser() {
  const settings = useAppStore((s) => s.settings.value);
  const selection = useAppStore((s) => s.evidenceSelection);
  const chooseEvidence = useAppStore((s) => s.chooseEvidence);
  const [typed, setTyped] = useState('');
  const servers = settings?.servers ?? [];
  const serverId = selection.serverId ?? servers[0]?.id;
  const watched = (settings?.watched ?? []).filter((w) => w.serverId === serverId).map((w) => w.gun);
  const choices = [...new Set([...watched, ...selection.guns])];
  const toggle = (gun: string) =>
    chooseEvidence({ serverId, guns: selection.guns.includes(gun) ? selection.guns.filter((g) => g !== gun) : [...selection.guns, gun] });
  const add = (event: FormEvent) => {
    event.preventDefault();
    const gun = typed.trim();
    if (gun !== '' && !selection.guns.includes(gun)) chooseEvidence({ serverId, guns: [...selection.guns, gun] });
    setTyped('');
  };
  return (
    <div className="form">
      <label className="field medium-field">
        <span>Notary server</span>
        <select className="input" value={serverId ?? ''} onChange={(e) => chooseEvidence({ serverId: e.target.value, guns: [] })}>
          <ServerOptions />
        </select>
      </label>
      {choices.length === 0 ? (
        <p className="muted">No repository chosen: watch one on this server, tick some on the Audit screen, or type a name below.</p>
      ) : (
        <fieldset className="chooser">
          <legend>Repositories to archive</legend>
          {choices.map((gun) => (
            <label key={gun} className="chooser-item">
              <input type="checkbox" checked={selection.guns.includes(gun)} onChange={() => toggle(gun)} />
              <span className="mono">{gun}</span>
            </label>
          ))}
        </fieldset>
      )}
      <form className="inline-form" onSubmit={add} aria-label="Add a repository to archive">
        <input className="input grow" placeholder="Another repository, e.g. registry.example.com/team/app" aria-label="Repository to archive" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" className="button" disabled={typed.trim() === ''}>
          Add
        </button>
      </form>
    </div>
  );
}

function ExportOutcome() {
  const state = useAppStore((s) => s.evidenceExport);
  const cancel = useAppStore((s) => s.cancelEvidenceExport);
  if (state === undefined) return null;
  if (state.status === 'running') {
    return <RunningLine progress={state.progress} waiting="Taking the trust data…" label="Repositories archived" onCancel={() => void cancel()} />;
  }
  if (state.status === 'failed') {
    return state.error.code === 'cancelled' ? <p className="muted">The export was cancelled; nothing was saved.</p> : <ErrorNote error={state.error} title="No archive was made" />;
  }
  const { value } = state;
  return (
    <div className="archive-made" data-testid="archive-made" role="status">
      <p className="summary-line">
        Archived {countOf(value.repositories.length, 'repository', 'repositories')}. {savedFileWords(value.file)}
      </p>
      <p className="hint">Keep this fingerprint somewhere else: it lets anyone check later that the archive is the one made today.</p>
      <code className="fingerprint" data-testid="archive-sha256">
        {value.sha256}
      </code>
      <ul className="archived-list">
        {value.repositories.map((r) => (
          <li key={r.gun}>
            <span className="mono">{r.gun}</span>
            <span className="muted small">
              {' '}
              — {countOf(r.rootVersions, 'root version')}, {countOf(r.roles.length, 'role')}, {countOf(r.signedTags, 'signed tag')}
              {r.failedRoles.length === 0 ? '' : `; kept as evidence: ${r.failedRoles.join(', ')} (failed verification)`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CheckList(props: { checks: readonly ArchiveCheck[]; label: string }) {
  return (
    <ul className="checks archive-checks" aria-label={props.label}>
      {props.checks.map((check, index) => (
        <li key={`${check.name} ${index}`} className={`check check-${check.ok ? 'passed' : 'failed'}`}>
          <span className="check-mark" aria-hidden="true">
            {check.ok ? '✓' : '✕'}
          </span>
          <span className="check-step">{check.name}</span>
          <span className="check-detail">{check.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function VerificationReport(props: { fileName: string; result: ArchiveVerification }) {
  const { result } = props;
  return (
    <div className={`report ${result.ok ? 'ok' : 'failed'}`} data-testid="archive-verification">
      <p className={`verdict ${result.ok ? 'ok-text' : 'bad-text'}`}>
        {result.ok ? `${props.fileName} verifies.` : `${props.fileName} does NOT verify.`}
      </p>
      <p className="muted small">
        sha256 <code>{result.archiveSha256}</code>
        {result.createdAt === undefined ? '' : `, made ${formatDateTime(result.createdAt)}`}
      </p>
      <CheckList checks={result.checks} label="The archive" />
      {result.repositories.map((repository) => (
        <div key={`${repository.gun} ${repository.verifiedAt}`} className="archived-repository" aria-label={repository.gun}>
          <p>
            <span className="mono strong">{repository.gun}</span>{' '}
            <span className="muted small">
              from {repository.server}, checked as of {formatDateTime(repository.verifiedAt)}: {countOf(repository.rootVersions, 'root version')},{' '}
              {countOf(repository.signedTags, 'signed tag')}
            </span>
          </p>
          <CheckList checks={repository.checks} label={`Checks of ${repository.gun}`} />
        </div>
      ))}
    </div>
  );
}

function VerifyForm() {
  const verification = useAppStore((s) => s.archiveVerification);
  const verifyArchive = useAppStore((s) => s.verifyArchive);
  const [file, setFile] = useState<File | undefined>();
  const [sha256, setSha256] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file !== undefined) void verifyArchive(file, sha256);
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Verify an archive">
      <div className="file-row">
        <label className="button">
          Choose archive…
          <input type="file" accept=".tar,application/x-tar" className="visually-hidden" aria-label="Archive file" onChange={(e) => setFile(e.target.files?.[0])} />
        </label>
        <span className="muted small">{file?.name ?? 'no archive chosen'}</span>
      </div>
      <label className="field">
        <span>Fingerprint recorded when it was made (optional)</span>
        <input className="input mono" value={sha256} onChange={(e) => setSha256(e.target.value)} placeholder="sha256, 64 hex digits" aria-label="Expected sha256" autoComplete="off" />
      </label>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={file === undefined || verification?.status === 'loading'}>
          Verify offline
        </button>
        {verification?.status === 'loading' ? <Spinner label="Verifying…" /> : null}
      </div>
      {verification?.status === 'error' ? <ErrorNote error={verification.error} title="The archive could not be read" /> : null}
      {verification?.status === 'ready' ? <VerificationReport fileName={verification.value.fileName} result={verification.value.result} /> : null}
    </form>
  );
}

export function EvidenceScreen() {
  const serverCount = useAppStore((s) => s.settings.value?.servers.length ?? 0);
  const selection = useAppStore((s) => s.evidenceSelection);
  const running = useAppStore((s) => s.evidenceExport?.status === 'running');
  const exportEvidence = useAppStore((s) => s.exportEvidence);
  return (
    <div className="screen">
      <PageHeader title="Evidence" subtitle="Keep proof of what was signed, and check it later without any server." />
      <Section
        title="Export an evidence archive"
        id="export"
        hint="Every root version, the current trust data and the tag → digest → signers map of each repository, verified now, in one file."
      >
        {serverCount === 0 ? (
          <Notice>Add the notary server that holds the trust data first (Servers).</Notice>
        ) : (
          <>
            <ArchiveChooser />
            <div className="step-actions export-actions">
              <button type="button" className="button primary" disabled={selection.guns.length === 0 || running} onClick={() => void exportEvidence()}>
                Export archive{selection.guns.length === 0 ? '' : ` of ${countOf(selection.guns.length, 'repository', 'repositories')}`}
              </button>
            </div>
            <ExportOutcome />
          </>
        )}
      </Section>
      <Section
        title="Verify an archive"
        id="verify"
        hint="Offline: the root chain from version 1, every signature, hash and expiry as of the time it was made, and the tag map."
      >
        <VerifyForm />
      </Section>
    </div>
  );
}
