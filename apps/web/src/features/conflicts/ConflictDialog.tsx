/**
 * A conflict, opened from any conflicting row (`?conflictsOf=<recommendation id>`): what contradicts what, in the
 * conflict engine's words, with its members side by side and the one-step choice to keep one side and reject the
 * others (approve with `conflictResolution: 'reject_others'`).
 */
import { type ConflictWithMembers, canTransition, type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { formatChange, formatImpact, formatNumber } from '../../shared/format.ts';
import { ExpiryBadge, FreshnessBadge, StatusBadge } from '../../shared/recommendations/RecommendationBadges.tsx';
import { useApproveRecommendation } from '../../shared/recommendations/recommendation-mutations.ts';
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
  return (
    <section className="conflict" aria-labelledby={`conflict-${conflict.id}`}>
      <h3 id={`conflict-${conflict.id}`}>{KIND_LABELS[conflict.kind]}</h3>
      <p>{conflict.explanation}</p>
      <p className="muted">Suggested: {conflict.suggestedResolution}</p>
      <div className="conflict-members">
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
      </div>
    </section>
  );
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
  const approvable = canTransition(member.status, 'approved');
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
      <button
        type="button"
        disabled={!approvable || approve.isPending}
        onClick={() => approve.mutate({ item: member, conflictResolution: 'reject_others' }, { onSuccess: onResolved })}
      >
        {mine && approve.isPending ? 'Saving…' : others === 1 ? 'Keep this one, reject the other' : 'Keep this one, reject the others'}
      </button>
      <button
        type="button"
        className="button-secondary"
        disabled={!approvable || approve.isPending}
        onClick={() => approve.mutate({ item: member, conflictResolution: 'keep_others' }, { onSuccess: onResolved })}
      >
        {others === 1 ? 'Approve and keep the other too' : 'Approve and keep the others too'}
      </button>
      {!approvable ? <p className="muted">It cannot be approved while {member.status.replace('_', ' ')}.</p> : null}
    </section>
  );
}
