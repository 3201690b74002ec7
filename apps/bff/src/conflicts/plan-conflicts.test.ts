/**
 * Conflicts across goals (issue 15, item 5): a plan drafted from a reach forecast that pulls against a pending budget
 * cut is found and explained; consistent pairs stay quiet (a plan that also cuts, another marketplace, another
 * advertiser, a raise from a source that is not a plan), and on the cut campaign itself the existing kinds speak.
 */
import type { ConflictKind, RecommendationSource } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { detectConflicts, type EngineItem } from './conflict-engine.ts';

interface Options {
  id: string;
  source: RecommendationSource;
  campaignId: string;
  profileId?: string;
  advertiserId?: string;
  title?: string;
  /** P1 unless said otherwise: the pairs below share a portfolio (one budget cap) by default. */
  portfolioId?: string | null;
}

function budget(options: Options & { from: number; to: number }): EngineItem {
  const n = budgetChange({
    id: options.id,
    source: options.source,
    campaignId: options.campaignId,
    campaignName: `Campaign ${options.campaignId}`,
    advertiserId: options.advertiserId,
    from: options.from,
    to: options.to,
  });
  return {
    id: options.id,
    advertiserId: n.advertiserId,
    profileId: options.profileId ?? '1001',
    status: 'validated',
    source: n.source,
    title: options.title ?? n.title,
    entity: { ...n.entity, portfolioId: options.portfolioId === undefined ? 'P1' : options.portfolioId },
    action: n.action,
    priority: 50,
    refreshedAt: n.generatedAt,
    contentHash: `hash-${options.id}`,
  };
}

function plannedAudience(options: Options & { name: string }): EngineItem {
  const base = budget({ ...options, from: 1, to: 2 });
  return {
    ...base,
    entity: { ...base.entity, level: 'campaign', targetText: options.name },
    action: {
      type: 'add-target',
      field: 'audience',
      from: null,
      to: `aud-${options.name}`,
      unit: 'none',
      currency: null,
      direction: 'add',
    },
  };
}

const kindsOf = (items: EngineItem[]): ConflictKind[] => detectConflicts(items).conflicts.map((c) => c.kind);

describe('plans against pending budget cuts', () => {
  it('finds a plan raising spend on one campaign while another campaign of its portfolio is being cut, and explains it', () => {
    const cut = budget({ id: 'cut', source: 'sp-budget', campaignId: 'C1', from: 100, to: 60 });
    const plan = budget({ id: 'plan', source: 'plan', campaignId: 'C2', from: 50, to: 80, title: 'Planned by ann@agency.example: raise' });
    const { conflicts } = detectConflicts([cut, plan]);
    expect(conflicts.map((c) => c.kind)).toEqual(['plan_spend_during_budget_cut']);
    const [conflict] = conflicts;
    expect(conflict?.memberIds).toEqual(['cut', 'plan']);
    expect(conflict?.entityKey).toBe('campaign:C1');
    expect(conflict?.explanation).toContain('Budget cut 100.00 → 60.00');
    expect(conflict?.explanation).toContain('Planned by ann@agency.example');
    expect(conflict?.explanation).toContain('budget up 50.00 → 80.00');
    expect(conflict?.explanation).toContain('same portfolio P1');
    expect(conflict?.suggestedResolution).toMatch(/reject the plan/);
  });

  it('finds a planned audience during a budget cut on another campaign of its portfolio', () => {
    const cut = budget({ id: 'cut', source: 'sd-recommendations', campaignId: 'C1', from: 100, to: 60 });
    const plan = plannedAudience({ id: 'aud', source: 'plan', campaignId: 'SD9', name: 'Coffee lovers' });
    const { conflicts } = detectConflicts([cut, plan]);
    expect(conflicts.map((c) => c.kind)).toEqual(['plan_audience_during_budget_cut']);
    expect(conflicts[0]?.explanation).toContain('Coffee lovers');
  });

  it('leaves the same campaign to the existing kinds: opposite directions and a cut with expansion', () => {
    const cut = budget({ id: 'cut', source: 'sp-budget', campaignId: 'C1', from: 100, to: 60 });
    const raise = budget({ id: 'plan', source: 'plan', campaignId: 'C1', from: 100, to: 150 });
    expect(kindsOf([cut, raise])).toEqual(['opposite_directions']);
    const audience = plannedAudience({ id: 'aud', source: 'plan', campaignId: 'C1', name: 'Coffee lovers' });
    expect(kindsOf([cut, audience])).toEqual(['budget_cut_with_expansion']);
  });

  it('stays quiet for consistent pairs', () => {
    const cut = budget({ id: 'cut', source: 'sp-budget', campaignId: 'C1', from: 100, to: 60 });
    // A plan that cuts too pulls the same way.
    expect(kindsOf([cut, budget({ id: 'p1', source: 'plan', campaignId: 'C2', from: 80, to: 50 })])).toEqual([]);
    // Another marketplace of the advertiser spends another budget.
    expect(kindsOf([cut, budget({ id: 'p2', source: 'plan', campaignId: 'C2', from: 50, to: 80, profileId: '2002' })])).toEqual([]);
    // Another advertiser's plan never conflicts.
    expect(kindsOf([cut, budget({ id: 'p3', source: 'plan', campaignId: 'C2', from: 50, to: 80, advertiserId: 'OTHER' })])).toEqual([]);
    // A raise from an upstream source is no plan (the cross-product and per-campaign kinds judge those).
    expect(kindsOf([cut, budget({ id: 'p4', source: 'sp-budget', campaignId: 'C2', from: 50, to: 80 })])).toEqual([]);
    // Another portfolio, or none: the campaigns spend their own budgets, and moving money between them is the plan.
    expect(kindsOf([cut, budget({ id: 'p6', source: 'plan', campaignId: 'C2', from: 50, to: 80, portfolioId: 'P2' })])).toEqual([]);
    expect(kindsOf([cut, budget({ id: 'p7', source: 'plan', campaignId: 'C2', from: 50, to: 80, portfolioId: null })])).toEqual([]);
    const outside = budget({ id: 'cut2', source: 'sp-budget', campaignId: 'C3', from: 100, to: 60, portfolioId: null });
    expect(kindsOf([outside, budget({ id: 'p8', source: 'plan', campaignId: 'C2', from: 50, to: 80, portfolioId: null })])).toEqual([]);
    // A plan with no cut pending pulls against nothing.
    expect(kindsOf([budget({ id: 'p5', source: 'plan', campaignId: 'C2', from: 50, to: 80 })])).toEqual([]);
  });
});
