// A table that renders only the rows in view, so 10,000 signed tags scroll and filter without lag.
// Rows have one fixed height; the body is a tall spacer with the visible slice placed inside it.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** A CSS grid track: "minmax(8rem, 1fr)", "9rem", ... */
  width: string;
  render: (row: T) => ReactNode;
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  label: string;
  rowHeight?: number;
  /** Height of the scrolling body in pixels. */
  height?: number;
  empty?: ReactNode;
}

const OVERSCAN = 6;

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { rows, columns, rowKey, rowHeight = 36, height = 420 } = props;
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const template = columns.map((c) => c.width).join(' ');

  // A new filter can leave the scroll position past the end: bring it back into range.
  useLayoutEffect(() => {
    const element = body.current;
    if (element !== null && element.scrollTop > rows.length * rowHeight) {
      element.scrollTop = 0;
      setScrollTop(0);
    }
  }, [rows, rowHeight]);

  const viewHeight = Math.min(height, Math.max(rows.length, 1) * rowHeight);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / rowHeight) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div className="vtable" role="table" aria-label={props.label} aria-rowcount={rows.length + 1}>
      <div className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className="vtable-cell">
            {c.header}
          </div>
        ))}
      </div>
      {rows.length === 0 ? (
        <div className="vtable-empty">{props.empty ?? 'Nothing to show.'}</div>
      ) : (
        <div
          ref={body}
          className="vtable-body"
          style={{ height: viewHeight }}
          onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
          tabIndex={0}
        >
          <div className="vtable-spacer" style={{ height: rows.length * rowHeight }}>
            {visible.map((row, offset) => {
              const index = first + offset;
              return (
                <div
                  key={rowKey(row)}
                  role="row"
                  aria-rowindex={index + 2}
                  className={index % 2 === 0 ? 'vtable-row' : 'vtable-row odd'}
                  style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${index * rowHeight}px)` }}
                >
                  {columns.map((c) => (
                    <div key={c.key} role="cell" className="vtable-cell">
                      {c.render(row)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
