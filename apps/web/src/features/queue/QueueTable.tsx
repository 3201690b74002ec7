/**
 * The recommendation queue as an accessible, virtualised table: only the rows in view are in the DOM, so a queue
 * of 100,000 items scrolls like one of 100. Pages are fetched by cursor as the user nears the end of what is
 * loaded. Column choice, order and width come from the persisted preferences; selection from the queue's UI store.
 * Rows are a roving tab stop: the keyboard's current row is the one focusable row.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { useElementWidth } from '../../shared/use-element-width.ts';
import { COLUMN_LABELS, queueColumns, queueFeatures } from './queue-columns.tsx';
import { useColumnOrder, useColumnSizing, useColumnVisibility, useQueuePreferenceActions } from './queue-preferences-store.ts';
import { useActiveId, useQueueUiActions, useSelection } from './queue-ui-store.ts';

/** Two lines of text: the combined columns show the entity over its change, and badges that wrap. */
export const ROW_HEIGHT = 52;
/** Start fetching the next page this many rows before the end of what is loaded. */
const PREFETCH_ROWS = 30;
const RESIZE_STEP = 16;

interface QueueTableProps {
  items: Recommendation[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** Moves DOM focus to the active row when it changes from the keyboard. */
  focusActive: boolean;
}

export function QueueTable({ items, total, hasNextPage, isFetchingNextPage, fetchNextPage, focusActive }: QueueTableProps) {
  const savedVisibility = useColumnVisibility();
  // A viewer selects nothing: there is nothing they could do with a selection.
  const canAct = useCanAct();
  const columnVisibility = canAct ? savedVisibility : { ...savedVisibility, select: false };
  const columnOrder = useColumnOrder();
  const savedSizing = useColumnSizing();
  const rowSelection = useSelection();
  const activeId = useActiveId();
  const { columnVisibilityChanged, columnOrderChanged, columnSizingChanged } = useQueuePreferenceActions();
  const { selectionChanged, rowActivated } = useQueueUiActions();

  // Narrower than the columns (1024 px): the wide text columns give way and their content wraps to a second line,
  // so what decides stays on screen instead of behind a horizontal scroll. A width the person set is kept.
  const scrollRef = useRef<HTMLDivElement>(null);
  const available = useElementWidth(scrollRef, 0);
  const columnSizing = fitToWidth(savedSizing, columnVisibility, available);

  const table = useTable({
    features: queueFeatures,
    columns: queueColumns,
    data: items,
    getRowId: (row) => row.id,
    state: { columnVisibility, columnOrder, columnSizing, rowSelection },
    onColumnVisibilityChange: columnVisibilityChanged,
    onColumnOrderChange: columnOrderChanged,
    onColumnSizingChange: columnSizingChanged,
    onRowSelectionChange: selectionChanged,
    columnResizeMode: 'onChange',
  });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 10,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= rows.length - PREFETCH_ROWS) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastVisible, rows.length, fetchNextPage]);

  const activeIndex = activeId ? rows.findIndex((row) => row.id === activeId) : -1;
  useEffect(() => {
    if (activeIndex < 0 || !focusActive) return;
    virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
    requestAnimationFrame(() =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-id="${activeId}"]`)?.focus({ preventScroll: true }),
    );
  }, [activeIndex, activeId, focusActive, virtualizer]);

  const totalWidth = table.getTotalSize();
  const tabStopId = activeIndex >= 0 ? activeId : rows[0]?.id;

  return (
    <div ref={scrollRef} className="queue-scroll">
      <table className="queue-table" aria-label="Recommendation queue" aria-rowcount={total + 1} style={{ width: totalWidth }}>
        <thead className="queue-head">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1} className="queue-row">
              {group.headers.map((header) => (
                <th
                  key={header.id}
                  scope="col"
                  // Named by the column alone: the resize handle inside would otherwise join the header's name.
                  aria-label={COLUMN_LABELS[header.column.id] ?? (header.column.id === 'select' ? 'Select' : 'Actions')}
                  className={`cell cell-${header.column.id}`}
                  style={{ width: header.getSize() }}
                >
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                  {header.column.getCanResize() ? (
                    // biome-ignore lint/a11y/useSemanticElements: a draggable, focusable splitter has no native element
                    <div
                      role="separator"
                      aria-orientation="vertical"
                      aria-label={`Resize ${COLUMN_LABELS[header.column.id] ?? header.column.id} column`}
                      aria-valuenow={header.getSize()}
                      aria-valuemin={40}
                      aria-valuemax={800}
                      tabIndex={0}
                      className={`resize-handle${header.column.getIsResizing() ? ' resizing' : ''}`}
                      onMouseDown={header.getResizeHandler()}
                      onTouchStart={header.getResizeHandler()}
                      onKeyDown={(event: KeyboardEvent) => {
                        const delta = event.key === 'ArrowRight' ? RESIZE_STEP : event.key === 'ArrowLeft' ? -RESIZE_STEP : 0;
                        if (!delta) return;
                        event.preventDefault();
                        columnSizingChanged((sizes) => ({ ...sizes, [header.column.id]: Math.max(60, header.getSize() + delta) }));
                      }}
                    />
                  ) : null}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="queue-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((virtualRow) => {
            const row = rows[virtualRow.index];
            if (!row) return null;
            const isActive = row.id === activeId;
            return (
              <tr
                key={row.id}
                data-row-id={row.id}
                aria-rowindex={virtualRow.index + 2}
                aria-selected={row.getIsSelected()}
                tabIndex={row.id === tabStopId ? 0 : -1}
                className={`queue-row${isActive ? ' active' : ''}${row.getIsSelected() ? ' selected' : ''}`}
                style={{ transform: `translateY(${virtualRow.start}px)`, width: totalWidth }}
                onFocus={(event) => {
                  if (event.target === event.currentTarget && !isActive) rowActivated(row.id);
                }}
                onClick={() => {
                  if (!isActive) rowActivated(row.id);
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={`cell cell-${cell.column.id}`} style={{ width: cell.column.getSize() }}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {isFetchingNextPage ? (
        <p role="status" className="loading-more">
          Loading more recommendations…
        </p>
      ) : null}
    </div>
  );
}

/** Columns that give way when the table is wider than its box, in order, down to these widths. */
const SHRINKABLE: ReadonlyArray<[string, number]> = [
  ['what', 200],
  ['state', 230],
  ['advertiser', 110],
];

/** The saved widths, with the shrinkable columns narrowed so the visible columns fit `available` pixels (if they can). */
export function fitToWidth(saved: Record<string, number>, visibility: Record<string, boolean>, available: number): Record<string, number> {
  if (available <= 0) return saved;
  const sizeOf = (id: string, size: number | undefined) => saved[id] ?? size ?? 150;
  const idOf = (c: (typeof queueColumns)[number]) => c.id ?? (c as { accessorKey?: string }).accessorKey ?? '';
  const visible = queueColumns.filter((c) => visibility[idOf(c)] !== false);
  let overflow = visible.reduce((sum, c) => sum + sizeOf(idOf(c), c.size), 0) - available;
  if (overflow <= 0) return saved;
  const fitted = { ...saved };
  for (const [id, min] of SHRINKABLE) {
    const column = visible.find((c) => idOf(c) === id);
    if (!column || saved[id] !== undefined || overflow <= 0) continue;
    const width = sizeOf(id, column.size);
    const next = Math.max(min, width - overflow);
    fitted[id] = next;
    overflow -= width - next;
  }
  return fitted;
}
