// A finished audit: coverage of the whole registry and of each repository, every tag with filters,
// the signers that can no longer sign, and the ways out (export, evidence archive, repository detail).
import { useCallback, useMemo, useState } from 'react';
import type { RepositoryAudit, SignerState, TagStatus, TrustState } from '../../../../shared/audit';
import type { SavedFile } from '../../../../shared/schemas/audit';
import { ErrorNote, Notice, Section } from '../../components/common';
import { formatDateTime } from '../../components/format';
import { savedFileWords } from '../../bridge/saved-file';
import type { ErrorInfo } from '../../../../shared/errors';
import { useAppStore } from '../../store';
import { archivable, countOf, repositoryProblem, signerNames, tagRows, toggleStatus, totalOf, type TagRow } from './audit-model';
import { CoverageRing, StatusBar, StatusLegend } from './CoverageChart';
import { ReportView } from './ReportView';
import { TagTable } from './TagTable';
import type { AuditRun } from '../../../../shared/schemas/audit';

const TRUST_LABEL: Record<TrustState, string> = {
  verified: 'Trust data verified',
  stale: 'Stale trust data',
  absent: 'No trust data',
  failed: 'Trust data refused',
  unreachable: 'Trust data unreadable',
};

function ExportButtons() {
  const exportAudit = useAppStore((s) => s.exportAudit);
  const [outcome, setOutcome] = useState<{ ok: true; value: SavedFile } | { ok: false; error: ErrorInfo } | undefined>();
  const save = async (format: 'json' | 'csv') => setOutcome(await exportAudit(format));
  return (
    <div className="actions">
      {outcome?.ok === true ? (
        <span className="muted small" role="status">
          {savedFileWords(outcome.value)}
        </span>
      ) : null}
      <button type="button" className="button" onClick={() => void save('csv')}>
        Export CSV
      </button>
      <button type="button" className="button" onClick={() => void save('json')}>
        Export JSON
      </button>
      {outcome?.ok === false ? <ErrorNote error={outcome.error} title="The report could not be exported" /> : null}
    </div>
  );
}

function Summary(props: { run: AuditRun }) {
  const { report } = props.run;
  const filters = useAppStore((s) => s.auditFilters);
  const setAuditFilters = useAppStore((s) => s.setAuditFilters);
  const serverName = useAppStore((s) => s.settings.value?.servers.find((server) => server.id === props.run.serverId)?.name);
  const tags = totalOf(report.totals);
  return (
    <Section title="Coverage" id="coverage" actions={<ExportButtons />}>
      <div className="coverage">
        <CoverageRing counts={report.totals} active={filters.statuses} />
        <StatusLegend counts={report.totals} active={filters.statuses} onToggle={(status) => setAuditFilters(toggleStatus(filters, status))} />
        <dl className="facts compact coverage-facts">
          <dt>Registry</dt>
          <dd className="mono">{new URL(report.registry).host}</dd>
          <dt>Trust data</dt>
          <dd>{serverName ?? report.server}</dd>
          <dt>Audited</dt>
          <dd>{formatDateTime(report.auditedAt)}</dd>
          <dt>Scope</dt>
          <dd data-testid="audit-scope">
            {countOf(report.repositories.length, 'repository', 'repositories')}, {countOf(tags, 'tag')}
          </dd>
          <dt>Expiring soon</dt>
          <dd>within {report.expiringWithinDays} days</dd>
        </dl>
      </div>
    </Section>
  );
}

function RepositoryRow(props: {
  repository: RepositoryAudit;
  activeStatuses: readonly TagStatus[];
  selected: boolean;
  onSelect: (selected: boolean) => void;
  onOpen: () => void;
  onShowTags: () => void;
}) {
  const { repository } = props;
  const problem = repositoryProblem(repository);
  return (
    <tr data-repository={repository.repository}>
      <td className="select-cell">
        <input
          type="checkbox"
          checked={props.selected}
          disabled={!archivable(repository)}
          title={archivable(repository) ? 'Include in an evidence archive' : 'Only verified trust data can be archived'}
          aria-label={`Include ${repository.repository} in an evidence archive`}
          onChange={(e) => props.onSelect(e.target.checked)}
        />
      </td>
      <td>
        <button type="button" className="link strong" onClick={props.onOpen} title={`Open ${repository.gun}`}>
          {repository.repository}
        </button>
        <div className={`small trust-${repository.trust}`}>{TRUST_LABEL[repository.trust]}</div>
        {problem === undefined ? null : <div className="small reason bad-text">{problem}</div>}
      </td>
      <td className="bar-cell">
        <button type="button" className="bar-button" onClick={props.onShowTags} aria-label={`Show the tags of ${repository.repository}`}>
          <StatusBar counts={repository.counts} label={repository.repository} active={props.activeStatuses} />
        </button>
      </td>
      <td className="right muted">{countOf(repository.tags.length, 'tag')}</td>
    </tr>
  );
}

function Repositories(props: { run: AuditRun; onOpen: (repository: RepositoryAudit) => void }) {
  const { report } = props.run;
  const filters = useAppStore((s) => s.auditFilters);
  const { setAuditFilters, chooseEvidence, chooseMigrateScope, navigate } = useAppStore.getState();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const select = (name: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(name);
    else next.delete(name);
    setSelected(next);
  };
  const archive = () => {
    const guns = report.repositories.filter((r) => selected.has(r.repository)).map((r) => r.gun);
    chooseEvidence({ serverId: props.run.serverId, guns });
    navigate({ screen: 'evidence' });
  };
  // The ticked repositories, or the whole registry the audit covered when none is ticked.
  const migrate = () => {
    const repositories = report.repositories.filter((r) => selected.has(r.repository)).map((r) => r.repository);
    chooseMigrateScope({ registryId: props.run.registryId, serverId: props.run.serverId, repositories: repositories.length > 0 ? repositories : report.repositories.map((r) => r.repository) });
    navigate({ screen: 'migrate' });
  };
  return (
    <Section
      title="By repository"
      id="repositories"
      hint="Each bar is one repository's tags, coloured by status. Press a bar to list only its tags; tick repositories to keep their trust data in an evidence archive."
      actions={
        <>
          <button type="button" className="button" disabled={selected.size === 0} onClick={archive}>
            Export evidence archive{selected.size === 0 ? '' : ` (${selected.size})`}
          </button>
          <button type="button" className="button" onClick={migrate}>
            Migrate to cosign{selected.size === 0 ? '' : ` (${selected.size})`}
          </button>
        </>
      }
    >
      <table className="table repository-coverage" aria-label="Coverage by repository">
        <tbody>
          {report.repositories.map((repository) => (
            <RepositoryRow
              key={repository.repository}
              repository={repository}
              activeStatuses={filters.statuses}
              selected={selected.has(repository.repository)}
              onSelect={(on) => select(repository.repository, on)}
              onOpen={() => props.onOpen(repository)}
              onShowTags={() => setAuditFilters({ ...filters, repository: repository.repository })}
            />
          ))}
        </tbody>
      </table>
    </Section>
  );
}

const SIGNER_STATE: Record<Exclude<SignerState, 'active'>, { label: string; meaning: string }> = {
  revoked: { label: 'Revoked', meaning: 'Its keys were removed: tags only it signed are no longer trusted.' },
  invalid: { label: 'Not verifying', meaning: 'Its signed data does not verify, so nothing it signed counts.' },
  unpublished: { label: 'Never signed', meaning: 'Delegated, but has not published any signature yet.' },
};

/** Signers removed or failing: the people whose signatures no longer count. */
function SignersAtRisk(props: { repositories: readonly RepositoryAudit[] }) {
  const rows = props.repositories.flatMap((repository) =>
    repository.signers.flatMap((signer) => (signer.state === 'active' ? [] : [{ repository, signer, state: SIGNER_STATE[signer.state] }])),
  );
  if (rows.length === 0) return null;
  return (
    <Section title="Signers that cannot sign" id="signers" hint="Delegations whose keys were removed, or whose trust data no longer verifies.">
      <table className="table">
        <thead>
          <tr>
            <th>Repository</th>
            <th>Signer</th>
            <th>State</th>
            <th>What it means</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ repository, signer, state }) => (
            <tr key={`${repository.repository} ${signer.name}`}>
              <td className="mono">{repository.repository}</td>
              <td className="strong">{signer.name}</td>
              <td className={signer.state === 'unpublished' ? 'muted' : 'bad-text'}>{state.label}</td>
              <td className="muted">{state.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function AuditResults(props: { run: AuditRun }) {
  const { run } = props;
  const { report } = run;
  const filters = useAppStore((s) => s.auditFilters);
  const setAuditFilters = useAppStore((s) => s.setAuditFilters);
  const navigate = useAppStore((s) => s.navigate);
  const rows = useMemo(() => tagRows(report), [report]);
  const signers = useMemo(() => signerNames(report), [report]);
  const repositoryNames = useMemo(() => report.repositories.map((r) => r.repository), [report]);
  const openRepository = useCallback((repository: RepositoryAudit) => navigate({ screen: 'repository', serverId: run.serverId, gun: repository.gun }), [navigate, run.serverId]);
  const openRow = useCallback((row: TagRow) => openRepository(row.repository), [openRepository]);

  return (
    <>
      <Summary run={run} />
      {report.incomplete === 0 ? null : (
        <Notice tone="warning">
          {report.incomplete === 1 ? 'One repository' : `${report.incomplete} repositories`} could not be read completely (the reason is under
          its name). Its tags are left out or counted as not verifying, so this review has holes.
        </Notice>
      )}
      <Repositories run={run} onOpen={openRepository} />
      <Section title="Tags" id="tags">
        <TagTable rows={rows} filters={filters} repositories={repositoryNames} signers={signers} onFilters={setAuditFilters} onOpen={openRow} />
      </Section>
      <SignersAtRisk repositories={report.repositories} />
      <ReportView reportId={run.reportId} />
    </>
  );
}
