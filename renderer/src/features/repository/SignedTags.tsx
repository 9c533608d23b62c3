import { useDeferredValue, useMemo, useState } from 'react';
import type { SignedTagView } from '../../../../shared/domain';
import { CopyButton } from '../../components/CopyButton';
import { FilterBox } from '../../components/common';
import { formatBytes } from '../../components/format';
import { VirtualTable, type Column } from '../../components/VirtualTable';

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

export function SignedTags(props: { tags: readonly SignedTagView[] }) {
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const index = useMemo(() => searchIndex(props.tags), [props.tags]);
  const rows = useMemo(() => filterTags(props.tags, index, deferredQuery), [props.tags, index, deferredQuery]);
  return (
    <div className="signed-tags">
      <div className="toolbar">
        <FilterBox label="Filter signed tags" placeholder="Filter by tag, digest or signer" value={query} onChange={setQuery} />
        <span className="muted" data-testid="tag-count">
          {rows.length === props.tags.length ? `${count(props.tags.length)} tags` : `${count(rows.length)} of ${count(props.tags.length)} tags`}
        </span>
      </div>
      <VirtualTable
        label="Signed tags"
        rows={rows}
        columns={COLUMNS}
        rowKey={(t) => t.tag}
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
