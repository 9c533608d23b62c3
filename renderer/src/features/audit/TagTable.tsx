// Every audited tag, filtered by status (the legend), repository, signer and text; virtualised, since a
// registry can have tens of thousands. A repository's name opens its detail screen.
import { useDeferredValue, useMemo } from 'react';
import type { TagStatus } from '../../../../shared/audit';
import { CopyButton } from '../../components/CopyButton';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { shortId } from '../../components/format';
import { countOf, filterRows, isFiltered, NO_FILTERS, STATUS_LABEL, toggleStatus, type AuditFilters, type TagRow } from './audit-model';

export function StatusBadge(props: { status: TagStatus }) {
  return <span className={`badge st-badge st-${props.status}`}>{STATUS_LABEL[props.status]}</span>;
}

const digestHex = (digest: string) => shortId(digest.replace(/^sha256:/, ''));

function DigestCell(props: { row: TagRow }) {
  const { tag } = props.row;
  if (tag.status === 'digest-mismatch' && tag.signedDigest !== undefined) {
    return (
      <span className="digest-pair" title={`The registry serves ${tag.registryDigest}; the signed image is ${tag.signedDigest}`}>
        <span className="served">
          <code>{digestHex(tag.registryDigest)}</code> served,
          <CopyButton value={tag.registryDigest} what="digest the registry serves" />
        </span>{' '}
        <span className="signed">
          <code>{digestHex(tag.signedDigest)}</code> signed
          <CopyButton value={tag.signedDigest} what="signed digest" />
        </span>
      </span>
    );
  }
  return (
    <span className="copyable">
      <code className="digest" title={tag.registryDigest}>
        {digestHex(tag.registryDigest)}
      </code>
      <CopyButton value={tag.registryDigest} what="digest" />
    </span>
  );
}

function columns(open: (row: TagRow) => void): Column<TagRow>[] {
  return [
    {
      key: 'repository',
      header: 'Repository',
      width: 'minmax(7rem, 1.4fr)',
      render: (row) => (
        <button type="button" className="link" title={`Open ${row.repository.gun}`} onClick={() => open(row)}>
          {row.repository.repository}
        </button>
      ),
    },
    { key: 'tag', header: 'Tag', width: 'minmax(4rem, 0.7fr)', render: (row) => <span className="strong">{row.tag.tag}</span> },
    { key: 'status', header: 'Status', width: '9.5rem', render: (row) => <StatusBadge status={row.tag.status} /> },
    {
      key: 'signers',
      header: 'Signed by',
      width: 'minmax(5rem, 1fr)',
      render: (row) =>
        row.tag.signers.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <span className="chips">
            {row.tag.signers.map((name) => (
              <span key={name} className="chip">
                {name}
              </span>
            ))}
          </span>
        ),
    },
    { key: 'digest', header: 'Digest', width: 'minmax(10rem, 1fr)', render: (row) => <DigestCell row={row} /> },
    {
      key: 'reason',
      header: 'Why',
      width: 'minmax(6rem, 2fr)',
      // Wraps to two lines and is cut there (the whole sentence is its title, and in the report below).
      render: (row) => (
        <span className="muted small reason-text" title={row.tag.reason}>
          {row.tag.reason}
        </span>
      ),
    },
  ];
}

function Filters(props: { filters: AuditFilters; repositories: readonly string[]; signers: readonly string[]; onChange: (next: AuditFilters) => void }) {
  const { filters, onChange } = props;
  return (
    <div className="toolbar audit-filters" role="group" aria-label="Filters">
      <select className="input" aria-label="Repository" value={filters.repository ?? ''} onChange={(e) => onChange({ ...filters, repository: e.target.value || undefined })}>
        <option value="">All repositories</option>
        {props.repositories.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <select className="input" aria-label="Signer" value={filters.signer ?? ''} onChange={(e) => onChange({ ...filters, signer: e.target.value || undefined })}>
        <option value="">Any signer</option>
        {props.signers.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <input type="search" className="input grow" placeholder="Tag, digest or reason" aria-label="Search tags" value={filters.text} onChange={(e) => onChange({ ...filters, text: e.target.value })} />
      {filters.statuses.map((status) => (
        <button key={status} type="button" className="filter-chip" onClick={() => onChange(toggleStatus(filters, status))} aria-label={`Stop showing only ${STATUS_LABEL[status]}`}>
          {STATUS_LABEL[status]} <span aria-hidden="true">×</span>
        </button>
      ))}
      {isFiltered(filters) ? (
        <button type="button" className="button quiet" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

export function TagTable(props: {
  rows: readonly TagRow[];
  filters: AuditFilters;
  repositories: readonly string[];
  signers: readonly string[];
  onFilters: (next: AuditFilters) => void;
  onOpen: (row: TagRow) => void;
}) {
  const filters = useDeferredValue(props.filters);
  const shown = useMemo(() => filterRows(props.rows, filters), [props.rows, filters]);
  const tableColumns = useMemo(() => columns(props.onOpen), [props.onOpen]);
  return (
    <div className="tag-table">
      <Filters filters={props.filters} repositories={props.repositories} signers={props.signers} onChange={props.onFilters} />
      <p className="muted small" data-testid="tag-count" aria-live="polite">
        {shown.length === props.rows.length ? countOf(props.rows.length, 'tag') : `${shown.length.toLocaleString('en-US')} of ${countOf(props.rows.length, 'tag')}`}
      </p>
      <VirtualTable
        rows={shown}
        columns={tableColumns}
        rowKey={(row) => row.key}
        label="Audited tags"
        rowHeight={40}
        height={480}
        empty={props.rows.length === 0 ? 'The audited repositories have no tags.' : 'No tag matches these filters.'}
      />
    </div>
  );
}
