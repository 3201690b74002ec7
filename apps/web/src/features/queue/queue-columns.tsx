/**
 * The queue's columns, defined once at module scope (TanStack Table needs stable definitions). Cells that act
 * (selection, sorting, row actions) are small components so they can use hooks; the rest are plain formatting.
 */
import { AD_PRODUCT_LABELS, adProductOf, type Recommendation, type RecommendationSort, SOURCE_LABELS } from '@recdesk/shared-types';
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  rowSelectionFeature,
  tableFeatures,
} from '@tanstack/react-table';
import type { MouseEvent } from 'react';
import { formatChange, formatImpact, formatNumber } from '../../shared/format.ts';
import { useApproveRecommendation } from '../../shared/recommendations/approval-mutations.tsx';
import { ActionButton, isAllowed, isInsight, verdictOf } from '../../shared/recommendations/item-actions.tsx';
import { ExpiryBadge, FreshnessBadge, StatusBadge } from '../../shared/recommendations/RecommendationBadges.tsx';
import { useAcknowledgeInsight } from '../../shared/recommendations/recommendation-mutations.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { updateSearchParams, useSearchParams } from '../../shared/use-search-params.ts';
import { queueUiState, useIsSelected, useQueueUiActions } from './queue-ui-store.ts';

export const queueFeatures = tableFeatures({
  rowSelectionFeature,
  columnVisibilityFeature,
  columnOrderingFeature,
  columnSizingFeature,
  columnResizingFeature,
});
const column = createColumnHelper<typeof queueFeatures, Recommendation>();

export function entityPath(item: Recommendation): string {
  const { entity } = item;
  const parts = [
    entity.campaignName ?? (entity.campaignId ? `Campaign ${entity.campaignId}` : null),
    entity.adGroupName ?? (entity.adGroupId ? `Ad group ${entity.adGroupId}` : null),
    entity.targetText ?? entity.asin ?? entity.brandName,
  ];
  return parts.filter(Boolean).join(' › ') || entity.level;
}

/** What the server says the person may do now (the BFF's allowed-actions, carried on every item). */
export const canApprove = (item: Recommendation) => isAllowed(item, 'approve');
export const canReject = (item: Recommendation) => isAllowed(item, 'reject');

/** A header that sorts the server-side list by this key (the API sorts each key in one fixed direction). */
function SortHeader({ label, sort, direction }: { label: string; sort: RecommendationSort; direction: 'ascending' | 'descending' }) {
  // The raw parameter, not the parsed filters: headers render on every scroll frame, and a valid sort equals its text.
  const [params] = useSearchParams();
  const active = params.get('sort') === sort;
  return (
    <button
      type="button"
      className="sort-button"
      aria-pressed={active}
      title={`Sort by ${label.toLowerCase()} (${direction === 'ascending' ? 'soonest' : 'highest'} first)`}
      onClick={() => updateSearchParams({ sort: active ? undefined : sort })}
    >
      {label}
      <span aria-hidden="true">{active ? (direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
    </button>
  );
}

function SelectCell({ item, index, ids }: { item: Recommendation; index: number; ids: () => string[] }) {
  const selected = useIsSelected(item.id);
  const { rowToggled, rangeSelected } = useQueueUiActions();
  const onClick = (event: MouseEvent<HTMLInputElement>) => {
    const { anchorId } = queueUiState();
    if (event.shiftKey && anchorId && anchorId !== item.id) {
      const all = ids();
      const from = all.indexOf(anchorId);
      if (from >= 0) {
        const [start, end] = from < index ? [from, index] : [index, from];
        const range = all.slice(start, end + 1);
        rangeSelected(from < index ? range : range.reverse(), !selected);
        return;
      }
    }
    rowToggled(item.id);
  };
  return <input type="checkbox" checked={selected} onChange={() => undefined} onClick={onClick} aria-label={`Select ${item.title}`} />;
}

/**
 * A row's actions. Rows only write to the URL (open the drawer or the conflicts), never read it: a row that
 * subscribed to the location would re-render on every filter keystroke and every row mount would parse it.
 */
function RowActions({ item }: { item: Recommendation }) {
  const canAct = useCanAct();
  return (
    <span className="row-actions">
      <button type="button" className="button-small button-secondary" onClick={() => updateSearchParams({ item: item.id })}>
        Details
      </button>
      {!canAct ? null : isInsight(item) ? <InsightActions item={item} /> : <ChangeActions item={item} />}
    </span>
  );
}

/** Acknowledge or dismiss: an insight has nothing to apply (one mutation per row, only the one it can use). */
function InsightActions({ item }: { item: Recommendation }) {
  const acknowledge = useAcknowledgeInsight();
  return (
    <>
      <ActionButton
        item={item}
        action="acknowledge"
        className="button-small"
        busy={acknowledge.isPending}
        onClick={() => acknowledge.mutate({ item })}
      >
        Acknowledge
      </ActionButton>
      <ActionButton
        item={item}
        action="dismiss"
        className="button-small button-secondary"
        onClick={() => updateSearchParams({ item: item.id })}
      >
        Dismiss…
      </ActionButton>
    </>
  );
}

function ChangeActions({ item }: { item: Recommendation }) {
  const approve = useApproveRecommendation();
  const { dialogOpened } = useQueueUiActions();
  const approveVerdict = verdictOf(item, 'approve');
  return (
    <>
      {approveVerdict.reason === 'conflict' ? (
        <button type="button" className="button-small" onClick={() => updateSearchParams({ conflictsOf: item.id })}>
          Resolve
        </button>
      ) : (
        <ActionButton
          item={item}
          action="approve"
          className="button-small"
          busy={approve.isPending}
          onClick={() => (item.controlGroup ? dialogOpened({ type: 'leave-control', id: item.id }) : approve.mutate({ item }))}
        >
          Approve
        </ActionButton>
      )}
      {typeof item.action.to === 'number' && approveVerdict.reason !== 'no_writer' && approveVerdict.reason !== 'conflict' ? (
        <ActionButton
          item={item}
          action="edit"
          className="button-small button-secondary"
          onClick={() => dialogOpened({ type: 'edit', id: item.id })}
        >
          Edit
        </ActionButton>
      ) : null}
      <ActionButton
        item={item}
        action="reject"
        className="button-small button-danger"
        onClick={() => dialogOpened({ type: 'reject', id: item.id })}
      >
        Reject
      </ActionButton>
    </>
  );
}

/** The advertiser's name, which filters the queue to that advertiser: the quickest way to one client's work. */
function AdvertiserCell({ item }: { item: Recommendation }) {
  const name = item.advertiserName ?? item.advertiserId;
  const product = adProductOf(item.source);
  return (
    <span>
      <button
        type="button"
        className="link-button"
        title={`Show only ${name} (${item.advertiserId})`}
        onClick={(event) => {
          event.stopPropagation();
          updateSearchParams({ advertiserId: item.advertiserId });
        }}
      >
        {name}
      </button>
      {item.marketplace ? <span className="muted"> · {item.marketplace}</span> : null}
      {product ? (
        <span className="muted" title={AD_PRODUCT_LABELS[product]}>
          {' '}
          · {product}
        </span>
      ) : null}
    </span>
  );
}

/** A warning triangle drawn inline (a symbol from a font may render as a box where the font is missing). */
function WarningIcon() {
  return (
    <svg className="badge-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d="M8 1.5 15 14.5H1Z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      <path d="M8 6v4M8 11.75v.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

function ConflictWarning({ item }: { item: Recommendation }) {
  if (item.conflictIds.length === 0) return null;
  return (
    <button type="button" className="conflict-warning" onClick={() => updateSearchParams({ conflictsOf: item.id })}>
      <WarningIcon />
      Open conflict
    </button>
  );
}

const dash = '—';

/**
 * What changes: the recommendation on one line; the change (from → to with currency and percent) and the entity it
 * changes on the next, the change first so a narrow column cuts the entity, never the values.
 */
function ChangeCell({ item }: { item: Recommendation }) {
  const path = entityPath(item);
  return (
    <span className="cell-stack" title={`${item.title}\n${formatChange(item.action)} · ${path}`}>
      <span className="cell-line">{item.title}</span>
      <span className="cell-line">
        <strong>{formatChange(item.action)}</strong> <span className="muted">· {path}</span>
      </span>
    </span>
  );
}

/** One state column: status (with validation), freshness, expiry countdown and the conflict, side by side. */
function StateCell({ item }: { item: Recommendation }) {
  return (
    <span className="state-cell">
      <StatusBadge item={item} />
      <FreshnessBadge item={item} />
      <ExpiryBadge expiresAt={item.expiresAt} />
      <ConflictWarning item={item} />
    </span>
  );
}

export const queueColumns = column.columns([
  column.display({
    id: 'select',
    header: () => <span className="sr-only">Select</span>,
    cell: (info) => (
      <SelectCell item={info.row.original} index={info.row.index} ids={() => info.table.getRowModel().rows.map((row) => row.id)} />
    ),
    size: 40,
    enableHiding: false,
    enableResizing: false,
  }),
  column.accessor('advertiserName', {
    id: 'advertiser',
    header: 'Advertiser',
    cell: (info) => <AdvertiserCell item={info.row.original} />,
    size: 170,
  }),
  column.display({
    id: 'what',
    header: 'What changes',
    cell: (info) => <ChangeCell item={info.row.original} />,
    size: 380,
  }),
  column.display({
    id: 'state',
    header: 'State',
    cell: (info) => <StateCell item={info.row.original} />,
    size: 250,
  }),
  column.display({
    id: 'entity',
    header: 'Entity',
    cell: (info) => <span title={entityPath(info.row.original)}>{entityPath(info.row.original)}</span>,
    size: 220,
  }),
  column.accessor('title', { header: 'Recommendation', size: 260 }),
  column.accessor('action', {
    id: 'change',
    header: 'Proposed change',
    cell: (info) => <span title={info.row.original.title}>{formatChange(info.getValue())}</span>,
    size: 210,
  }),
  column.accessor('source', { header: 'Source', cell: (info) => SOURCE_LABELS[info.getValue()], size: 150 }),
  column.accessor((item) => adProductOf(item.source), {
    id: 'adProduct',
    header: 'Ad product',
    cell: (info) => {
      const product = info.getValue();
      return product ? AD_PRODUCT_LABELS[product] : dash;
    },
    size: 150,
  }),
  column.accessor('kind', { header: 'Kind', size: 90 }),
  column.accessor('goal', { header: 'Goal', size: 100 }),
  column.accessor('confidence', {
    header: () => <SortHeader label="Confidence" sort="confidence" direction="descending" />,
    cell: (info) => (info.getValue() === null ? dash : formatNumber(info.getValue() ?? 0, 2)),
    size: 110,
  }),
  column.accessor('impactScore', {
    header: () => <SortHeader label="Impact score" sort="impactScore" direction="descending" />,
    cell: (info) => (info.getValue() === null ? dash : formatNumber(info.getValue() ?? 0, 1)),
    size: 120,
  }),
  column.accessor('priority', {
    header: () => <SortHeader label="Priority" sort="priority" direction="descending" />,
    cell: (info) => (info.getValue() === null ? dash : formatNumber(info.getValue() ?? 0, 1)),
    size: 95,
  }),
  column.accessor('estimatedImpact', {
    header: 'Estimated impact',
    cell: (info) => {
      const [first, ...rest] = info.getValue();
      if (!first) return dash;
      const all = info.getValue().map(formatImpact).join('; ');
      return (
        <span title={all}>
          {formatImpact(first)}
          {rest.length > 0 ? <span className="muted"> +{rest.length}</span> : null}
        </span>
      );
    },
    size: 190,
  }),
  column.accessor('freshness', { header: 'Freshness', cell: (info) => <FreshnessBadge item={info.row.original} />, size: 95 }),
  column.accessor('expiresAt', {
    id: 'expiry',
    header: () => <SortHeader label="Expiry" sort="expiresAt" direction="ascending" />,
    cell: (info) => <ExpiryBadge expiresAt={info.getValue()} />,
    size: 125,
  }),
  column.accessor('status', {
    header: 'Status',
    cell: (info) => (
      <span className="status-with-conflict">
        <StatusBadge item={info.row.original} />
        <ConflictWarning item={info.row.original} />
      </span>
    ),
    size: 230,
  }),
  column.display({
    id: 'actions',
    header: 'Actions',
    cell: (info) => <RowActions item={info.row.original} />,
    // Wide enough for an insight's three buttons (Details, Acknowledge, Dismiss…), which 270 px cut off.
    size: 290,
    enableHiding: false,
    enableResizing: false,
  }),
]);

/** Column names for the columns menu (headers that are buttons or icons need a plain name). */
export const COLUMN_LABELS: Record<string, string> = {
  advertiser: 'Advertiser',
  what: 'What changes',
  state: 'State',
  entity: 'Entity',
  title: 'Recommendation',
  change: 'Proposed change',
  source: 'Source',
  adProduct: 'Ad product',
  kind: 'Kind',
  goal: 'Goal',
  confidence: 'Confidence',
  impactScore: 'Impact score',
  priority: 'Priority',
  estimatedImpact: 'Estimated impact',
  freshness: 'Freshness',
  expiry: 'Expiry',
  status: 'Status',
};
