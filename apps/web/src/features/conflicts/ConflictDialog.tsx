/**
 * A conflict, opened from any conflicting row (`?conflictsOf=<recommendation id>`): what contradicts what, in the
 * conflict engine's words, with its members side by side and the one-step choice to keep one side and reject the
 * others (approve with `conflictResolution: 'reject_others'`). A big group (one change against many) is summarised
 * with a choice per side, and its members sit in a scrollable list to decide one by one. Keep buttons follow the
 * server's verdicts (`member.actions`); a viewer sees none.
 */
import { type ConflictWithMembers, type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatChange, formatImpact, formatNumber } from '../../shared/format.ts';
import { useApproveRecommendation } from '../../shared/recommendations/approval-mutations.tsx';
import { verdictOf } from '../../shared/recommendations/item-actions.tsx';
import { ExpiryBadge, FreshnessBadge, StatusBadge } from '../../shared/recommendations/RecommendationBadges.tsx';
import { useRejectRecommendation } from '../../shared/recommendations/recommendation-mutations.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { Dialog } from '../../shared/ui/Dialog.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { conflictQueries } from './conflict-queries.ts';

const KIND_LABELS: Record<ConflictWithMembers['kind'], string> = {
  opposite_directions: 'Opposite directions',
  budget_cut_with_bid_increase: 'Budget cut with bid increases',
  budget_cut_with_expansion: 'Budget cut with expansion',
  pause_with_change: 'Pause with a change',
  duplicate: 'Duplicate',
  disagreeing_values: 'Disagreeing values',
  cross_product_budget: 'Budgets across ad products',
  audience_expansion_during_budget_cut: 'Audience expansion during a budget cut',
  creative_on_unfunded_campaign: 'Headline on an unfunded campaign',
  budget_cut_while_exhausted: 'Budget cut on a campaign out of budget today',
  plan_spend_during_budget_cut: 'A plan raises spend during a budget cut',
  plan_audience_during_budget_cut: 'A planned audience during a budget cut',
};

export function ConflictDialog({ recommendationId, onClose }: { recommendationId: string; onClose: () => void }) {
  const conflicts = useQuery(conflictQueries.list({ recommendationId, status: 'open' }));
  // Held here, not in a member card: the cards unmount when the resolved conflict disappears from the list.
  const approve = useApproveRecommendation();
  return (
    <Dialog title="Conflict" variant="wide" onClose={onClose}>
      {conflicts.isPending ? (
        <div className="skeleton-block" role="status" aria-label="Loading the conflict">
          <div className="skeleton-line" />
          <div className="skeleton-line short" />
        </div>
      ) : conflicts.isError ? (
        <ProblemMessage error={conflicts.error} fallback="The conflict could not be loaded" onRetry={() => conflicts.refetch()} />
      ) : conflicts.data.items.length === 0 ? (
        <p role="status">
          This conflict is resolved: nothing contradicts this item any more. Close this and approve or reject it as usual.
        </p>
      ) : (
        conflicts.data.items.map((conflict) => (
          <ConflictView key={conflict.id} conflict={conflict} openedFrom={recommendationId} approve={approve} onResolved={onClose} />
        ))
      )}
    </Dialog>
  );
}

type Approve = ReturnType<typeof useApproveRecommendation>;

/** A group this large is summarised first: one card per member would bury the choice. */
export const BIG_GROUP = 6;

/** The sides of a group: members that propose the same kind of change in the same direction. */
export function sidesOf(members: readonly Recommendation[]): Recommendation[][] {
  const sides = new Map<string, Recommendation[]>();
  for (const member of members) {
    const key = `${member.action.type}:${member.action.direction}`;
    sides.set(key, [...(sides.get(key) ?? []), member]);
  }
  return [...sides.values()].sort((a, b) => a.length - b.length);
}

/** "budget cut", "38 expansions": a side in words, counted. */
function sideLabel(side: readonly Recommendation[]): string {
  const first = side[0];
  if (!first) return 'nothing';
  const { type, direction } = first.action;
  const noun =
    type === 'set-budget'
      ? direction === 'decrease'
        ? 'budget cut'
        : 'budget increase'
      : type === 'set-bid'
        ? direction === 'decrease'
          ? 'bid cut'
          : 'bid increase'
        : type.startsWith('add-') || type.startsWith('create-')
          ? 'expansion'
          : type.replaceAll('-', ' ');
  return side.length === 1 ? noun : `${side.length} ${noun.replace(/(s?)$/, 's')}`;
}

function ConflictView({
  conflict,
  openedFrom,
  approve,
  onResolved,
}: {
  conflict: ConflictWithMembers;
  openedFrom: string;
  approve: Approve;
  onResolved: () => void;
}) {
  const canAct = useCanAct();
  const reject = useRejectRecommendation();
  const [oneByOne, setOneByOne] = useState(false);
  const sides = sidesOf(conflict.members);
  const big = conflict.members.length > BIG_GROUP && sides.length === 2;
  const [few, many] = sides as [Recommendation[], Recommendation[]];
  const single = big && few.length === 1 ? few[0] : undefined;
  return (
    <section className="conflict" aria-labelledby={`conflict-${conflict.id}`}>
      <h3 id={`conflict-${conflict.id}`}>{KIND_LABELS[conflict.kind]}</h3>
      <p>{conflict.explanation}</p>
      <p className="muted">Suggested: {conflict.suggestedResolution}</p>
      {big ? (
        <div className="conflict-summary">
          <p>
            <strong>
              {sideLabel(few)} vs {sideLabel(many)}
            </strong>
          </p>
          {canAct ? (
            <div className="dialog-actions">
              {single ? (
                <button
                  type="button"
                  disabled={approve.isPending || !keepable(single)}
                  title={keepable(single) ? undefined : (verdictOf(single, 'approve').message ?? undefined)}
                  onClick={() => approve.mutate({ item: single, conflictResolution: 'reject_others' }, { onSuccess: onResolved })}
                >
                  Keep the {sideLabel(few)}
                </button>
              ) : null}
              {single ? (
                <button
                  type="button"
                  className="button-secondary"
                  disabled={reject.isPending || !verdictOf(single, 'reject').allowed}
                  title={verdictOf(single, 'reject').allowed ? undefined : (verdictOf(single, 'reject').message ?? undefined)}
                  onClick={() =>
                    reject.mutate(
                      { item: single, reason: 'conflicts_with_strategy', note: `Kept the ${sideLabel(many)} instead.` },
                      { onSuccess: onResolved },
                    )
                  }
                >
                  Keep the {sideLabel(many)}
                </button>
              ) : null}
              <button type="button" className="button-secondary" aria-expanded={oneByOne} onClick={() => setOneByOne((open) => !open)}>
                Decide one by one
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {!big || oneByOne || !canAct ? (
        <section
          className={`conflict-members${big ? ' conflict-members-scroll' : ''}`}
          tabIndex={big ? 0 : undefined}
          aria-label="Members of this conflict"
        >
          {conflict.members.map((member) => (
            <MemberCard
              key={member.id}
              member={member}
              others={conflict.members.length - 1}
              primary={conflict.primaryId === member.id}
              current={member.id === openedFrom}
              approve={approve}
              onResolved={onResolved}
            />
          ))}
        </section>
      ) : null}
    </section>
  );
}

/** Keeping a member approves it and settles the conflict: allowed when the conflict is the only thing in the way. */
function keepable(member: Recommendation): boolean {
  const verdict = verdictOf(member, 'approve');
  return verdict.allowed || verdict.reason === 'conflict';
}

function MemberCard({
  member,
  others,
  primary,
  current,
  approve,
  onResolved,
}: {
  member: Recommendation;
  others: number;
  primary: boolean;
  current: boolean;
  approve: Approve;
  onResolved: () => void;
}) {
  const mine = approve.variables?.item.id === member.id;
  const canAct = useCanAct();
  const approvable = keepable(member);
  const why = verdictOf(member, 'approve').message;
  const titleId = `member-${member.id}`;
  return (
    <section className="member-card" aria-labelledby={titleId}>
      <h4 id={titleId}>{member.title}</h4>
      {primary || current ? (
        <p className="member-tags">
          {current ? <span className="badge">the item you opened</span> : null} {primary ? <span className="badge">primary</span> : null}
        </p>
      ) : null}
      <p className="drawer-change">{formatChange(member.action)}</p>
      <dl className="facts">
        <dt>Source</dt>
        <dd>{SOURCE_LABELS[member.source]}</dd>
        <dt>Confidence</dt>
        <dd>{member.confidence === null ? '—' : formatNumber(member.confidence, 2)}</dd>
        <dt>Impact score</dt>
        <dd>{member.impactScore === null ? '—' : formatNumber(member.impactScore, 1)}</dd>
        <dt>Estimated impact</dt>
        <dd>{member.estimatedImpact.map(formatImpact).join('; ') || '—'}</dd>
        <dt>State</dt>
        <dd>
          <StatusBadge item={member} /> <FreshnessBadge item={member} /> <ExpiryBadge expiresAt={member.expiresAt} />
        </dd>
      </dl>
      {mine && approve.isError ? <ProblemMessage error={approve.error} fallback="The choice could not be saved" /> : null}
      {canAct ? (
        <>
          <button
            type="button"
            disabled={!approvable || approve.isPending}
            title={approvable ? undefined : (why ?? undefined)}
            onClick={() => approve.mutate({ item: member, conflictResolution: 'reject_others' }, { onSuccess: onResolved })}
          >
            {mine && approve.isPending ? 'Saving…' : others === 1 ? 'Keep this one, reject the other' : 'Keep this one, reject the others'}
          </button>
          <button
            type="button"
            className="button-secondary"
            disabled={!approvable || approve.isPending}
            title={approvable ? undefined : (why ?? undefined)}
            onClick={() => approve.mutate({ item: member, conflictResolution: 'keep_others' }, { onSuccess: onResolved })}
          >
            {others === 1 ? 'Approve and keep the other too' : 'Approve and keep the others too'}
          </button>
          {!approvable ? <p className="muted">{why ?? `It cannot be approved while ${member.status.replace('_', ' ')}.`}</p> : null}
        </>
      ) : null}
    </section>
  );
}
