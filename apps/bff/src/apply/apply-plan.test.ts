import type { Recommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { bidChange, budgetChange, insight, newKeyword } from '../lifecycle/recommendation-fixtures.ts';
import { type ApplyPlan, chunksOf, planOf, sameValue, spWriteItem, writerOf } from './apply-plan.ts';

function rec(fixture: ReturnType<typeof bidChange>, more: Partial<Recommendation> = {}): Recommendation {
  const { raw: _raw, refreshedAt, ...rest } = fixture;
  return {
    ...rest,
    id: '00000000-0000-4000-8000-000000000001',
    refreshedAt: refreshedAt ?? rest.generatedAt,
    freshness: 'fresh',
    status: 'approved',
    validationIssues: [],
    version: 2,
    priority: null,
    conflictIds: [],
    createdAt: rest.generatedAt,
    updatedAt: rest.generatedAt,
    ...more,
  };
}

const poRaw = (opportunity: string, entityId = 'ENTITY1') => ({
  opportunity: { partnerOpportunityId: opportunity },
  row: { advertiserType: 'SELLER', encryptedAdvertiserId: 'A1', entityId, marketplace: 'US' },
});

describe('planOf', () => {
  it('routes SP bids, budgets and new keywords to the SP v3 writes of their profile', () => {
    const bid = planOf(rec(bidChange({ id: 'b', source: 'sp-consolidated', from: 1, to: 1.2 })), null, null);
    expect(bid).toMatchObject({
      ok: true,
      plan: { call: 'sp.keywords.update', entityId: 'K1', expectedValue: 1, targetValue: 1.2, groupKey: 'sp.keywords.update|1001' },
    });
    const target = planOf(rec(bidChange({ id: 't', source: 'sp-targeting', level: 'target', from: 1, to: 2 })), null, 1.5);
    expect(target).toMatchObject({ ok: true, plan: { call: 'sp.targets.update', targetValue: 1.5, edited: true } });
    expect(planOf(rec(budgetChange({ id: 'c', source: 'sp-budget', from: 10, to: 20 })), null, null)).toMatchObject({
      ok: true,
      plan: { call: 'sp.campaigns.update', entityId: 'C1' },
    });
    expect(planOf(rec(newKeyword({ id: 'n', source: 'sp-targeting', bid: 0.8 })), null, null)).toMatchObject({
      ok: true,
      plan: { call: 'sp.keywords.create' },
    });
  });

  it('groups Partner Opportunities by opportunity, advertiser type, advertiser, entity and marketplace', () => {
    const a = planOf(rec(bidChange({ id: 'p1', from: 1, to: 2 })), poRaw('OPP1'), null);
    const b = planOf(rec(bidChange({ id: 'p2', from: 1, to: 2 })), poRaw('OPP1', 'ENTITY2'), null);
    expect(a.ok && b.ok && a.plan.groupKey !== b.plan.groupKey).toBe(true);
    expect(a).toMatchObject({ ok: true, plan: { call: 'po.apply', upstream: { partnerOpportunityId: 'OPP1', recommendationId: 'p1' } } });
  });

  it('says why an insight or an edited Partner Opportunity cannot be applied', () => {
    expect(planOf(rec(insight({ id: 'i' }) as ReturnType<typeof bidChange>, { applicable: false }), null, null)).toMatchObject({
      ok: false,
    });
    expect(planOf(rec(bidChange({ id: 'p', from: 1, to: 2 })), poRaw('OPP1'), 1.5)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/edited/),
    });
  });
});

describe('SB and SD writes', () => {
  it('routes SB budgets and keyword bids, SD budgets and target bids to their writes, with int64 ids in the bodies', () => {
    const sbBudget = planOf(rec(budgetChange({ id: 'a', source: 'sb-recommendations', campaignId: '500', from: 40, to: 60 })), null, null);
    expect(sbBudget).toMatchObject({
      ok: true,
      plan: { call: 'sb.campaigns.update', entityId: '500', groupKey: 'sb.campaigns.update|1001' },
    });
    if (sbBudget.ok)
      expect(spWriteItem(sbBudget.plan, { entity: rec(budgetChange({ id: 'a', from: 1, to: 2 })).entity })).toEqual({
        campaignId: '500',
        budget: 60,
      });

    const sbBid = planOf(
      rec(bidChange({ id: 'b', source: 'sb-recommendations', campaignId: '500', adGroupId: '501', keywordId: '510', from: 1, to: 1.3 })),
      null,
      null,
    );
    expect(sbBid).toMatchObject({
      ok: true,
      plan: { call: 'sb.keywords.update', entityId: '510', upstream: { campaignId: '500', adGroupId: '501' } },
    });
    // Undo builds the body from the stored plan alone: the keyword's parents travel in it.
    if (sbBid.ok)
      expect(spWriteItem({ ...sbBid.plan, targetValue: 1 }, { entity: null as never })).toEqual({
        keywordId: 510,
        adGroupId: 501,
        campaignId: 500,
        bid: 1,
      });

    const sd = planOf(rec(budgetChange({ id: 'c', source: 'sd-recommendations', campaignId: '600', from: 30, to: 45 })), null, null);
    if (!sd.ok) throw new Error(sd.reason);
    expect(spWriteItem(sd.plan, { entity: null as never })).toEqual({ campaignId: 600, budget: 45 });
    const sdBid = planOf(
      rec(bidChange({ id: 'd', source: 'sd-recommendations', level: 'target', keywordId: '610', from: 0.9, to: 0.7 })),
      null,
      null,
    );
    if (!sdBid.ok) throw new Error(sdBid.reason);
    expect(spWriteItem(sdBid.plan, { entity: null as never })).toEqual({ targetId: 610, bid: 0.7 });
    expect(writerOf(rec(budgetChange({ id: 'e', source: 'sd-recommendations', from: 1, to: 2 })))).toEqual({ ok: true, undoable: true });
  });

  it('never writes a headline or an SD audience: it says what to do in Amazon Ads instead', () => {
    const headline = rec({
      ...budgetChange({ id: 'h', source: 'sb-recommendations', from: 1, to: 2 }),
      kind: 'creative',
      action: {
        type: 'creative',
        field: 'headline',
        from: 'Old',
        to: 'Discover Acme kettles',
        unit: 'none',
        currency: null,
        direction: 'change',
      },
    });
    expect(writerOf(headline)).toMatchObject({
      ok: false,
      code: 'no_writer',
      message: expect.stringContaining('paste “Discover Acme kettles”'),
      link: expect.stringContaining('advertising.amazon.com'),
    });
    expect(planOf(headline, null, null)).toMatchObject({ ok: false, reason: expect.stringContaining('headline') });
    const audience = rec({
      ...budgetChange({ id: 'u', source: 'sd-recommendations', from: 1, to: 2 }),
      action: { type: 'add-target', field: 'audience', from: null, to: '3712', unit: 'none', currency: null, direction: 'add' },
    });
    expect(writerOf(audience)).toMatchObject({
      ok: false,
      code: 'no_writer',
      message: expect.stringContaining('add the audience in Amazon Ads'),
    });
  });

  it('cuts SB campaign updates at 10 per call, the published maxItems', () => {
    const plans = Array.from({ length: 23 }, (_, n) => {
      const planned = planOf(
        rec(budgetChange({ id: `s${n}`, source: 'sb-recommendations', campaignId: String(500 + n), from: 40, to: 60 })),
        null,
        null,
      );
      if (!planned.ok) throw new Error(planned.reason);
      return { plan: planned.plan };
    });
    expect(chunksOf(plans).map((c) => c.items.length)).toEqual([10, 10, 3]);
  });
});

describe('chunksOf', () => {
  const item = (call: ApplyPlan['call'], groupKey: string) => ({ plan: { call, groupKey } as ApplyPlan });

  it('cuts each group at its call limit: SP 1000, Partner Opportunities and the Recommendations API 100', () => {
    const items = [
      ...Array.from({ length: 2500 }, () => item('sp.keywords.update', 'sp|1')),
      ...Array.from({ length: 250 }, () => item('po.apply', 'po|A')),
      ...Array.from({ length: 30 }, () => item('po.apply', 'po|B')),
      ...Array.from({ length: 101 }, () => item('recs.apply', 'recs|1')),
    ];
    const sizes = chunksOf(items).map((c) => [c.groupKey, c.items.length]);
    expect(sizes).toEqual([
      ['sp|1', 1000],
      ['sp|1', 1000],
      ['sp|1', 500],
      ['po|A', 100],
      ['po|A', 100],
      ['po|A', 50],
      ['po|B', 30],
      ['recs|1', 100],
      ['recs|1', 1],
    ]);
  });
});

describe('sameValue', () => {
  it('compares money to the cent and states exactly', () => {
    expect(sameValue(1.25, 1.251)).toBe(true);
    expect(sameValue(1.25, 1.26)).toBe(false);
    expect(sameValue('PAUSED', 'PAUSED')).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
  });
});
