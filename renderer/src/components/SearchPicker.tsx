// A picker for long lists (a repository's 10,000 tags): a search box over a short list of matches,
// not a native <select> of every option, which takes seconds to fill and cannot be searched.
import { useDeferredValue, useMemo, useState } from 'react';

export interface PickerOption {
  value: string;
  label: string;
  /** Shown after the label, and searched too (e.g. the signers). */
  detail?: string;
}

const SHOWN = 50;

export function SearchPicker(props: { label: string; options: readonly PickerOption[]; value: string; onChange: (value: string) => void; placeholder?: string }) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const index = useMemo(() => props.options.map((o) => `${o.label} ${o.detail ?? ''}`.toLowerCase()), [props.options]);
  const matches = useMemo(() => {
    const needle = deferred.trim().toLowerCase();
    const found: PickerOption[] = [];
    let total = 0;
    for (const [i, option] of props.options.entries()) {
      if (needle !== '' && !index[i]!.includes(needle)) continue;
      total++;
      if (found.length < SHOWN) found.push(option);
    }
    return { found, total };
  }, [props.options, index, deferred]);
  const chosen = props.options.find((o) => o.value === props.value);
  return (
    <div className="search-picker">
      <input
        type="search"
        className="input"
        aria-label={`Search: ${props.label}`}
        placeholder={props.placeholder ?? 'Type to search'}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div role="listbox" aria-label={props.label} className="search-picker-list">
        {matches.found.map((option) => (
          <div
            key={option.value}
            role="option"
            tabIndex={0}
            aria-selected={option.value === props.value}
            className={`search-picker-option${option.value === props.value ? ' selected' : ''}`}
            onClick={() => props.onChange(option.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                props.onChange(option.value);
              }
            }}
          >
            <span className="strong">{option.label}</span>
            {option.detail === undefined ? null : <span className="muted small"> {option.detail}</span>}
          </div>
        ))}
      </div>
      <p className="muted small" data-testid="picker-count">
        {matches.total > matches.found.length ? `Showing ${matches.found.length} of ${matches.total.toLocaleString('en-US')} matches: type to narrow.` : `${matches.total.toLocaleString('en-US')} shown.`}
        {chosen === undefined ? '' : ` Chosen: ${chosen.label}.`}
      </p>
    </div>
  );
}
