/**
 * Everything about one item, in a side panel opened from the queue (`?item=<id>`, so a link opens it): the source's
 * explanation, the estimated impact, the entity and its current values, conflicts, the history of who did what
 * when, and the raw upstream payload. Each part loads and fails on its own.
 */
import { AD_PRODUCT_LABELS, adProductOf, type RecommendationDetail, SOURCE_LABELS } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApplyItemButton } from '../../shared/apply/ApplyItemButton.tsx';
import { UndoButton } from '../../shared/apply/UndoButton.tsx';
import { fieldLabel, formatActionValue, formatChange, formatDateTime, formatImpact, formatNumber } from '../../shared/format.ts';
import { useApproveRecommendation, useUnapproveRecommendation } from '../../shared/recommendations/approval-mutations.tsx';
import { DismissDialog } from '../../shared/recommendations/DismissDialog.tsx';
import { ActionButton, isAllowed, isInsight, verdictOf } from '../../shared/recommendations/item-actions.tsx';
import { ExpiryBadge, FreshnessBadge, StatusBadge } from '../../shared/recommendations/RecommendationBadges.tsx';
import {
  useAcknowledgeInsight,
  useDismissInsight,
  useRevalidateRecommendation,
} from '../../shared/recommendations/recommendation-mutations.ts';
import { recommendationQueries } from '../../shared/recommendations/recommendation-queries.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { Dialog } from '../../shared/ui/Dialog.tsx';
import { useItemSections } from '../../shared/ui/item-sections.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { entityPath } from './queue-columns.tsx';
import { useQueueUiActions } from './queue-ui-store.ts';

export function RecommendationDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const detail = useQuery(recommendationQueries.detail(id));
  return (
    <Dialog variant="drawer" title={detail.data?.title ?? 'Recommendation'} onClose={onClose}>
      {detail.isPending ? (
        <div className="skeleton-block" role="status" aria-label="Loading the recommendation">
          <div className="skeleton-line" />
          <div className="skeleton-line" />
          <div className="skeleton-line short" />
        </div>
      ) : detail.isError ? (
        <ProblemMessage error={detail.error} fallback="This recommendation could not be loaded" onRetry={() => detail.refetch()} />
      ) : (
        <DrawerContent item={detail.data} />
      )}
    </Dialog>
  );
}

function DrawerContent({ item }: { item: RecommendationDetail }) {
  const approve = useApproveRecommendation();
  const unapprove = useUnapproveRecommendation();
  const revalidate = useRevalidateRecommendation();
  const acknowledge = useAcknowledgeInsight();
  const dismiss = useDismissInsight();
  const canAct = useCanAct();
  const [dismissing, setDismissing] = useState(false);
  const { dialogOpened } = useQueueUiActions();
  const [, setSearch] = useSearchParams();
  const sections = useItemSections();
  const conflicted = item.conflictIds.length > 0;
  const approveVerdict = verdictOf(item, 'approve');
  const { entity } = item;
  return (
    <div className="drawer-content">
      <div className="drawer-badges">
        <StatusBadge item={item} /> <FreshnessBadge item={item} /> <ExpiryBadge expiresAt={item.expiresAt} />
      </div>
      <p className="drawer-change">{formatChange(item.action)}</p>
      {canAct ? (
        <div className="drawer-actions">
          {isInsight(item) ? (
            <>
              <ActionButton item={item} action="acknowledge" busy={acknowledge.isPending} onClick={() => acknowledge.mutate({ item })}>
                Acknowledge
              </ActionButton>
              <ActionButton item={item} action="dismiss" className="button-secondary" onClick={() => setDismissing(true)}>
                Dismiss…
              </ActionButton>
            </>
          ) : (
            <>
              {approveVerdict.reason === 'conflict' ? (
                <button type="button" onClick={() => setSearch({ conflictsOf: item.id })}>
                  Resolve the conflict
                </button>
              ) : (
                <ActionButton
                  item={item}
                  action="approve"
                  busy={approve.isPending}
                  onClick={() => (item.controlGroup ? dialogOpened({ type: 'leave-control', id: item.id }) : approve.mutate({ item }))}
                >
                  Approve
                </ActionButton>
              )}
              {typeof item.action.to === 'number' && approveVerdict.reason !== 'no_writer' ? (
                <ActionButton
                  item={item}
                  action="edit"
                  className="button-secondary"
                  onClick={() => (conflicted ? setSearch({ conflictsOf: item.id }) : dialogOpened({ type: 'edit', id: item.id }))}
                >
                  Edit and approve
                </ActionButton>
              ) : null}
              <ActionButton
                item={item}
                action="reject"
                className="button-danger"
                onClick={() => dialogOpened({ type: 'reject', id: item.id })}
              >
                Reject
              </ActionButton>
              {item.status === 'approved' || item.status === 'applying' ? <ApplyItemButton item={item} /> : null}
              {/* Offered while the approval can be taken back; once queued for apply it stays, disabled, saying why. */}
              {isAllowed(item, 'unapprove') || item.status === 'applying' ? (
                <ActionButton item={item} action="unapprove" className="button-secondary" onClick={() => unapprove.mutate({ item })}>
                  Withdraw approval
                </ActionButton>
              ) : null}
              {(item.status === 'applied' || item.status === 'measured') && isAllowed(item, 'undo') ? (
                <UndoButton body={{ ids: [item.id] }} label="Undo" itemIds={[item.id]} titleOf={() => item.title} />
              ) : null}
            </>
          )}
        </div>
      ) : null}
      {dismissing ? (
        <DismissDialog
          title={item.title}
          onClose={() => setDismissing(false)}
          onDismiss={(reason, note) => {
            dismiss.mutate({ item, reason, ...(note ? { note } : {}) });
            setDismissing(false);
          }}
        />
      ) : null}
      {canAct && (item.status === 'discovered' || item.status === 'drifted' || item.freshness === 'stale') ? (
        <div className="revalidate">
          <p className="muted">
            {item.status === 'drifted'
              ? 'The live value changed since this was recommended: re-validate it against fresh data before approving.'
              : item.freshness === 'stale'
                ? 'Its data is stale: re-validate it against fresh data before approving.'
                : 'Not validated yet: it can be approved once RecDesk has checked it against the live values.'}
          </p>
          <button type="button" className="button-secondary" disabled={revalidate.isPending} onClick={() => revalidate.mutate(item)}>
            {revalidate.isPending ? 'Re-validating…' : 'Re-validate'}
          </button>
          {revalidate.isError ? <ProblemMessage error={revalidate.error} fallback="It could not be re-validated" /> : null}
        </div>
      ) : null}

      {conflicted ? (
        <section aria-labelledby="drawer-conflicts" className="drawer-section conflict-callout">
          <h3 id="drawer-conflicts">Conflicts</h3>
          <p>
            This recommendation contradicts{' '}
            {item.conflictIds.length === 1 ? 'another open item' : `${item.conflictIds.length} open conflicts`}. Resolve it before
            approving.
          </p>
          <button type="button" onClick={() => setSearch({ conflictsOf: item.id })}>
            {canAct ? 'Open conflict' : 'See the conflict'}
          </button>
        </section>
      ) : null}

      <section aria-labelledby="drawer-explanation" className="drawer-section">
        <h3 id="drawer-explanation">Explanation</h3>
        <p>{item.description ?? 'The source gave no explanation for this recommendation.'}</p>
        <dl className="facts">
          <dt>Source</dt>
          <dd>
            {SOURCE_LABELS[item.source]} · {item.sourceType}
          </dd>
          <dt>Ad product</dt>
          <dd>{adProductLabel(item)}</dd>
          <dt>Kind / goal</dt>
          <dd>
            {item.kind} · {item.goal}
          </dd>
          <dt>Confidence</dt>
          <dd>{item.confidence === null ? '—' : formatNumber(item.confidence, 2)}</dd>
          <dt>Impact score</dt>
          <dd>{item.impactScore === null ? '—' : formatNumber(item.impactScore, 1)}</dd>
          <dt>Priority</dt>
          <dd>{item.priority === null ? '—' : formatNumber(item.priority, 1)}</dd>
          <dt>Generated</dt>
          <dd>{formatDateTime(item.generatedAt)}</dd>
          <dt>Refreshed</dt>
          <dd>{formatDateTime(item.refreshedAt)}</dd>
          <dt>Expires</dt>
          <dd>{item.expiresAt ? formatDateTime(item.expiresAt) : 'No expiry given'}</dd>
        </dl>
        {item.validationIssues.length > 0 ? (
          <>
            <h4>Validation</h4>
            <ul>
              {item.validationIssues.map((issue) => (
                <li key={issue.code}>{issue.message}</li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="drawer-impact" className="drawer-section">
        <h3 id="drawer-impact">Estimated impact</h3>
        {item.estimatedImpact.length === 0 ? (
          <p className="muted">The source gave no impact estimate.</p>
        ) : (
          <ul>
            {item.estimatedImpact.map((impact) => (
              <li key={`${impact.metric}-${impact.unit}`}>{formatImpact(impact)}</li>
            ))}
          </ul>
        )}
      </section>

      {sections.map((Section, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the sections are a fixed list composed once in src/app.
        <Section key={index} item={item} />
      ))}

      <section aria-labelledby="drawer-entity" className="drawer-section">
        <h3 id="drawer-entity">Entity</h3>
        <dl className="facts">
          <dt>Advertiser</dt>
          <dd>
            {item.advertiserName ?? item.advertiserId} ({item.advertiserId}){item.marketplace ? ` · ${item.marketplace}` : ''}
          </dd>
          <dt>Path</dt>
          <dd>{entityPath(item)}</dd>
          <dt>Level</dt>
          <dd>{entity.level}</dd>
          {entity.campaignId ? (
            <>
              <dt>Campaign id</dt>
              <dd>{entity.campaignId}</dd>
            </>
          ) : null}
          {entity.adGroupId ? (
            <>
              <dt>Ad group id</dt>
              <dd>{entity.adGroupId}</dd>
            </>
          ) : null}
          {entity.targetId ? (
            <>
              <dt>Keyword / target id</dt>
              <dd>{entity.targetId}</dd>
            </>
          ) : null}
          {entity.matchType ? (
            <>
              <dt>Match type</dt>
              <dd>{entity.matchType}</dd>
            </>
          ) : null}
          <dt>Current {fieldLabel(item.action.field)}</dt>
          <dd>
            {item.liveValue
              ? `${formatActionValue(item.liveValue.value, item.action)} (read back ${formatDateTime(item.liveValue.at)})`
              : formatActionValue(item.action.from, item.action)}
          </dd>
          {item.liveValue ? (
            <>
              <dt>Before the change</dt>
              <dd>{formatActionValue(item.action.from, item.action)}</dd>
            </>
          ) : null}
          <dt>Proposed {fieldLabel(item.action.field)}</dt>
          <dd>{formatActionValue(item.action.to, item.action)}</dd>
        </dl>
      </section>

      <HistorySection id={item.id} />

      <section aria-labelledby="drawer-raw" className="drawer-section">
        <h3 id="drawer-raw">Raw payload</h3>
        <details>
          <summary>Show what {SOURCE_LABELS[item.source]} sent</summary>
          {/* Focusable so the keyboard can scroll a long payload (WCAG 2.1.1). */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section className="raw" tabIndex={0} aria-label={`What ${SOURCE_LABELS[item.source]} sent`}>
            <pre>{JSON.stringify(item.raw, null, 2)}</pre>
          </section>
        </details>
      </section>
    </div>
  );
}

function HistorySection({ id }: { id: string }) {
  const history = useQuery(recommendationQueries.history(id));
  return (
    <section aria-labelledby="drawer-history" className="drawer-section">
      <h3 id="drawer-history">History</h3>
      {history.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the history" />
      ) : history.isError ? (
        <ProblemMessage error={history.error} fallback="The history could not be loaded" onRetry={() => history.refetch()} />
      ) : history.data.events.length === 0 ? (
        <p className="muted">Nothing has happened to this item yet.</p>
      ) : (
        <ol className="history">
          {history.data.events.map((event) => (
            <li key={event.id}>
              <time dateTime={event.at}>{formatDateTime(event.at)}</time>{' '}
              <strong>
                {event.actor.type === 'user' ? event.actor.id : `${event.actor.type} ${event.actor.id}`}
                {event.actor.version ? ` v${event.actor.version}` : ''}
              </strong>
              : {event.from ? `${event.from} → ` : ''}
              {event.to}
              {event.reason ? ` · ${event.reason}` : ''}
              {event.note ? ` · “${event.note}”` : ''}
              {event.before || event.after ? (
                <span className="muted">
                  {' '}
                  ({JSON.stringify(event.before ?? {})} → {JSON.stringify(event.after ?? {})})
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Sponsored Products, Brands or Display; sources spanning products (Partner Opportunities…) name none. */
function adProductLabel(item: Pick<RecommendationDetail, 'source'>): string {
  const product = adProductOf(item.source);
  return product ? AD_PRODUCT_LABELS[product] : 'Across ad products';
}
