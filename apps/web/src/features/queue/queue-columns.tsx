/** The queue's columns. Defined once at module scope: TanStack Table needs stable column definitions. */
import { type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { createColumnHelper, tableFeatures } from '@tanstack/react-table';
import { formatChange, formatDateTime, formatRelative } from '../../shared/format.ts';

export const queueFeatures = tableFeatures({});
const column = createColumnHelper<typeof queueFeatures, Recommendation>();

function entityPath(item: Recommendation): string {
  const { entity } = item;
  const parts = [
    entity.campaignName ?? (entity.campaignId ? `Campaign ${entity.campaignId}` : null),
    entity.adGroupName,
    entity.targetText ?? entity.asin ?? entity.brandName,
  ];
  return parts.filter(Boolean).join(' › ') || entity.level;
}

export const queueColumns = column.columns([
  column.accessor('source', { header: 'Source', cell: (info) => SOURCE_LABELS[info.getValue()] }),
  column.accessor('advertiserName', {
    header: 'Advertiser',
    cell: (info) => (
      <span>
        {info.getValue() ?? info.row.original.advertiserId}
        {info.row.original.marketplace ? <span className="muted"> · {info.row.original.marketplace}</span> : null}
      </span>
    ),
  }),
  column.display({ id: 'entity', header: 'Entity', cell: (info) => entityPath(info.row.original) }),
  column.accessor('title', { header: 'Recommendation' }),
  column.accessor('action', { header: 'Proposed change', cell: (info) => formatChange(info.getValue()) }),
  column.accessor('confidence', { header: 'Confidence', cell: (info) => (info.getValue() === null ? '—' : info.getValue()?.toFixed(2)) }),
  column.accessor('impactScore', {
    header: 'Impact score',
    cell: (info) => (info.getValue() === null ? '—' : info.getValue()?.toFixed(1)),
  }),
  column.accessor('freshness', {
    header: 'Freshness',
    cell: (info) => <span className={`badge badge-${info.getValue()}`}>{info.getValue()}</span>,
  }),
  column.accessor('expiresAt', {
    header: 'Expires',
    cell: (info) => {
      const expiresAt = info.getValue();
      return expiresAt ? (
        <time dateTime={expiresAt} title={formatDateTime(expiresAt)}>
          {formatRelative(expiresAt)}
        </time>
      ) : (
        '—'
      );
    },
  }),
  column.accessor('status', { header: 'Status' }),
]);
