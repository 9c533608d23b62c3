import { useDeferredValue, useMemo, useState } from 'react';
import type { SignedTagView } from '../../../../shared/domain';
import { CopyButton } from '../../components/CopyButton';
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
        <code className="digest" title={t.digest}>
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
    width: 'minmax(10rem, 1.4fr)',
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
        <input
          type="search"
          className="input filter"
          placeholder="Filter by tag, digest or signer"
          aria-label="Filter signed tags"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
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
