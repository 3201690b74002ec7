/**
 * The recommendation queue as an accessible, virtualised table: only the rows in view are in the DOM, so a queue
 * of 100,000 items scrolls like one of 100. Pages are fetched by cursor as the user nears the end of what is
 * loaded. Column choice, order and width come from the persisted preferences; selection from the queue's UI store.
 * Rows are a roving tab stop: the keyboard's current row is the one focusable row.
 */
import type { Recommendation } from '@recdesk/shared-types';
import type { Row } from '@tanstack/react-table';
import { FlexRender, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, memo, useCallback, useEffect, useMemo, useRef } from 'react';
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
const estimateRowSize = () => ROW_HEIGHT;

/**
 * The scroll box's last measured size: a new filter mounts a new table, and starting from the size it had (instead
 * of zero) lays its rows out once, at their final widths, instead of twice.
 */
const lastBox = { width: 0, height: 0 };

interface QueueTableProps {
  items: Recommendation[];
  total: number;
  /** The total is the server's estimate (over 1,000 match): the row count is then unknown to assistive technology. */
  totalIsEstimate?: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** Moves DOM focus to the active row when it changes from the keyboard. */
  focusActive: boolean;
}

export function QueueTable({
  items,
  total,
  totalIsEstimate = false,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  focusActive,
}: QueueTableProps) {
  const savedVisibility = useColumnVisibility();
  // A viewer selects nothing: there is nothing they could do with a selection.
  const canAct = useCanAct();
  // Memoised: a new state object on every render would make the table recompute its columns on every scroll frame.
  const columnVisibility = useMemo(() => (canAct ? savedVisibility : { ...savedVisibility, select: false }), [canAct, savedVisibility]);
  const columnOrder = useColumnOrder();
  const savedSizing = useColumnSizing();
  const rowSelection = useSelection();
  const activeId = useActiveId();
  const { columnVisibilityChanged, columnOrderChanged, columnSizingChanged } = useQueuePreferenceActions();
  const { selectionChanged, rowActivated } = useQueueUiActions();

  // Narrower than the columns (1024 px): the wide text columns give way and their content wraps to a second line,
  // so what decides stays on screen instead of behind a horizontal scroll. A width the person set is kept.
  const scrollRef = useRef<HTMLDivElement>(null);
  const available = useElementWidth(scrollRef, lastBox.width);
  lastBox.width = available;
  const columnSizing = useMemo(() => fitToWidth(savedSizing, columnVisibility, available), [savedSizing, columnVisibility, available]);

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

  // Stable between renders: the virtualiser recomputes every row's position whenever its key function changes, which
  // on every scroll frame cost a pass over all loaded rows.
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize: estimateRowSize,
    getItemKey,
    overscan: 10,
    initialRect: lastBox,
    onChange: (instance) => {
      const rect = instance.scrollRect;
      if (rect && rect.height > 0) lastBox.height = rect.height;
    },
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
  // What a row's cells depend on besides its item: which columns show, in what order and how wide.
  const layout = table
    .getVisibleLeafColumns()
    .map((column) => `${column.id}:${column.getSize()}`)
    .join(',');

  return (
    <div ref={scrollRef} className={`queue-scroll${totalWidth > available ? ' overflowing' : ''}`}>
      <table
        className="queue-table"
        aria-label="Recommendation queue"
        aria-rowcount={totalIsEstimate ? -1 : total + 1}
        style={{ width: totalWidth }}
      >
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
            return (
              <QueueRow
                key={row.id}
                row={row}
                item={row.original}
                index={virtualRow.index}
                start={virtualRow.start}
                width={totalWidth}
                layout={layout}
                isActive={row.id === activeId}
                isSelected={row.getIsSelected()}
                isTabStop={row.id === tabStopId}
                rowActivated={rowActivated}
              />
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

interface QueueRowProps {
  row: Row<typeof queueFeatures, Recommendation>;
  item: Recommendation;
  index: number;
  start: number;
  width: number;
  /** The visible columns and their widths, as one string: a row re-renders when it changes. */
  layout: string;
  isActive: boolean;
  isSelected: boolean;
  isTabStop: boolean;
  rowActivated: (id: string) => void;
}

/**
 * One row, memoised: scrolling re-renders the table on every frame, and only the rows that enter the view (or whose
 * item, place, state or columns changed) render again. The row object itself is not compared: the table may hand out
 * a new one for the same item; what it renders is decided by the compared props.
 */
const QueueRow = memo(
  function QueueRow({ row, item, index, start, width, isActive, isSelected, isTabStop, rowActivated }: QueueRowProps) {
    return (
      <tr
        data-row-id={item.id}
        aria-rowindex={index + 2}
        aria-selected={isSelected}
        tabIndex={isTabStop ? 0 : -1}
        className={`queue-row${isActive ? ' active' : ''}${isSelected ? ' selected' : ''}`}
        style={{ transform: `translateY(${start}px)`, width }}
        onFocus={(event) => {
          if (event.target === event.currentTarget && !isActive) rowActivated(item.id);
        }}
        onClick={() => {
          if (!isActive) rowActivated(item.id);
        }}
      >
        {row.getVisibleCells().map((cell) => (
          <td key={cell.id} className={`cell cell-${cell.column.id}`} style={{ width: cell.column.getSize() }}>
            <FlexRender cell={cell} />
          </td>
        ))}
      </tr>
    );
  },
  (prev, next) =>
    prev.item === next.item &&
    prev.index === next.index &&
    prev.start === next.start &&
    prev.width === next.width &&
    prev.layout === next.layout &&
    prev.isActive === next.isActive &&
    prev.isSelected === next.isSelected &&
    prev.isTabStop === next.isTabStop &&
    prev.rowActivated === next.rowActivated,
);

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
