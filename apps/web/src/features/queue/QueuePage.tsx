/**
 * The queue screen: lanes and filters in the URL, saved views, the virtualised table with infinite scroll, bulk
 * selection (including every item matching the filter, collected page by page), the keyboard, and the dialogs and
 * detail drawer those open.
 */
import { type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { formatNumber } from '../../shared/format.ts';
import { noticeActions } from '../../shared/notices-store.ts';
import { useApproveRecommendation } from '../../shared/recommendations/approval-mutations.tsx';
import { EditApproveDialog } from '../../shared/recommendations/EditApproveDialog.tsx';
import { verdictOf } from '../../shared/recommendations/item-actions.tsx';
import { LeaveControlGroupDialog } from '../../shared/recommendations/LeaveControlGroupDialog.tsx';
import { RejectDialog } from '../../shared/recommendations/RejectDialog.tsx';
import { unreadableRows } from '../../shared/recommendations/readable-page.ts';
import { useRejectRecommendation } from '../../shared/recommendations/recommendation-mutations.ts';
import { collectMatching, recommendationQueries, runSync } from '../../shared/recommendations/recommendation-queries.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { PanelErrorBoundary } from '../../shared/ui/ErrorBoundaries.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { retryableLazy } from '../../shared/ui/retryable-lazy.ts';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { BulkConfirmDialog } from './BulkConfirmDialog.tsx';
import { ColumnsMenu } from './ColumnsMenu.tsx';
import { KeyboardHelpDialog } from './KeyboardHelpDialog.tsx';
import { QueueFilterBar } from './QueueFilterBar.tsx';
import { QueueLanes } from './QueueLanes.tsx';
import { QueueTable } from './QueueTable.tsx';
import { canApprove, canReject } from './queue-columns.tsx';
import { totalLabel } from './queue-total.ts';
import { queueUiState, useActiveId, useQueueDialog, useQueueUiActions, useSelectedCount, useSelection } from './queue-ui-store.ts';
import { SavedViews } from './SavedViews.tsx';
import { FILTER_KEYS, type FilterUpdate, parseQueueFilters, toSearch } from './use-queue-filters.ts';
import { useQueueKeyboard } from './use-queue-keyboard.ts';

const NO_ITEMS: Recommendation[] = [];

// The drawer loads on first use: it is not needed to show the queue.
const RecommendationDrawer = retryableLazy(() => import('./RecommendationDrawer.tsx').then((m) => ({ default: m.RecommendationDrawer })));

export function QueuePage() {
  const [params, setSearch] = useSearchParams();
  const filters = parseQueueFilters(params);
  const filterKey = toSearch(filters);
  const setFilters = (next: FilterUpdate) => setSearch(next);
  const openItemId = params.get('item');

  const queryClient = useQueryClient();
  const query = useInfiniteQuery(recommendationQueries.list(filters));
  // Deduplicated: an item that moved between two page fetches must not show twice.
  const items = useMemo(
    () => (query.data ? [...new Map(query.data.pages.flatMap((page) => page.items).map((item) => [item.id, item])).values()] : NO_ITEMS),
    [query.data],
  );
  const total = query.data?.pages[0]?.total ?? 0;
  const totalIsEstimate = query.data?.pages[0]?.totalIsEstimate ?? false;
  const unreadable = unreadableRows(query.data?.pages);

  const { selectionCleared, rangeSelected, rowActivated, rowToggled, dialogOpened, dialogClosed } = useQueueUiActions();
  const selectedCount = useSelectedCount();
  const selection = useSelection();
  const activeId = useActiveId();
  const dialog = useQueueDialog();
  const [focusActive, setFocusActive] = useState(false);

  // "Select all matching": every page of the current filter, collected on demand.
  const [collecting, setCollecting] = useState<{ collected: number; total: number; estimate: boolean } | null>(null);
  const [matchRequested, setMatchRequested] = useState(false);
  const matching = useQuery({
    queryKey: [...recommendationQueries.all(), 'matching', filters] as const,
    queryFn: ({ signal }) =>
      collectMatching(filters, { signal, onProgress: (collected, all, estimate) => setCollecting({ collected, total: all, estimate }) }),
    enabled: matchRequested,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 10 * 60_000,
  });
  useEffect(() => {
    if (!matchRequested || !matching.data) return;
    rangeSelected(
      matching.data.map((item) => item.id),
      true,
    );
    setMatchRequested(false);
    setCollecting(null);
  }, [matching.data, matchRequested, rangeSelected]);

  // A new filter starts a new selection: what was selected may not be in view any more.
  const previousFilterKey = useRef(filterKey);
  useEffect(() => {
    if (previousFilterKey.current === filterKey) return;
    previousFilterKey.current = filterKey;
    selectionCleared();
    setMatchRequested(false);
    setCollecting(null);
  }, [filterKey, selectionCleared]);

  /** Every item the page knows, the freshest copy winning (loaded pages after the "all matching" collection). */
  const known = useMemo(() => new Map([...(matching.data ?? []), ...items].map((item) => [item.id, item])), [matching.data, items]);
  const findItem = (id: string): Recommendation | undefined =>
    known.get(id) ?? queryClient.getQueryData(recommendationQueries.detail(id).queryKey);

  const staleSources = useMemo(() => {
    const bySource = new Map<string, { stale: number; all: number }>();
    for (const item of items) {
      const counts = bySource.get(item.source) ?? { stale: 0, all: 0 };
      counts.all++;
      if (item.freshness === 'stale') counts.stale++;
      bySource.set(item.source, counts);
    }
    return [...bySource].filter(([, c]) => c.stale === c.all).map(([source]) => source as keyof typeof SOURCE_LABELS);
  }, [items]);

  const sync = useMutation({
    mutationFn: runSync,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() }),
  });
  const approve = useApproveRecommendation();
  const reject = useRejectRecommendation();

  const canAct = useCanAct();
  const active = activeId ? known.get(activeId) : undefined;
  const tell = (title: string, detail?: string) => noticeActions().noticeAdded({ tone: 'info', title, ...(detail ? { detail } : {}) });
  const move = (by: 1 | -1) => {
    const index = activeId ? items.findIndex((item) => item.id === activeId) : -1;
    const next = items[Math.min(items.length - 1, Math.max(0, index + by))];
    if (next) {
      setFocusActive(true);
      rowActivated(next.id);
    }
  };
  // A viewer's shortcuts change nothing: the state-changing keys do nothing at all for them.
  useQueueKeyboard(
    {
      move,
      toggleSelect: () => canAct && active && rowToggled(active.id),
      open: () => active && setSearch({ item: active.id }),
      approve: () => {
        if (!canAct || !active) return;
        const verdict = verdictOf(active, 'approve');
        if (verdict.reason === 'conflict') setSearch({ conflictsOf: active.id });
        else if (verdict.allowed && active.controlGroup) dialogOpened({ type: 'leave-control', id: active.id });
        else if (verdict.allowed) {
          approve.mutate({ item: active });
          // Focus goes on to the next row: the keyboard keeps its place in the queue.
          move(1);
        } else tell(`“${active.title}” cannot be approved`, verdict.message ?? undefined);
      },
      edit: () =>
        canAct && active && canApprove(active) && typeof active.action.to === 'number' && dialogOpened({ type: 'edit', id: active.id }),
      reject: () => {
        if (!canAct || !active) return;
        if (canReject(active)) dialogOpened({ type: 'reject', id: active.id });
        else tell(`“${active.title}” cannot be rejected`, verdictOf(active, 'reject').message ?? undefined);
      },
      search: () => document.querySelector<HTMLInputElement>('.filters input[type="search"]')?.focus(),
      help: () => dialogOpened({ type: 'help' }),
    },
    items,
  );

  const dialogItem =
    dialog && (dialog.type === 'reject' || dialog.type === 'edit' || dialog.type === 'leave-control') ? findItem(dialog.id) : undefined;
  const selectedIds = Object.keys(selection);
  const selectedItems = dialog?.type === 'bulk' ? selectedIds.map((id) => known.get(id)).filter((item) => item !== undefined) : NO_ITEMS;
  const filtered = FILTER_KEYS.some((key) => filters[key] !== undefined);

  return (
    <section aria-labelledby="queue-heading" className="page">
      <header className="page-header">
        <h1 id="queue-heading">Recommendations</h1>
        <div className="page-header-actions">
          <button type="button" className="button-secondary" onClick={() => dialogOpened({ type: 'help' })} aria-keyshortcuts="?">
            Keyboard shortcuts
          </button>
          {canAct ? (
            <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
              {sync.isPending ? 'Syncing…' : 'Sync now'}
            </button>
          ) : null}
        </div>
      </header>
      {sync.isSuccess ? (
        <p role="status">
          Synced:{' '}
          {sync.data.sources
            .map((s) => `${SOURCE_LABELS[s.source]} ${s.fetched} fetched, ${s.stored} new or changed, ${s.quarantined} quarantined`)
            .join('; ')}
        </p>
      ) : null}
      {sync.isError ? <ProblemMessage error={sync.error} fallback="The sync failed" onRetry={() => sync.mutate()} /> : null}

      <QueueLanes filters={filters} setFilters={setFilters} />
      <QueueFilterBar filters={filters} setFilters={setFilters} />
      <div className="toolbar">
        <SavedViews
          search={filterKey}
          onOpen={(search) => setSearch(Object.fromEntries([...FILTER_KEYS.map((k) => [k, undefined]), ...new URLSearchParams(search)]))}
        />
        <ColumnsMenu />
      </div>

      {staleSources.length > 0 ? (
        <p className="banner banner-warning">
          Every loaded item from {staleSources.map((s) => SOURCE_LABELS[s]).join(', ')} is stale: its data may no longer match the
          campaigns.{canAct ? ' Press “Sync now” to fetch the latest.' : ''}
        </p>
      ) : null}

      {query.isPending ? (
        <div className="skeleton-table" role="status" aria-label="Loading recommendations">
          {Array.from({ length: 8 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <div key={i} className="skeleton-line" />
          ))}
        </div>
      ) : query.isError && items.length === 0 ? (
        <ProblemMessage error={query.error} fallback="The recommendations could not be loaded" onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <div className="empty-state">
          {filtered ? (
            <>
              <p>No recommendations match these filters.</p>
              <p>Clear a filter or choose another queue; items that expired or were acted on leave the open lanes.</p>
              <button
                type="button"
                className="button-secondary"
                onClick={() => setSearch(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}
              >
                Show all recommendations
              </button>
            </>
          ) : (
            <>
              <p>No recommendations yet.</p>
              <p>{canAct ? 'Press “Sync now” to fetch the latest from Amazon Ads.' : 'They arrive with the next sync.'}</p>
            </>
          )}
        </div>
      ) : (
        <>
          {query.isError ? (
            // A refetch failed (offline, a server restart): the rows on screen stay, marked as possibly out of date.
            <ProblemMessage
              error={query.error}
              fallback="The list could not be refreshed; it shows what was last loaded"
              onRetry={() => query.refetch()}
            />
          ) : null}
          {unreadable > 0 ? (
            <p className="banner banner-warning" role="status">
              {formatNumber(unreadable, 0)} {unreadable === 1 ? 'item is' : 'items are'} not shown: the server sent values this version of
              the page does not know. Reload the page to get the latest version.
            </p>
          ) : null}
          <section aria-label="Bulk actions" className="bulk-bar">
            <p className="muted">
              Showing {formatNumber(items.length, 0)} of {totalLabel(total, totalIsEstimate)}
              {selectedCount > 0 ? ` · ${formatNumber(selectedCount, 0)} selected` : ''}
            </p>
            {!canAct ? null : collecting || matching.isFetching ? (
              <>
                <p role="status">
                  Collecting every match…{' '}
                  {collecting ? `${formatNumber(collecting.collected, 0)} of ${totalLabel(collecting.total, collecting.estimate)}` : ''}
                </p>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => {
                    setMatchRequested(false);
                    setCollecting(null);
                    void queryClient.cancelQueries({ queryKey: [...recommendationQueries.all(), 'matching'] });
                  }}
                >
                  Cancel
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  if (matching.data)
                    rangeSelected(
                      matching.data.map((item) => item.id),
                      true,
                    );
                  else setMatchRequested(true);
                }}
              >
                Select all {totalLabel(total, totalIsEstimate)} matching
              </button>
            )}
            {matching.isError ? (
              <ProblemMessage
                error={matching.error}
                fallback="Not every match could be collected"
                onRetry={() => setMatchRequested(true)}
              />
            ) : null}
            {canAct && selectedCount > 0 ? (
              <>
                <button type="button" onClick={() => dialogOpened({ type: 'bulk', action: 'approve' })}>
                  Approve selected
                </button>
                <button type="button" onClick={() => dialogOpened({ type: 'bulk', action: 'apply' })}>
                  Apply selected
                </button>
                <button type="button" className="button-danger" onClick={() => dialogOpened({ type: 'bulk', action: 'reject' })}>
                  Reject selected
                </button>
                <button type="button" className="button-secondary" onClick={selectionCleared}>
                  Clear selection
                </button>
              </>
            ) : null}
          </section>
          <QueueTable
            items={items}
            total={total}
            totalIsEstimate={totalIsEstimate}
            hasNextPage={query.hasNextPage}
            isFetchingNextPage={query.isFetchingNextPage}
            fetchNextPage={query.fetchNextPage}
            focusActive={focusActive}
          />
        </>
      )}

      {openItemId ? (
        <PanelErrorBoundary title="Recommendation" onClose={() => setSearch({ item: undefined })}>
          <Suspense fallback={null}>
            <RecommendationDrawer id={openItemId} onClose={() => setSearch({ item: undefined })} />
          </Suspense>
        </PanelErrorBoundary>
      ) : null}
      {dialog?.type === 'help' ? <KeyboardHelpDialog onClose={dialogClosed} /> : null}
      {dialog?.type === 'edit' && dialogItem ? <EditApproveDialog item={dialogItem} onClose={dialogClosed} /> : null}
      {dialog?.type === 'leave-control' && dialogItem ? <LeaveControlGroupDialog item={dialogItem} onClose={dialogClosed} /> : null}
      {dialog?.type === 'reject' && dialogItem ? (
        <RejectDialog
          title="Reject recommendation"
          summary={<p>{dialogItem.title}</p>}
          onClose={dialogClosed}
          onReject={(reason, note) => {
            reject.mutate({ item: dialogItem, reason, ...(note ? { note } : {}) });
            dialogClosed();
            if (activeId === dialogItem.id) move(1);
          }}
        />
      ) : null}
      {dialog?.type === 'bulk' ? (
        <BulkConfirmDialog
          action={dialog.action}
          items={selectedItems}
          missing={selectedIds.length - selectedItems.length}
          onClose={dialogClosed}
          onDone={(doneIds) => {
            const { selection: current } = queueUiState();
            rangeSelected(
              doneIds.filter((id) => current[id]),
              false,
            );
          }}
        />
      ) : null}
    </section>
  );
}
