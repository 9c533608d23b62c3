import { useDeferredValue, useMemo, useState } from 'react';
import type { SignedTagView } from '../../../../shared/domain';
import { isTag } from '../../../../shared/names';
import { CopyButton } from '../../components/CopyButton';
import { FilterBox } from '../../components/common';
import { formatBytes } from '../../components/format';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { useAppStore } from '../../store';
import { viewKey } from '../../store/repositories-slice';
import { RegistryCell, RegistryCheck, registryRows, type RegistryRow } from './RegistryCheck';

const COLUMNS: Column<SignedTagView>[] = [
  { key: 'tag', header: 'Tag', width: 'minmax(8rem, 1.2fr)', render: (t) => <span className="strong">{t.tag}</span> },
  {
    key: 'digest',
    header: 'Digest (sha256)',
    width: 'minmax(12rem, 2fr)',
    render: (t) => (
      <span className="copyable">
        <code className="digest" title={`sha256:${t.digest}`}>
          {t.digest}
        </code>
        <CopyButton value={`sha256:${t.digest}`} what="digest" />
      </span>
    ),
  },
  { key: 'size', header: 'Size', width: '6rem', render: (t) => <span className="muted">{formatBytes(t.size)}</span> },
  {
    key: 'signers',
    header: 'Signed by',
    width: 'minmax(8rem, 1.2fr)',
    render: (t) => (
      <span className="chips">
        {t.signers.map((s) => (
          <span key={s} className="chip">
            {s}
          </span>
        ))}
      </span>
    ),
  },
  {
    key: 'roles',
    header: 'Roles',
    width: 'minmax(8rem, 1.2fr)',
    render: (t) => <span className="muted small" title={t.roles.join(', ')}>{t.roles.join(', ')}</span>,
  },
];

/** Lower-cased "tag digest signers" per tag, computed once per list, so filtering is one pass of includes(). */
function searchIndex(tags: readonly SignedTagView[]): string[] {
  return tags.map((t) => `${t.tag} ${t.digest} ${t.signers.join(' ')}`.toLowerCase());
}

export function filterTags(tags: readonly SignedTagView[], index: readonly string[], query: string): readonly SignedTagView[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return tags;
  return tags.filter((_tag, i) => index[i]!.includes(needle));
}

const count = (n: number) => n.toLocaleString('en-US');

/** Narrower minimums with the registry column beside them, so the table fits 1024 px (digests are copied whole). */
const NARROWER: Record<string, string> = { digest: 'minmax(7rem, 1.6fr)', roles: 'minmax(5rem, 1fr)' };

function ofRow(column: Column<SignedTagView>): Column<RegistryRow> {
  return { ...column, width: NARROWER[column.key] ?? column.width, render: (row) => column.render(row.tag) };
}

/** The signed tags' columns with the registry's answer last (what is signed reads first, as without a check). */
const REGISTRY_COLUMNS: Column<RegistryRow>[] = [
  ...COLUMNS.map(ofRow),
  { key: 'registry', header: 'Registry', width: 'minmax(9rem, 1.4fr)', render: (row) => <RegistryCell state={row.registry} /> },
];
const COLUMNS_OF_ROWS = COLUMNS.map((column) => ({ ...column, render: (row: RegistryRow) => column.render(row.tag) }));

export function SignedTags(props: { tags: readonly SignedTagView[]; source?: { serverId: string; gun: string } }) {
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const index = useMemo(() => searchIndex(props.tags), [props.tags]);
  const rows = useMemo(() => filterTags(props.tags, index, deferredQuery), [props.tags, index, deferredQuery]);
  const found = useAppStore((s) => (props.source === undefined ? undefined : s.servedDigestChecks[viewKey(props.source)]?.found));
  const allRows = useMemo(() => registryRows(props.tags, found), [props.tags, found]);
  const shownRows = useMemo(() => registryRows(rows, found), [rows, found]);
  // Only names a registry can serve are asked about; any other signed target stays "not checked".
  const tagNames = useMemo(() => [...new Set(props.tags.map((t) => t.tag).filter(isTag))], [props.tags]);
  return (
    <div className="signed-tags">
      {props.source === undefined ? null : <RegistryCheck source={props.source} rows={allRows} tags={tagNames} />}
      <div className="toolbar">
        <FilterBox label="Filter signed tags" placeholder="Filter by tag, digest or signer" value={query} onChange={setQuery} />
        <span className="muted" data-testid="tag-count">
          {rows.length === props.tags.length ? `${count(props.tags.length)} tags` : `${count(rows.length)} of ${count(props.tags.length)} tags`}
        </span>
      </div>
      <VirtualTable
        label="Signed tags"
        rows={shownRows}
        columns={props.source === undefined ? COLUMNS_OF_ROWS : REGISTRY_COLUMNS}
        rowKey={(row) => row.tag.tag}
        empty={props.tags.length === 0 ? 'No signed tags: nothing in this repository is signed yet.' : 'No tag matches the filter.'}
      />
    </div>
  );
}

/** Verified tags docker pull would not use: signed only in delegations other than targets/releases. */
export function UnpulledTags(props: { tags: readonly SignedTagView[] }) {
  if (props.tags.length === 0) return null;
  return (
    <div className="unpulled-tags" data-testid="unpulled-tags">
      <p className="hint">
        {count(props.tags.length)} more tag{props.tags.length === 1 ? '' : 's'} verified, but docker pull with content trust would not use{' '}
        {props.tags.length === 1 ? 'it' : 'them'}: docker reads only <code>targets</code> and <code>targets/releases</code>, and{' '}
        {props.tags.length === 1 ? 'this one is' : 'these are'} signed only in other delegations. To make one pullable, a releases signer signs it (Sign).
      </p>
      <VirtualTable label="Tags docker pull does not use" rows={props.tags} columns={COLUMNS} rowKey={(t) => `${t.tag} ${t.digest}`} empty="" />
    </div>
  );
}
