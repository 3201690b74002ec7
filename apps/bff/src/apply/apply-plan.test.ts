import type { Recommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { bidChange, budgetChange, insight, newKeyword } from '../lifecycle/recommendation-fixtures.ts';
import { type ApplyPlan, chunksOf, planOf, sameValue } from './apply-plan.ts';

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
