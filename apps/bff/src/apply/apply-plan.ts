/**
 * Which upstream call applies a recommendation, and how a batch is cut into calls: a pure function of the items.
 * - Partner Opportunities: `POST /partnerOpportunities/{id}/apply`, one call per opportunity, advertiser type,
 *   encrypted advertiser id, entity id and marketplace, ≤100 ids (facts.md §1.6); status polled ≤500 ids (§1.7).
 * - Unified Recommendations API: `POST /recommendations/apply`, ≤100 ids per profile (§2.6).
 * - Sponsored Products v3 writes: `PUT /sp/campaigns|keywords|targets`, `POST /sp/keywords|targets`, ≤1000 items per
 *   profile and call, 207 per item (§6).
 * An item no call can apply (an insight, a creative idea) gets a reason instead of a plan.
 */
import type { Recommendation } from '@recdesk/shared-types';

export type ApplyCall =
  | 'po.apply'
  | 'recs.apply'
  | 'sp.campaigns.update'
  | 'sp.keywords.update'
  | 'sp.targets.update'
  | 'sp.keywords.create'
  | 'sp.targets.create';

export const CALL_LIMITS: Readonly<Record<ApplyCall, number>> = {
  'po.apply': 100,
  'recs.apply': 100,
  'sp.campaigns.update': 1000,
  'sp.keywords.update': 1000,
  'sp.targets.update': 1000,
  'sp.keywords.create': 1000,
  'sp.targets.create': 1000,
};

/** Calls whose effect can be read back from an SP list endpoint and so be checked, reconciled and undone. */
export const READABLE_CALLS: ReadonlySet<ApplyCall> = new Set(['sp.campaigns.update', 'sp.keywords.update', 'sp.targets.update']);

export type ApplyValue = number | string | null;

export interface ApplyPlan {
  call: ApplyCall;
  /** Items with the same key may share one upstream call. */
  groupKey: string;
  profileId: string | null;
  /** The SP entity id the write targets (campaign, keyword or target id), when there is one. */
  entityId: string | null;
  /** The field the write sets: `dailyBudget`, `bid`, `state`. */
  field: string | null;
  /** What the recommendation assumed is live now; null when it assumed nothing (a new keyword). */
  expectedValue: ApplyValue;
  targetValue: ApplyValue;
  /** The Partner Opportunity apply body's fixed part, or the Recommendations API id. */
  upstream: Record<string, string>;
  /** The approver edited the proposed value: the Recommendations API needs `PUT /recommendations/{id}` first. */
  edited: boolean;
}

export type PlanResult = { ok: true; plan: ApplyPlan } | { ok: false; reason: string };

const SP_SOURCES = new Set<Recommendation['source']>(['sp-consolidated', 'sp-budget', 'sp-theme-bids', 'sp-targeting', 'marketing-stream']);

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** The plan of one recommendation; `approvedValue` is the approver's edit, `raw` the upstream payload. */
export function planOf(recommendation: Recommendation, raw: unknown, approvedValue: number | null): PlanResult {
  const { action, entity } = recommendation;
  if (!recommendation.applicable) return { ok: false, reason: 'This recommendation is an insight: nothing can be applied upstream.' };
  const target = approvedValue ?? action.to;
  const edited = approvedValue !== null && approvedValue !== action.to;
  const base = { profileId: recommendation.profileId, edited, targetValue: target, expectedValue: action.from, field: action.field };

  if (recommendation.source === 'partner-opportunities') {
    const r = raw as { opportunity?: { partnerOpportunityId?: unknown }; row?: Record<string, unknown> } | null;
    const row = r?.row ?? {};
    const upstream = {
      partnerOpportunityId: str(r?.opportunity?.partnerOpportunityId),
      advertiserType: str(row.advertiserType) || 'SELLER',
      encryptedAdvertiserId: str(row.encryptedAdvertiserId) || recommendation.advertiserId,
      entityId: str(row.entityId),
      marketplace: str(row.marketplace) || (recommendation.marketplace ?? ''),
      recommendationId: recommendation.sourceRecommendationId,
    };
    if (!upstream.partnerOpportunityId || !upstream.entityId)
      return { ok: false, reason: 'The opportunity row lacks its opportunity or entity id, which applying needs.' };
    if (edited) return { ok: false, reason: 'Partner Opportunities apply the recommended value only; an edited value cannot be applied.' };
    const groupKey = [
      'po',
      upstream.partnerOpportunityId,
      upstream.advertiserType,
      upstream.encryptedAdvertiserId,
      upstream.entityId,
      upstream.marketplace,
    ].join('|');
    return { ok: true, plan: { ...base, call: 'po.apply', groupKey, entityId: null, upstream } };
  }

  if (recommendation.source === 'unified-recommendations') {
    if (!recommendation.profileId) return { ok: false, reason: 'The recommendation names no profile to apply it in.' };
    return {
      ok: true,
      plan: {
        ...base,
        call: 'recs.apply',
        groupKey: `recs|${recommendation.profileId}`,
        entityId: null,
        upstream: { recommendationId: recommendation.sourceRecommendationId },
      },
    };
  }

  if (!SP_SOURCES.has(recommendation.source)) return { ok: false, reason: `RecDesk cannot apply ${recommendation.source} items.` };
  if (!recommendation.profileId) return { ok: false, reason: 'The recommendation names no profile to apply it in.' };
  const sp = (call: ApplyCall, entityId: string | null): PlanResult =>
    entityId || call.endsWith('.create')
      ? { ok: true, plan: { ...base, call, groupKey: `${call}|${recommendation.profileId}`, entityId, upstream: {} } }
      : { ok: false, reason: 'The recommendation does not name the entity it changes.' };
  switch (action.type) {
    case 'set-budget':
      return sp('sp.campaigns.update', entity.campaignId);
    case 'set-bid':
      if (entity.level === 'keyword') return sp('sp.keywords.update', entity.targetId);
      if (entity.level === 'target') return sp('sp.targets.update', entity.targetId);
      return { ok: false, reason: `A bid on a ${entity.level} cannot be applied by RecDesk yet.` };
    case 'set-state':
      if (entity.level === 'campaign') return sp('sp.campaigns.update', entity.campaignId);
      if (entity.level === 'keyword') return sp('sp.keywords.update', entity.targetId);
      if (entity.level === 'target') return sp('sp.targets.update', entity.targetId);
      return { ok: false, reason: `A state change on a ${entity.level} cannot be applied by RecDesk yet.` };
    case 'add-keyword':
      return entity.campaignId && entity.adGroupId && entity.targetText
        ? sp('sp.keywords.create', null)
        : { ok: false, reason: 'A new keyword needs its campaign, ad group and text.' };
    default:
      return { ok: false, reason: `RecDesk cannot apply a ${action.type} change yet.` };
  }
}

export interface Chunk<T> {
  call: ApplyCall;
  groupKey: string;
  items: T[];
}

/** Groups planned items by the upstream call that applies them and cuts each group at the call's batch limit. */
export function chunksOf<T extends { plan: ApplyPlan }>(items: readonly T[]): Chunk<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.plan.groupKey);
    if (group) group.push(item);
    else groups.set(item.plan.groupKey, [item]);
  }
  const chunks: Chunk<T>[] = [];
  for (const [groupKey, group] of groups) {
    const call = (group[0] as T).plan.call;
    const limit = CALL_LIMITS[call];
    for (let start = 0; start < group.length; start += limit) chunks.push({ call, groupKey, items: group.slice(start, start + limit) });
  }
  return chunks;
}

/** Whether a live value equals the value a change assumed (money compared to the cent, strings exactly). */
export function sameValue(a: ApplyValue, b: ApplyValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 0.005;
  return String(a) === String(b);
}

/** The SP write body of one item (the list endpoint's entity id field and the field that changes). */
export function spWriteItem(plan: ApplyPlan, recommendation: Pick<Recommendation, 'entity'>): Record<string, unknown> {
  const value = plan.targetValue;
  switch (plan.call) {
    case 'sp.campaigns.update':
      return plan.field === 'state'
        ? { campaignId: plan.entityId, state: value }
        : { campaignId: plan.entityId, budget: { budget: value, budgetType: 'DAILY' } };
    case 'sp.keywords.update':
      return { keywordId: plan.entityId, ...(plan.field === 'state' ? { state: value } : { bid: value }) };
    case 'sp.targets.update':
      return { targetId: plan.entityId, ...(plan.field === 'state' ? { state: value } : { bid: value }) };
    case 'sp.keywords.create':
      return {
        campaignId: recommendation.entity.campaignId,
        adGroupId: recommendation.entity.adGroupId,
        keywordText: recommendation.entity.targetText,
        matchType: recommendation.entity.matchType ?? 'EXACT',
        state: 'ENABLED',
        ...(typeof value === 'number' ? { bid: value } : {}),
      };
    default:
      throw new Error(`${plan.call} is not an SP write`);
  }
}
