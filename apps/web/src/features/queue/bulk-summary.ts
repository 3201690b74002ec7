/**
 * What a bulk action would change, worked out before anything is sent: how many items of each kind, the total
 * daily budget change per currency, and which selected items are left out and why (conflicts must be resolved one
 * by one, expired items can no longer be acted on, some states do not allow the action, only approved items are applied).
 */
import { canTransition, type Recommendation, type RecommendationKind } from '@recdesk/shared-types';

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

/** Why an item cannot be applied now, or null: only approved, applicable items are sent upstream. */
function notApplicable(item: Recommendation): string | null {
  if (item.status === 'applied') return 'Already applied';
  if (item.status === 'applying') return 'Already being applied';
  if (item.status !== 'approved') return 'Not approved: approve it before applying';
  if (!item.applicable) return 'Cannot be applied through the Ads API: act on it by hand';
  return null;
}

export function summariseBulk(items: readonly Recommendation[], action: BulkAction, now = Date.now()): BulkSummary {
  const included: Recommendation[] = [];
  const excluded: Exclusion[] = [];
  for (const item of items) {
    const expired = item.status === 'expired' || (item.expiresAt !== null && new Date(item.expiresAt).getTime() <= now);
    const cannotApply = action === 'apply' ? notApplicable(item) : null;
    if (expired) excluded.push({ item, reason: 'Expired: it can no longer be approved or rejected' });
    else if (cannotApply) excluded.push({ item, reason: cannotApply });
    else if (action !== 'reject' && item.conflictIds.length > 0)
      excluded.push({ item, reason: 'In a conflict: open the conflict and choose which side to keep' });
    else if (action !== 'apply' && !canTransition(item.status, action === 'approve' ? 'approved' : 'rejected'))
      excluded.push({ item, reason: `Cannot be ${action}d while ${item.status.replace('_', ' ')}` });
    else included.push(item);
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
