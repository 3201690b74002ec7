/**
 * Which upstream call applies a recommendation, and how a batch is cut into calls: a pure function of the items.
 * - Partner Opportunities: `POST /partnerOpportunities/{id}/apply`, one call per opportunity, advertiser type,
 *   encrypted advertiser id, entity id and marketplace, ≤100 ids (facts.md §1.6); status polled ≤500 ids (§1.7).
 * - Unified Recommendations API: `POST /recommendations/apply`, ≤100 ids per profile (§2.6).
 * - Sponsored Products v3 writes: `PUT /sp/campaigns|keywords|targets`, `POST /sp/keywords|targets`, ≤1000 items per
 *   profile and call, 207 per item (§6).
 * - Sponsored Brands: `PUT /sb/v4/campaigns` (≤10 per call) and `PUT /sb/keywords` (≤100); Sponsored Display:
 *   `PUT /sd/campaigns|targets` (≤100): budgets and bids, read back through their list endpoints like SP ones.
 *   Headlines have no write in either API (creatives are immutable on a live ad): they are applied by hand.
 * An item no call can apply (an insight, a creative idea) gets a reason instead of a plan.
 */
import type { Recommendation } from '@recdesk/shared-types';
import type { WriterVerdict } from '../lifecycle/allowed-actions.ts';

export type ApplyCall =
  | 'po.apply'
  | 'recs.apply'
  | 'sp.campaigns.update'
  | 'sp.keywords.update'
  | 'sp.targets.update'
  | 'sp.keywords.create'
  | 'sp.targets.create'
  | 'sb.campaigns.update'
  | 'sb.keywords.update'
  | 'sd.campaigns.update'
  | 'sd.targets.update';

export const CALL_LIMITS: Readonly<Record<ApplyCall, number>> = {
  'po.apply': 100,
  'recs.apply': 100,
  'sp.campaigns.update': 1000,
  'sp.keywords.update': 1000,
  'sp.targets.update': 1000,
  'sp.keywords.create': 1000,
  'sp.targets.create': 1000,
  // Published limits: `campaigns` maxItems 10 (SB v4), `maximum: 100` keywords (SB v3); SD declares none, 100 as SB.
  'sb.campaigns.update': 10,
  'sb.keywords.update': 100,
  'sd.campaigns.update': 100,
  'sd.targets.update': 100,
};

/** Calls whose effect can be read back from a list endpoint (SP, SB, SD) and so be checked, reconciled and undone. */
export const READABLE_CALLS: ReadonlySet<ApplyCall> = new Set([
  'sp.campaigns.update',
  'sp.keywords.update',
  'sp.targets.update',
  'sb.campaigns.update',
  'sb.keywords.update',
  'sd.campaigns.update',
  'sd.targets.update',
]);

/** Calls that write entities with a body built per item (`spWriteItem`), as opposed to applying a recommendation id. */
export function isEntityWrite(call: ApplyCall): boolean {
  return call !== 'po.apply' && call !== 'recs.apply';
}

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

/** Where a change RecDesk cannot write is made by hand: the Amazon Ads console's campaign manager. */
export const AMAZON_ADS_CONSOLE = 'https://advertising.amazon.com/cm/campaigns';

/** The SP write call of an action type on an entity level, or why there is none (no raw payload needed). */
function spCallOf(action: Recommendation['action'], level: Recommendation['entity']['level']): ApplyCall | string {
  switch (action.type) {
    case 'set-budget':
      return 'sp.campaigns.update';
    case 'set-bid':
      if (level === 'keyword') return 'sp.keywords.update';
      if (level === 'target') return 'sp.targets.update';
      return `RecDesk cannot write a bid on a ${level}; apply it in Amazon Ads.`;
    case 'set-state':
      if (level === 'campaign') return 'sp.campaigns.update';
      if (level === 'keyword') return 'sp.keywords.update';
      if (level === 'target') return 'sp.targets.update';
      return `RecDesk cannot write a state change on a ${level}; apply it in Amazon Ads.`;
    case 'add-keyword':
      return 'sp.keywords.create';
    default:
      return `RecDesk has no writer for a ${action.type} change; apply it in Amazon Ads.`;
  }
}

const SBSD_PRODUCT = { 'sb-recommendations': 'sb', 'sd-recommendations': 'sd' } as const;

/**
 * The ad product a plan drafted in RecDesk writes to, from its source type (`SP_CAMPAIGN_BUDGET`, `SD_AUDIENCE_TARGET`):
 * a plan has no upstream source of its own, so the campaign it changes decides the writer.
 */
function planProductOf(item: { source: Recommendation['source']; sourceType?: string }): 'sp' | 'sd' | null {
  if (item.source !== 'plan') return null;
  return item.sourceType?.startsWith('SD_') ? 'sd' : 'sp';
}

/** The SB / SD write call of an action on an entity level, or why there is none. */
function sbsdCallOf(product: 'sb' | 'sd', action: Recommendation['action'], level: Recommendation['entity']['level']): ApplyCall | string {
  const name = product === 'sb' ? 'Sponsored Brands' : 'Sponsored Display';
  if (action.type === 'set-budget' && level === 'campaign') return `${product}.campaigns.update`;
  if (action.type === 'set-bid' && product === 'sb' && level === 'keyword') return 'sb.keywords.update';
  if (action.type === 'set-bid' && product === 'sd' && level === 'target') return 'sd.targets.update';
  if (action.type === 'creative')
    return `The ${name} API cannot change the headline of a live ad: in Amazon Ads, edit the campaign's ad and paste “${String(action.to ?? '')}”.`;
  if (action.type === 'add-keyword')
    return `RecDesk does not create ${name} keywords: add “${String(action.to ?? '')}” to the campaign's ad group in Amazon Ads.`;
  if (action.type === 'add-target')
    return `RecDesk does not create ${name} targets: add ${action.field === 'audience' ? 'the audience' : 'the target'} in Amazon Ads.`;
  return `RecDesk has no ${name} writer for a ${action.type} change; apply it in Amazon Ads.`;
}

/**
 * Whether RecDesk has a writer for the item's change, from its source and action type alone: what the lifecycle's
 * allowed-actions decision is handed, so an item no writer can apply is never offered for approval. `planOf` asks the
 * same question first, then checks the item's own data.
 */
export function writerOf(
  recommendation: Pick<Recommendation, 'applicable' | 'source' | 'action' | 'entity'> & { sourceType?: string },
): WriterVerdict {
  if (!recommendation.applicable)
    return { ok: false, code: 'insight', message: 'This recommendation is an insight: nothing can be applied upstream.', link: null };
  const planned = planProductOf(recommendation);
  if (planned) {
    const call =
      planned === 'sd'
        ? sbsdCallOf('sd', recommendation.action, recommendation.entity.level)
        : spCallOf(recommendation.action, recommendation.entity.level);
    if (!(call in CALL_LIMITS)) return { ok: false, code: 'no_writer', message: call, link: AMAZON_ADS_CONSOLE };
    return { ok: true, undoable: READABLE_CALLS.has(call as ApplyCall) };
  }
  if (recommendation.source === 'partner-opportunities' || recommendation.source === 'unified-recommendations')
    return { ok: true, undoable: false };
  if (recommendation.source === 'sb-recommendations' || recommendation.source === 'sd-recommendations') {
    const call = sbsdCallOf(SBSD_PRODUCT[recommendation.source], recommendation.action, recommendation.entity.level);
    if (!(call in CALL_LIMITS)) return { ok: false, code: 'no_writer', message: call, link: AMAZON_ADS_CONSOLE };
    return { ok: true, undoable: READABLE_CALLS.has(call as ApplyCall) };
  }
  if (!SP_SOURCES.has(recommendation.source))
    return {
      ok: false,
      code: 'no_writer',
      message: `RecDesk cannot apply ${recommendation.source} items; apply it in Amazon Ads.`,
      link: AMAZON_ADS_CONSOLE,
    };
  const call = spCallOf(recommendation.action, recommendation.entity.level);
  if (!(call in CALL_LIMITS)) return { ok: false, code: 'no_writer', message: call, link: AMAZON_ADS_CONSOLE };
  return { ok: true, undoable: READABLE_CALLS.has(call as ApplyCall) };
}

/** The plan of one recommendation; `approvedValue` is the approver's edit, `raw` the upstream payload. */
export function planOf(recommendation: Recommendation, raw: unknown, approvedValue: number | null): PlanResult {
  const { action, entity } = recommendation;
  const writer = writerOf(recommendation);
  if (!writer.ok) return { ok: false, reason: writer.message };
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

  if (!recommendation.profileId) return { ok: false, reason: 'The recommendation names no profile to apply it in.' };
  const planned = planProductOf(recommendation);
  const sbsd =
    recommendation.source === 'sb-recommendations' || recommendation.source === 'sd-recommendations'
      ? SBSD_PRODUCT[recommendation.source]
      : planned === 'sd'
        ? 'sd'
        : null;
  if (sbsd) {
    const call = sbsdCallOf(sbsd, action, entity.level) as ApplyCall;
    const entityId = call.endsWith('.campaigns.update') ? entity.campaignId : entity.targetId;
    if (!entityId) return { ok: false, reason: 'The recommendation does not name the entity it changes.' };
    // SB v3 keyword updates name the keyword's ad group and campaign too (required fields), undo included.
    const upstream: Record<string, string> =
      call === 'sb.keywords.update' ? { campaignId: entity.campaignId ?? '', adGroupId: entity.adGroupId ?? '' } : {};
    if (call === 'sb.keywords.update' && (!upstream.campaignId || !upstream.adGroupId))
      return { ok: false, reason: 'An SB keyword update needs its campaign and ad group.' };
    return { ok: true, plan: { ...base, call, groupKey: `${call}|${recommendation.profileId}`, entityId, upstream } };
  }
  const call = spCallOf(action, entity.level) as ApplyCall;
  if (call === 'sp.keywords.create') {
    return entity.campaignId && entity.adGroupId && entity.targetText
      ? { ok: true, plan: { ...base, call, groupKey: `${call}|${recommendation.profileId}`, entityId: null, upstream: {} } }
      : { ok: false, reason: 'A new keyword needs its campaign, ad group and text.' };
  }
  const entityId = call === 'sp.campaigns.update' ? entity.campaignId : entity.targetId;
  return entityId
    ? { ok: true, plan: { ...base, call, groupKey: `${call}|${recommendation.profileId}`, entityId, upstream: {} } }
    : { ok: false, reason: 'The recommendation does not name the entity it changes.' };
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
    case 'sb.campaigns.update':
      return { campaignId: plan.entityId, ...(plan.field === 'state' ? { state: value } : { budget: value }) };
    case 'sb.keywords.update':
      return {
        keywordId: int64(plan.entityId),
        adGroupId: int64(plan.upstream.adGroupId ?? null),
        campaignId: int64(plan.upstream.campaignId ?? null),
        bid: value,
      };
    case 'sd.campaigns.update':
      return { campaignId: int64(plan.entityId), budget: value };
    case 'sd.targets.update':
      return { targetId: int64(plan.entityId), bid: value };
    default:
      throw new Error(`${plan.call} is not an entity write`);
  }
}

/** SB v3 and SD v3 declare int64 ids: a numeric id is sent as a JSON number. */
function int64(id: string | null): number | string | null {
  return id !== null && /^\d{1,15}$/.test(id) ? Number(id) : id;
}
