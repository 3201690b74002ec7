/**
 * One consolidated campaign recommendation → one NormalisedRecommendation per action: budget, bidding strategy, each
 * keyword (bid, add, remove), each targeting group bid and each placement adjustment. Current values come from the
 * entities joined in by the source (`from`); proposed ones from Amazon (`to`). Upstream carries no ids for these
 * actions, so each one's id is derived from the campaign, the entity it touches and the kind of change: a re-sync
 * updates the same row in place even when Amazon flips INCREASE to DECREASE. Pure: no I/O, unit-tested alone.
 */
import type { ImpactEstimate, NormalisedRecommendation, ProposedAction, RecommendationKind } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { AdGroupInfo, CampaignInfo, KeywordInfo, TargetInfo } from '../shared/entity-catalog.ts';
import { describeAutoGroup } from '../shared/entity-catalog.ts';
import {
  adGroupLabel,
  advertiserFields,
  amount,
  campaignLabel,
  change,
  currencyOf,
  directionOf,
  entityOf,
  issuesOf,
  type NormaliseResult,
  startOfUtcDay,
} from '../shared/sp-recommendation.ts';
import { parseUpstreamDate } from '../shared/upstream-values.ts';
import {
  BiddingStrategyRecommendationSchema,
  BudgetRecommendationSchema,
  type CampaignRecommendation,
  CampaignRecommendationSchema,
  KeywordTargetingRecommendationSchema,
  PlacementBiddingRecommendationSchema,
  TargetingGroupBidRecommendationSchema,
} from './consolidated-api.ts';

/** The entities a campaign's recommendations touch, as the source joined them. */
export interface ConsolidatedJoin {
  campaigns: ReadonlyMap<string, CampaignInfo>;
  adGroups: ReadonlyMap<string, AdGroupInfo>;
  keywords: ReadonlyMap<string, KeywordInfo>;
  targets: ReadonlyMap<string, TargetInfo>;
}

const PLACEMENT_NAMES: Readonly<Record<string, string>> = {
  PLACEMENT_TOP: 'top of search',
  PLACEMENT_PRODUCT_PAGE: 'product pages',
  PLACEMENT_REST_OF_SEARCH: 'rest of search',
};
const KNOWN_KEYWORD_ACTIONS = new Set(['ADD', 'DECREASE', 'INCREASE', 'REMOVE', 'UPDATE']);
const KNOWN_TARGET_ACTIONS = new Set(['ADD', 'DECREASE', 'INCREASE', 'REMOVE']);

function dateOrNull(value: string | undefined): Date | null {
  if (!value) return null;
  try {
    return parseUpstreamDate(value);
  } catch {
    return null;
  }
}

interface Base {
  profile: AdsProfile;
  campaignId: string;
  campaign: CampaignInfo | undefined;
  currency: string | null;
  generatedAt: string;
  campaignImpact: ImpactEstimate[];
  raw: CampaignRecommendation;
}

function build(
  base: Base,
  part: {
    id: string;
    sourceType: string;
    kind: RecommendationKind;
    title: string;
    description: string | null;
    entity: NormalisedRecommendation['entity'];
    action: ProposedAction;
    applicable: boolean;
    impact?: ImpactEstimate[];
    raw: unknown;
  },
): NormaliseResult {
  return {
    ok: true,
    recommendation: {
      sourceRecommendationId: `${base.campaignId}:${part.id}`,
      source: 'sp-consolidated',
      sourceType: part.sourceType,
      kind: part.kind,
      // The seeds file bid, budget and targeting recommendations under performance optimisation.
      goal: 'performance',
      title: part.title,
      description: part.description,
      ...advertiserFields(base.profile),
      entity: part.entity,
      action: part.action,
      applicable: part.applicable,
      confidence: null,
      impactScore: null,
      estimatedImpact: [...(part.impact ?? []), ...base.campaignImpact],
      generatedAt: base.generatedAt,
      // Not found in the spec or docs: consolidated recommendations carry no expiry, only a daily refresh (facts.md §8).
      expiresAt: null,
      raw: { campaignId: base.campaignId, action: part.raw, sevenDaysEstimatedOpportunities: base.raw.sevenDaysEstimatedOpportunities },
    },
  };
}

function bad(reason: string, raw: unknown): NormaliseResult {
  return { ok: false, reason, raw };
}

export function normaliseConsolidated(raw: unknown, profile: AdsProfile, join: ConsolidatedJoin, now: Date): NormaliseResult[] {
  const envelope = CampaignRecommendationSchema.safeParse(raw);
  if (!envelope.success) {
    return [bad(`campaign recommendation does not match the published schema: ${issuesOf(envelope.error)}`, raw)];
  }
  const rec = envelope.data;
  const campaign = join.campaigns.get(rec.campaignId);
  const currency = currencyOf(profile);
  const opportunities = rec.sevenDaysEstimatedOpportunities;
  const windowEnd = dateOrNull(opportunities?.endDate);
  const windowStart = dateOrNull(opportunities?.startDate);
  const periodDays = windowStart && windowEnd ? Math.max(1, Math.round((windowEnd.getTime() - windowStart.getTime()) / 86_400_000)) : 7;
  const campaignImpact: ImpactEstimate[] =
    opportunities &&
    (opportunities.estimatedIncrementalClicksLower !== undefined || opportunities.estimatedIncrementalClicksUpper !== undefined)
      ? [
          {
            // Amazon's estimate for the campaign if all of its recommendations were applied, not this action alone.
            metric: 'incremental clicks (all of the campaign’s recommendations)',
            lower: opportunities.estimatedIncrementalClicksLower ?? null,
            upper: opportunities.estimatedIncrementalClicksUpper ?? null,
            unit: 'count',
            periodDays,
          },
        ]
      : [];
  const base: Base = {
    profile,
    campaignId: rec.campaignId,
    campaign,
    currency,
    generatedAt: (windowEnd ?? startOfUtcDay(now)).toISOString(),
    campaignImpact,
    raw: rec,
  };
  const label = campaignLabel(rec.campaignId, campaign);
  const campaignEntity = entityOf('campaign', { campaignId: rec.campaignId }, { campaign });
  const results: NormaliseResult[] = [];
  const where = (part: string) => `campaign ${rec.campaignId} ${part}`;

  if (rec.budgetRecommendation !== undefined) {
    const parsed = BudgetRecommendationSchema.safeParse(rec.budgetRecommendation);
    if (!parsed.success) {
      results.push(
        bad(`${where('budgetRecommendation')}: ${issuesOf(parsed.error)}`, {
          campaignId: rec.campaignId,
          budgetRecommendation: rec.budgetRecommendation,
        }),
      );
    } else {
      const from = campaign?.dailyBudget ?? null;
      const to = parsed.data.suggestedBudget;
      results.push(
        build(base, {
          id: 'budget',
          sourceType: `BUDGET_${parsed.data.action ?? 'UPDATE'}`,
          kind: 'budget',
          title: `${label}: daily budget ${change(from, to, currency)}`,
          description: null,
          entity: campaignEntity,
          action: {
            type: 'set-budget',
            field: 'dailyBudget',
            from,
            to,
            unit: 'currency',
            currency,
            direction: directionOf(from, to, parsed.data.action),
          },
          applicable: true,
          raw: parsed.data,
        }),
      );
    }
  }

  if (rec.biddingStrategyRecommendation !== undefined) {
    const parsed = BiddingStrategyRecommendationSchema.safeParse(rec.biddingStrategyRecommendation);
    if (!parsed.success) {
      results.push(
        bad(`${where('biddingStrategyRecommendation')}: ${issuesOf(parsed.error)}`, {
          campaignId: rec.campaignId,
          biddingStrategyRecommendation: rec.biddingStrategyRecommendation,
        }),
      );
    } else {
      const from = campaign?.biddingStrategy ?? null;
      const to = parsed.data.suggestedBiddingStrategy;
      results.push(
        build(base, {
          id: 'bidding-strategy',
          sourceType: `BIDDING_STRATEGY_${parsed.data.action ?? 'UPDATE'}`,
          kind: 'bid',
          title: `${label}: bidding strategy ${from ?? '?'} → ${to}`,
          description: null,
          entity: campaignEntity,
          action: {
            type: 'set-bidding-strategy',
            field: 'biddingStrategy',
            from,
            to,
            unit: 'strategy',
            currency: null,
            direction: from === to ? 'none' : 'change',
          },
          applicable: true,
          raw: parsed.data,
        }),
      );
    }
  }

  for (const [index, item] of (rec.keywordTargetingRecommendations ?? []).entries()) {
    const parsed = KeywordTargetingRecommendationSchema.safeParse(item);
    if (!parsed.success) {
      results.push(
        bad(`${where(`keywordTargetingRecommendations[${index}]`)}: ${issuesOf(parsed.error)}`, {
          campaignId: rec.campaignId,
          keywordTargetingRecommendation: item,
        }),
      );
      continue;
    }
    const k = parsed.data;
    const keyword = k.keywordId ? join.keywords.get(k.keywordId) : undefined;
    const adGroupId = k.adGroupId ?? keyword?.adGroupId ?? null;
    const adGroup = adGroupId ? join.adGroups.get(adGroupId) : undefined;
    const text = k.keywordText ?? keyword?.keywordText ?? null;
    const matchType = k.matchType ?? keyword?.matchType ?? null;
    const where2 = `${label} › ${adGroupLabel(adGroupId, adGroup)}`;
    const quoted = `keyword "${text ?? k.keywordId}"${matchType ? ` (${matchType})` : ''}`;
    const entity = entityOf(
      'keyword',
      { campaignId: rec.campaignId, adGroupId, targetId: k.keywordId ?? null },
      { campaign, adGroup },
      { text, matchType },
    );
    if (k.action === 'ADD') {
      const to = k.suggestedBid ?? null;
      results.push(
        build(base, {
          id: `${adGroupId}:add-keyword:${matchType ?? ''}:${(text ?? '').toLowerCase()}`,
          sourceType: 'KEYWORD_TARGETING_ADD',
          kind: 'targeting',
          title: `${where2}: add ${quoted}${to === null ? '' : ` at ${amount(to, currency)}`}`,
          description: null,
          entity: { ...entity, targetId: null },
          action: { type: 'add-keyword', field: 'bid', from: null, to, unit: 'currency', currency, direction: 'add' },
          applicable: adGroupId !== null && text !== null,
          raw: k,
        }),
      );
    } else if (k.action === 'REMOVE') {
      const from = keyword?.state ?? null;
      results.push(
        build(base, {
          id: `keyword:${k.keywordId ?? `${adGroupId}:${matchType}:${text}`}:state`,
          sourceType: 'KEYWORD_TARGETING_REMOVE',
          kind: 'targeting',
          title: `${where2}: archive ${quoted}`,
          description: null,
          entity,
          action: { type: 'set-state', field: 'state', from, to: 'ARCHIVED', unit: 'state', currency: null, direction: 'remove' },
          applicable: Boolean(k.keywordId),
          raw: k,
        }),
      );
    } else {
      const from = keyword ? (keyword.bid ?? adGroup?.defaultBid ?? null) : null;
      const to = k.suggestedBid ?? null;
      const known = KNOWN_KEYWORD_ACTIONS.has(k.action);
      results.push(
        build(base, {
          id: `keyword:${k.keywordId ?? `${adGroupId}:${matchType}:${text}`}:bid`,
          sourceType: `KEYWORD_TARGETING_${k.action}`,
          kind: 'bid',
          title: `${where2}: ${quoted} bid ${change(from, to, currency)}${known ? '' : ` (${k.action})`}`,
          description: known ? null : `Amazon proposes an action RecDesk does not know yet: ${k.action}`,
          entity,
          action: { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction: directionOf(from, to, k.action) },
          applicable: known && Boolean(k.keywordId) && to !== null,
          raw: k,
        }),
      );
    }
  }

  for (const [index, item] of (rec.targetingGroupBidRecommendations ?? []).entries()) {
    const parsed = TargetingGroupBidRecommendationSchema.safeParse(item);
    if (!parsed.success) {
      results.push(
        bad(`${where(`targetingGroupBidRecommendations[${index}]`)}: ${issuesOf(parsed.error)}`, {
          campaignId: rec.campaignId,
          targetingGroupBidRecommendation: item,
        }),
      );
      continue;
    }
    const t = parsed.data;
    const target = t.targetId ? join.targets.get(t.targetId) : undefined;
    const adGroupId = t.adGroupId ?? target?.adGroupId ?? null;
    const adGroup = adGroupId ? join.adGroups.get(adGroupId) : undefined;
    const group = t.targetingGroupExpression ?? target?.autoGroup ?? null;
    const text = group ? describeAutoGroup(group) : (target?.text ?? null);
    const where2 = `${label} › ${adGroupLabel(adGroupId, adGroup)}`;
    const entity = entityOf(
      'target',
      { campaignId: rec.campaignId, adGroupId, targetId: t.targetId ?? null },
      { campaign, adGroup },
      { text },
    );
    const known = KNOWN_TARGET_ACTIONS.has(t.action);
    const identity = t.targetId ?? `${adGroupId}:${group}`;
    if (t.action === 'ADD') {
      const to = t.suggestedBid ?? null;
      results.push(
        build(base, {
          id: `target:${identity}:add`,
          sourceType: 'TARGETING_GROUP_BID_ADD',
          kind: 'targeting',
          title: `${where2}: add targeting group ${text ?? '?'}${to === null ? '' : ` at ${amount(to, currency)}`}`,
          description: null,
          entity,
          action: { type: 'add-target', field: 'bid', from: null, to, unit: 'currency', currency, direction: 'add' },
          applicable: adGroupId !== null && group !== null,
          raw: t,
        }),
      );
    } else if (t.action === 'REMOVE') {
      results.push(
        build(base, {
          id: `target:${identity}:state`,
          sourceType: 'TARGETING_GROUP_BID_REMOVE',
          kind: 'targeting',
          title: `${where2}: pause targeting group ${text ?? '?'}`,
          description: null,
          entity,
          // Auto-targeting clauses cannot be archived by hand (AUTO_TARGETING_CLAUSE_CANNOT_BE_ARCHIVED_MANUALLY): pause.
          action: {
            type: 'set-state',
            field: 'state',
            from: target?.state ?? null,
            to: 'PAUSED',
            unit: 'state',
            currency: null,
            direction: 'remove',
          },
          applicable: Boolean(t.targetId),
          raw: t,
        }),
      );
    } else {
      const from = target ? (target.bid ?? adGroup?.defaultBid ?? null) : null;
      const to = t.suggestedBid ?? null;
      results.push(
        build(base, {
          id: `target:${identity}:bid`,
          sourceType: `TARGETING_GROUP_BID_${t.action}`,
          kind: 'bid',
          title: `${where2}: ${text ?? 'targeting group'} bid ${change(from, to, currency)}${known ? '' : ` (${t.action})`}`,
          description: known ? null : `Amazon proposes an action RecDesk does not know yet: ${t.action}`,
          entity,
          action: { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction: directionOf(from, to, t.action) },
          applicable: known && Boolean(t.targetId) && to !== null,
          raw: t,
        }),
      );
    }
  }

  for (const [index, item] of (rec.placementBiddingRecommendations ?? []).entries()) {
    const parsed = PlacementBiddingRecommendationSchema.safeParse(item);
    if (!parsed.success) {
      results.push(
        bad(`${where(`placementBiddingRecommendations[${index}]`)}: ${issuesOf(parsed.error)}`, {
          campaignId: rec.campaignId,
          placementBiddingRecommendation: item,
        }),
      );
      continue;
    }
    const p = parsed.data;
    // A placement the campaign does not list carries no adjustment: 0 %.
    const from = campaign ? (campaign.placements[p.placementType] ?? 0) : null;
    const to = p.suggestedBidAdjustment;
    const name = PLACEMENT_NAMES[p.placementType] ?? p.placementType;
    const impact: ImpactEstimate[] =
      p.incrementalImpressionsLowerPercent !== undefined || p.incrementalImpressionsUpperPercent !== undefined
        ? [
            {
              metric: 'incremental impressions',
              lower: p.incrementalImpressionsLowerPercent ?? null,
              upper: p.incrementalImpressionsUpperPercent ?? null,
              unit: 'percent',
              periodDays: null,
            },
          ]
        : [];
    results.push(
      build(base, {
        id: `placement:${p.placementType}`,
        sourceType: `PLACEMENT_BIDDING_${p.action ?? 'UPDATE'}`,
        kind: 'bid',
        title: `${label}: ${name} bid adjustment ${from === null ? '?' : `+${from}%`} → +${to}%`,
        description: null,
        entity: { ...campaignEntity, level: 'placement', targetId: p.placementType, targetText: name },
        action: {
          type: 'set-bid-adjustment',
          field: p.placementType,
          from,
          to,
          unit: 'percent',
          currency: null,
          direction: directionOf(from, to, p.action),
        },
        applicable: p.placementType in PLACEMENT_NAMES,
        impact,
        raw: p,
      }),
    );
  }
  return results;
}

/** The ids a page of raw campaign recommendations touches, for one batched join per page. */
export function idsOfPage(items: readonly unknown[]): {
  campaignIds: Set<string>;
  keywordIds: Set<string>;
  targetIds: Set<string>;
  adGroupIds: Set<string>;
} {
  const ids = {
    campaignIds: new Set<string>(),
    keywordIds: new Set<string>(),
    targetIds: new Set<string>(),
    adGroupIds: new Set<string>(),
  };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const rec = item as Record<string, unknown>;
    const campaignId = text(rec.campaignId);
    if (campaignId) ids.campaignIds.add(campaignId);
    for (const list of ['keywordTargetingRecommendations', 'targetingGroupBidRecommendations'] as const) {
      const entries = Array.isArray(rec[list]) ? (rec[list] as unknown[]) : [];
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue;
        const e = entry as Record<string, unknown>;
        const adGroupId = text(e.adGroupId);
        if (adGroupId) ids.adGroupIds.add(adGroupId);
        const keywordId = text(e.keywordId);
        if (keywordId) ids.keywordIds.add(keywordId);
        const targetId = text(e.targetId);
        if (targetId) ids.targetIds.add(targetId);
      }
    }
  }
  return ids;
}
