import type { Recommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { entityKeyOf } from './entity-keys.ts';
import { bidChange, budgetChange, insight, newKeyword, stateChange } from './recommendation-fixtures.ts';
import {
  type KnownEntityState,
  knownStatesFromRecommendations,
  statusAfterValidation,
  type ValidationSubject,
  validateRecommendation,
  valueIssuesOf,
} from './recommendation-validator.ts';

const limits = { maxBidChangePct: 50, maxBudgetChangePct: 100, maxBudgetChangePerDay: 500 };
const observedAt = new Date('2026-06-01T10:00:00Z');
const subject = (n: ReturnType<typeof budgetChange>, id = n.sourceRecommendationId): ValidationSubject => ({
  id,
  entity: n.entity,
  action: n.action,
  marketplace: n.marketplace,
  refreshedAt: n.refreshedAt ?? n.generatedAt,
  source: n.source,
});
const known = (entries: [string, Partial<KnownEntityState>][]) =>
  new Map(entries.map(([key, state]) => [key, { state: 'ENABLED', exists: true, value: null, observedAt, origin: 'SP list', ...state }]));
const codes = (outcome: ReturnType<typeof validateRecommendation>) => outcome.issues.map((i) => i.code);

describe('validateRecommendation', () => {
  it('passes a change within limits and guardrails on a live entity', () => {
    const item = subject(bidChange({ id: 'k', from: 1, to: 1.3 }));
    const outcome = validateRecommendation(item, known([[entityKeyOf(item.entity), { value: 1 }]]), limits);
    expect(outcome).toEqual({ issues: [], blocking: false, drifted: false });
  });

  it('blocks an archived or missing entity, or one whose campaign is archived', () => {
    const keyword = subject(bidChange({ id: 'k', from: 1, to: 1.1 }));
    expect(validateRecommendation(keyword, known([['keyword:K1', { state: 'ARCHIVED' }]]), limits)).toMatchObject({ blocking: true });
    expect(codes(validateRecommendation(keyword, known([['campaign:C1', { state: 'ARCHIVED' }]]), limits))).toEqual(['entity_archived']);
    expect(codes(validateRecommendation(keyword, known([['keyword:K1', { exists: false }]]), limits))).toEqual(['entity_missing']);
    const newOne = subject(newKeyword({ id: 'n', bid: 1 }));
    expect(codes(validateRecommendation(newOne, known([['ad-group:G1', { state: 'ARCHIVED' }]]), limits))).toEqual(['entity_archived']);
    const noId = {
      ...subject(budgetChange({ id: 'b', from: 10, to: 12 })),
      entity: { ...budgetChange({ id: 'b', from: 1, to: 2 }).entity, campaignId: null },
    };
    expect(validateRecommendation(noId, new Map(), limits)).toMatchObject({ blocking: true, issues: [{ code: 'entity_missing' }] });
  });

  it('checks the marketplace limits of facts.md §6 for bids and budgets', () => {
    expect(codes(validateRecommendation(subject(bidChange({ id: 'k', from: 0.02, to: 0.015 })), new Map(), limits))).toEqual([
      'bid_out_of_range',
    ]);
    expect(codes(validateRecommendation(subject(bidChange({ id: 'k', marketplace: 'JP', from: 2, to: 1.5 })), new Map(), limits))).toEqual([
      'bid_out_of_range',
    ]);
    expect(
      codes(validateRecommendation(subject(budgetChange({ id: 'b', marketplace: 'IN', from: 60, to: 45 })), new Map(), limits)),
    ).toEqual(['budget_out_of_range']);
    expect(
      codes(validateRecommendation(subject(budgetChange({ id: 'b', marketplace: 'JP', from: 150, to: 120 })), new Map(), limits)),
    ).toEqual([]);
    // No known limits for the marketplace: nothing is guessed.
    expect(
      codes(validateRecommendation(subject(bidChange({ id: 'k', marketplace: 'BR', from: 0.02, to: 0.01 })), new Map(), limits)),
    ).toEqual([]);
  });

  it('marks a drift when the assumed current value differs from the latest known one', () => {
    const item = subject(budgetChange({ id: 'b', from: 100, to: 120 }));
    const outcome = validateRecommendation(item, known([['campaign:C1', { value: 90 }]]), limits);
    expect(outcome.drifted).toBe(true);
    expect(outcome.issues[0]?.message).toMatch(
      /assumes the current dailyBudget is 100\.00 USD, but the latest known value is 90\.00 USD \(SP list/,
    );
    expect(valueIssuesOf(outcome)).toEqual([]);
  });

  it('applies the guardrails, to the edited value when there is one', () => {
    const bid = subject(bidChange({ id: 'k', from: 1, to: 1.8 }));
    expect(codes(validateRecommendation(bid, new Map(), limits))).toEqual(['guardrail_bid_change']);
    expect(codes(validateRecommendation(bid, new Map(), limits, { value: 1.4 }))).toEqual([]);
    const budget = subject(budgetChange({ id: 'b', from: 400, to: 1000 }));
    expect(codes(validateRecommendation(budget, new Map(), limits))).toEqual([
      'guardrail_budget_change',
      'guardrail_budget_change_per_day',
    ]);
  });

  it('has nothing to say about insights or state changes with no value', () => {
    expect(validateRecommendation(subject(insight({ id: 'i' })), new Map(), limits).issues).toEqual([]);
    expect(validateRecommendation(subject(stateChange({ id: 's', to: 'PAUSED' })), new Map(), limits).issues).toEqual([]);
  });
});

describe('statusAfterValidation', () => {
  const ok = { issues: [], blocking: false, drifted: false };
  const drift = { issues: [{ code: 'drifted', message: '' }], blocking: false, drifted: true };
  const blocked = { issues: [{ code: 'entity_archived', message: '' }], blocking: true, drifted: false };
  it.each([
    ['discovered', ok, 'validated'],
    ['discovered', drift, 'drifted'],
    ['discovered', blocked, 'discovered'],
    ['validated', blocked, 'discovered'],
    ['drifted', ok, 'validated'],
    ['approved', ok, 'approved'],
    ['approved', drift, 'drifted'],
    ['approved', blocked, 'drifted'],
    ['applying', drift, 'applying'],
  ] as const)('%s with %o → %s', (from, outcome, to) => {
    expect(statusAfterValidation(from, outcome)).toBe(to);
  });
});

describe('knownStatesFromRecommendations', () => {
  it('takes the newest current value any item reports for an entity', () => {
    const items = [
      bidChange({ id: 'a', from: 1, to: 1.2, refreshedAt: '2026-06-01T01:00:00Z' }),
      bidChange({ id: 'b', from: 1.1, to: 1.3, refreshedAt: '2026-06-01T05:00:00Z' }),
      newKeyword({ id: 'c', bid: 1 }),
    ].map(
      (n) =>
        ({ ...n, refreshedAt: n.refreshedAt ?? n.generatedAt }) as Pick<Recommendation, 'entity' | 'action' | 'refreshedAt' | 'source'>,
    );
    const states = knownStatesFromRecommendations(items);
    expect([...states.keys()]).toEqual(['keyword:K1']);
    expect(states.get('keyword:K1')).toMatchObject({ value: 1.1, origin: 'as reported by partner-opportunities' });
  });
});
