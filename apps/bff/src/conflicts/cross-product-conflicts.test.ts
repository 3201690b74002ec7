/**
 * Contradictions across ad products of one advertiser: SB / SD budget raises and SD audience expansion against an SP
 * budget cut on the same product, and a headline for a campaign whose budget goes to zero; and the consistent pairs
 * that must stay quiet (same direction, another marketplace or advertiser, another product, a trim rather than zero).
 */
import type { ConflictKind, NormalisedRecommendation, RecommendationSource } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { detectConflicts, type EngineItem } from './conflict-engine.ts';

interface Options {
  id: string;
  source: RecommendationSource;
  campaignId: string;
  campaignName?: string;
  profileId?: string;
  advertiserId?: string;
  asin?: string | null;
}

function item(n: NormalisedRecommendation, options: Options): EngineItem {
  return {
    id: n.sourceRecommendationId,
    advertiserId: n.advertiserId,
    profileId: options.profileId ?? '1001',
    status: 'validated',
    source: n.source,
    title: n.title,
    entity: { ...n.entity, asin: options.asin ?? null },
    action: n.action,
    priority: 50,
    refreshedAt: n.generatedAt,
    contentHash: `hash-${n.sourceRecommendationId}`,
  };
}

function budget(options: Options & { from: number; to: number }): EngineItem {
  const { id, source, campaignId, campaignName, advertiserId } = options;
  return item(
    budgetChange({ id, source, campaignId, campaignName: campaignName ?? campaignId, advertiserId, from: options.from, to: options.to }),
    options,
  );
}

function audience(options: Options & { name: string }): EngineItem {
  const base = budgetChange({
    id: options.id,
    source: options.source,
    campaignId: options.campaignId,
    campaignName: options.campaignName ?? options.campaignId,
    advertiserId: options.advertiserId,
    from: 1,
    to: 2,
  });
  return item(
    {
      ...base,
      kind: 'audience',
      entity: { ...base.entity, level: 'target', adGroupId: `${options.campaignId}-G`, targetText: `audience “${options.name}”` },
      action: { type: 'add-target', field: 'audience', from: null, to: options.name, unit: 'none', currency: null, direction: 'add' },
    },
    options,
  );
}

function headline(options: Options & { text: string }): EngineItem {
  const base = budgetChange({
    id: options.id,
    source: options.source,
    campaignId: options.campaignId,
    campaignName: options.campaignName ?? options.campaignId,
    advertiserId: options.advertiserId,
    from: 1,
    to: 2,
  });
  return item(
    {
      ...base,
      kind: 'creative',
      action: {
        type: 'creative',
        field: 'headline',
        from: 'Old words',
        to: options.text,
        unit: 'none',
        currency: null,
        direction: 'change',
      },
    },
    options,
  );
}

const SP_CUT = budget({ id: 'sp-cut', source: 'sp-budget', campaignId: 'SP1', campaignName: 'Kettles SP', from: 100, to: 60 });

const FOUND: { name: string; items: EngineItem[]; kind: ConflictKind; members: string[]; words: RegExp[] }[] = [
  {
    name: 'an SB budget raise while the SP budget of the same product is cut',
    items: [
      SP_CUT,
      budget({
        id: 'sb-up',
        source: 'sb-recommendations',
        campaignId: 'SB1',
        campaignName: 'Kettles SB',
        asin: 'B0KETTLE01',
        from: 40,
        to: 60,
      }),
    ],
    kind: 'cross_product_budget',
    members: ['sb-up', 'sp-cut'],
    words: [
      /Sponsored Products budget cut 100\.00 → 60\.00 USD on Campaign Kettles SP/,
      /Sponsored Brands Campaign Kettles SB budget up 40\.00 → 60\.00 USD/,
      /same money on the same shoppers/,
    ],
  },
  {
    name: 'SB and SD raises together against one SP cut',
    items: [
      SP_CUT,
      budget({ id: 'sb-up', source: 'sb-recommendations', campaignId: 'SB1', from: 40, to: 60 }),
      budget({ id: 'sd-up', source: 'sd-recommendations', campaignId: 'SD1', from: 30, to: 45 }),
    ],
    kind: 'cross_product_budget',
    members: ['sb-up', 'sd-up', 'sp-cut'],
    words: [/2 budget raises/, /Sponsored Display Campaign SD1/],
  },
  {
    name: 'an SD audience expansion during the SP budget cut',
    items: [
      SP_CUT,
      audience({
        id: 'sd-aud',
        source: 'sd-recommendations',
        campaignId: 'SD1',
        campaignName: 'Kettles SD',
        name: 'Home & Kitchen shoppers',
      }),
    ],
    kind: 'audience_expansion_during_budget_cut',
    members: ['sd-aud', 'sp-cut'],
    words: [/Sponsored Display would reach 1 new audience/, /Home & Kitchen shoppers/, /New shoppers cost budget/],
  },
  {
    name: 'a headline for an SB campaign whose budget is cut to zero',
    items: [
      budget({ id: 'sb-zero', source: 'sb-recommendations', campaignId: 'SB1', campaignName: 'Kettles SB', from: 40, to: 0 }),
      headline({ id: 'sb-head', source: 'sb-recommendations', campaignId: 'SB1', text: 'Discover Acme kettles' }),
    ],
    kind: 'creative_on_unfunded_campaign',
    members: ['sb-head', 'sb-zero'],
    words: [
      /Budget cut 40\.00 → 0\.00 USD on Campaign Kettles SB, to zero/,
      /headline to Discover Acme kettles/,
      /nobody would read the headline/,
    ],
  },
];

const QUIET: { name: string; items: EngineItem[] }[] = [
  {
    name: 'SB and SP budgets both raised',
    items: [
      budget({ id: 'sp-up', source: 'sp-budget', campaignId: 'SP1', from: 60, to: 100 }),
      budget({ id: 'sb-up', source: 'sb-recommendations', campaignId: 'SB1', from: 40, to: 60 }),
    ],
  },
  {
    name: 'SB and SP budgets both cut',
    items: [SP_CUT, budget({ id: 'sb-cut', source: 'sb-recommendations', campaignId: 'SB1', from: 60, to: 40 })],
  },
  {
    name: 'an SB raise in another marketplace of the advertiser',
    items: [SP_CUT, budget({ id: 'sb-up', source: 'sb-recommendations', campaignId: 'SB1', profileId: '2002', from: 40, to: 60 })],
  },
  {
    name: 'an SB raise of another advertiser',
    items: [SP_CUT, budget({ id: 'sb-up', source: 'sb-recommendations', campaignId: 'SB1', advertiserId: 'A2', from: 40, to: 60 })],
  },
  {
    name: 'an SB raise on another product than the SP cut',
    items: [
      budget({ id: 'sp-cut', source: 'sp-budget', campaignId: 'SP1', asin: 'B0TEAPOT01', from: 100, to: 60 }),
      budget({ id: 'sb-up', source: 'sb-recommendations', campaignId: 'SB1', asin: 'B0KETTLE01', from: 40, to: 60 }),
    ],
  },
  {
    name: 'an SD audience expansion while the SP budget rises',
    items: [
      budget({ id: 'sp-up', source: 'sp-budget', campaignId: 'SP1', from: 60, to: 100 }),
      audience({ id: 'sd-aud', source: 'sd-recommendations', campaignId: 'SD1', name: 'Fitness enthusiasts' }),
    ],
  },
  {
    name: 'a headline on a campaign whose budget is trimmed, not cut to zero',
    items: [
      budget({ id: 'sb-trim', source: 'sb-recommendations', campaignId: 'SB1', from: 40, to: 30 }),
      headline({ id: 'sb-head', source: 'sb-recommendations', campaignId: 'SB1', text: 'Discover Acme kettles' }),
    ],
  },
  {
    name: 'a headline on one campaign while another is cut to zero',
    items: [
      budget({ id: 'sb-zero', source: 'sb-recommendations', campaignId: 'SB2', from: 40, to: 0 }),
      headline({ id: 'sb-head', source: 'sb-recommendations', campaignId: 'SB1', text: 'Discover Acme kettles' }),
    ],
  },
];

describe('conflict engine: across ad products', () => {
  it.each(FOUND)('finds $name', ({ items, kind, members, words }) => {
    const { conflicts } = detectConflicts(items);
    expect(conflicts.map((c) => [c.kind, c.memberIds])).toEqual([[kind, [...members].sort()]]);
    for (const word of words) expect(conflicts[0]?.explanation).toMatch(word);
    expect(conflicts[0]?.suggestedResolution.length).toBeGreaterThan(20);
  });

  it.each(QUIET)('finds nothing in $name', ({ items }) => {
    expect(detectConflicts(items)).toEqual({ conflicts: [], supersede: [] });
  });
});
