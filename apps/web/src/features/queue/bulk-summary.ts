/**
 * What a bulk action would change, worked out before anything is sent: how many items of each kind, the total
 * daily budget change per currency, and which selected items are left out and why (conflicts must be resolved one
 * by one, expired items can no longer be acted on, some states do not allow the action, only approved items are applied,
 * a rule's held-back control is approved only on its own).
 */
import type { Recommendation, RecommendationKind } from '@recdesk/shared-types';
import { verdictOf } from '../../shared/recommendations/item-actions.tsx';

export interface Exclusion {
  item: Recommendation;
  reason: string;
}

export interface BulkSummary {
  included: Recommendation[];
  excluded: Exclusion[];
  countByKind: Partial<Record<RecommendationKind, number>>;
  /** Sum of (to − from) over budget changes, per ISO currency. */
  budgetChangeByCurrency: Record<string, number>;
}

function isBudgetChange(item: Recommendation): boolean {
  return item.action.type === 'set-budget' || /budget/i.test(item.action.field ?? '');
}

export type BulkAction = 'approve' | 'reject' | 'apply';

/**
 * Whether the bulk action can succeed on each item, from the server's own verdicts (`item.actions`, the BFF's
 * allowed-actions): the same rule the server will apply, so the summary's "will be skipped" is what will happen.
 * Bulk approval never resolves a conflict, so a conflicted item is skipped with that reason.
 */
export function summariseBulk(items: readonly Recommendation[], action: BulkAction): BulkSummary {
  const included: Recommendation[] = [];
  const excluded: Exclusion[] = [];
  for (const item of items) {
    const verdict = verdictOf(item, action);
    // The server never takes an item out of a control group in bulk: it needs its own, confirmed approval.
    if (action === 'approve' && verdict.allowed && item.controlGroup)
      excluded.push({
        item,
        reason: `Held back as the control group of rule “${item.controlGroup.ruleName}” until ${item.controlGroup.until}: approve it on its own to confirm leaving the group`,
      });
    else if (verdict.allowed) included.push(item);
    else
      excluded.push({
        item,
        reason:
          verdict.reason === 'conflict'
            ? 'In a conflict: open the conflict and choose which side to keep'
            : (verdict.message ?? `Cannot be ${action === 'apply' ? 'applied' : `${action}d`} now`),
      });
  }
  const countByKind: BulkSummary['countByKind'] = {};
  const budgetChangeByCurrency: Record<string, number> = {};
  for (const item of included) {
    countByKind[item.kind] = (countByKind[item.kind] ?? 0) + 1;
    const { from, to, currency } = item.action;
    if (action !== 'reject' && isBudgetChange(item) && typeof from === 'number' && typeof to === 'number') {
      const key = currency ?? 'unknown currency';
      budgetChangeByCurrency[key] = (budgetChangeByCurrency[key] ?? 0) + (to - from);
    }
  }
  return { included, excluded, countByKind, budgetChangeByCurrency };
}
