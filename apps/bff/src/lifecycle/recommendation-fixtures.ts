/**
 * Test data: normalised recommendations as a source would yield them, in the shapes the lifecycle and the conflict
 * engine reason about (budget and bid changes, new keywords, pauses), with readable defaults. Used by tests and
 * benchmarks only.
 */
import type { EntityRef, NormalisedRecommendation, ProposedAction, RecommendationSource } from '@recdesk/shared-types';

const BASE_TIME = '2026-06-01T00:00:00.000Z';

export interface FixtureOptions {
  id: string;
  source?: RecommendationSource;
  advertiserId?: string;
  campaignId?: string;
  campaignName?: string | null;
  marketplace?: string;
  generatedAt?: string;
  refreshedAt?: string;
  expiresAt?: string | null;
  confidence?: number | null;
  impactScore?: number | null;
}

function entity(level: EntityRef['level'], options: FixtureOptions, more: Partial<EntityRef> = {}): EntityRef {
  return {
    level,
    portfolioId: null,
    campaignId: options.campaignId ?? 'C1',
    campaignName: options.campaignName === undefined ? 'Summer Sale' : options.campaignName,
    adGroupId: null,
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    asin: null,
    brandName: null,
    ...more,
  };
}

function item(
  options: FixtureOptions,
  fields: { entity: EntityRef; action: ProposedAction; title: string; kind: NormalisedRecommendation['kind'] },
) {
  const recommendation: NormalisedRecommendation = {
    sourceRecommendationId: options.id,
    source: options.source ?? 'partner-opportunities',
    sourceType: fields.action.type.toUpperCase(),
    kind: fields.kind,
    goal: 'performance',
    title: fields.title,
    description: null,
    advertiserId: options.advertiserId ?? 'A1',
    advertiserName: 'Acme Kitchen',
    profileId: '1001',
    marketplace: options.marketplace ?? 'US',
    entity: fields.entity,
    action: fields.action,
    applicable: true,
    confidence: options.confidence ?? 0.8,
    impactScore: options.impactScore ?? 6,
    estimatedImpact: [{ metric: 'missed clicks', lower: 10, upper: 40, unit: 'count', periodDays: 7 }],
    generatedAt: options.generatedAt ?? BASE_TIME,
    refreshedAt: options.refreshedAt ?? options.generatedAt ?? BASE_TIME,
    expiresAt: options.expiresAt === undefined ? '2026-06-20T00:00:00.000Z' : options.expiresAt,
    raw: { fixture: options.id },
  };
  return recommendation;
}

const direction = (from: number | null, to: number) =>
  from === null ? 'change' : to > from ? 'increase' : to < from ? 'decrease' : 'none';

export function budgetChange(options: FixtureOptions & { from: number | null; to: number }): NormalisedRecommendation {
  return item(options, {
    kind: 'budget',
    title: `Daily budget ${options.from} → ${options.to}`,
    entity: entity('campaign', options),
    action: {
      type: 'set-budget',
      field: 'dailyBudget',
      from: options.from,
      to: options.to,
      unit: 'currency',
      currency: 'USD',
      direction: direction(options.from, options.to),
    },
  });
}

export interface KeywordOptions extends FixtureOptions {
  adGroupId?: string;
  keywordId?: string;
  text?: string;
  level?: 'keyword' | 'target' | 'ad-group' | 'placement';
}

function keywordEntity(options: KeywordOptions): EntityRef {
  const level = options.level ?? 'keyword';
  return entity(level, options, {
    adGroupId: options.adGroupId ?? 'G1',
    adGroupName: 'Kettles',
    targetId: level === 'ad-group' ? null : (options.keywordId ?? 'K1'),
    targetText: level === 'ad-group' ? null : (options.text ?? 'electric kettle'),
    matchType: level === 'keyword' ? 'EXACT' : null,
  });
}

export function bidChange(options: KeywordOptions & { from: number | null; to: number }): NormalisedRecommendation {
  const placement = options.level === 'placement';
  return item(options, {
    kind: 'bid',
    title: `Bid ${options.from} → ${options.to} on ${options.text ?? 'electric kettle'}`,
    entity: keywordEntity(options),
    action: {
      type: placement ? 'set-bid-adjustment' : 'set-bid',
      field: placement ? 'placementTop' : 'bid',
      from: options.from,
      to: options.to,
      unit: placement ? 'percent' : 'currency',
      currency: placement ? null : 'USD',
      direction: direction(options.from, options.to),
    },
  });
}

export function newKeyword(options: KeywordOptions & { bid: number }): NormalisedRecommendation {
  return item(options, {
    kind: 'targeting',
    title: `Add keyword ${options.text ?? 'glass kettle'}`,
    entity: keywordEntity({ ...options, keywordId: '', text: options.text ?? 'glass kettle' }),
    action: { type: 'add-keyword', field: 'bid', from: null, to: options.bid, unit: 'currency', currency: 'USD', direction: 'add' },
  });
}

export function stateChange(
  options: Omit<KeywordOptions, 'level'> & { to: 'PAUSED' | 'ARCHIVED' | 'ENABLED'; level?: KeywordOptions['level'] | 'campaign' },
) {
  const level = options.level ?? 'campaign';
  return item(options, {
    kind: 'strategic',
    title: `${options.to} ${level}`,
    entity: level === 'campaign' ? entity('campaign', options) : keywordEntity({ ...options, level }),
    action: {
      type: 'set-state',
      field: 'state',
      from: 'ENABLED',
      to: options.to,
      unit: 'state',
      currency: null,
      direction: options.to === 'ENABLED' ? 'add' : 'remove',
    },
  });
}

export function insight(options: FixtureOptions): NormalisedRecommendation {
  return item(options, {
    kind: 'strategic',
    title: 'Share of voice is below peers',
    entity: entity('campaign', options),
    action: { type: 'insight', field: null, from: null, to: null, unit: 'none', currency: null, direction: 'none' },
  });
}
