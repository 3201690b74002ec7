import type { Recommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { bidChange, budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { parseRuleExpression } from './rule-expression.ts';
import { asWhenWaiting, decide, type GateRule, holdoutPoint } from './rule-gate.ts';

const NOW = new Date('2026-06-01T05:00:00.000Z');
let n = 0;
function item(fixture: ReturnType<typeof bidChange>, more: Partial<Recommendation> = {}): { recommendation: Recommendation } {
  const { raw: _raw, refreshedAt, ...rest } = fixture;
  n++;
  return {
    recommendation: {
      ...rest,
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      refreshedAt: refreshedAt ?? rest.generatedAt,
      freshness: 'fresh',
      status: 'validated',
      validationIssues: [],
      version: 1,
      priority: null,
      conflictIds: [],
      createdAt: rest.generatedAt,
      updatedAt: rest.generatedAt,
      ...more,
    },
  };
}

const rule = (limits: Partial<GateRule['limits']> = {}, scope: Partial<GateRule['scope']> = {}): GateRule => ({
  id: 'r',
  version: 3,
  condition: parseRuleExpression('confidence > 0.8 AND impactScore > 7'),
  scope: { advertiserIds: [], sources: [], ...scope },
  limits: { maxItemsPerRun: 100, maxItemsPerDay: 100, maxSpendChangePerRun: 1000, maxSpendChangePerDay: 1000, ...limits },
});

const good = () => item(bidChange({ id: 'g', from: 1, to: 1.2, confidence: 0.86, impactScore: 8.1 }));

describe('the rule gate', () => {
  it('takes a fresh, valid, conflict-free match with a trace naming the version and the values', () => {
    const [decision] = decide(rule(), [good()], NOW);
    expect(decision).toMatchObject({
      take: true,
      trace: 'rule v3 matched: confidence 0.86 > 0.8, impactScore 8.1 > 7, fresh 5 h, no conflict',
    });
  });

  it.each([
    ['expired', { expiresAt: '2026-06-01T04:00:00.000Z' }, /but expired/],
    ['stale', { freshness: 'stale' as const }, /but stale/],
    ['drifted', { status: 'drifted' as const }, /but drifted/],
    ['failing validation', { validationIssues: [{ code: 'bid_limit', message: 'too high' }] }, /but failing validation \(bid_limit\)/],
    ['in a conflict', { conflictIds: ['00000000-0000-4000-8000-00000000abcd'] }, /but in an unresolved conflict/],
    ['not applicable', { applicable: false }, /but not applicable/],
    [
      "another rule's control",
      { controlGroup: { ruleId: 'r0', ruleName: 'Bids with control', until: '2026-06-20' } },
      /but held back as the control of rule "Bids with control" until 2026-06-20/,
    ],
    ['still discovered', { status: 'discovered' as const }, /but status discovered, not waiting for approval/],
  ])('never takes a matching item that is %s', (_label, more, reason) => {
    const { recommendation } = good();
    const [decision] = decide(rule(), [{ recommendation: { ...recommendation, ...more } }], NOW);
    expect(decision?.take).toBe(false);
    expect(decision?.trace).toMatch(reason);
  });

  it('stops at its item and spend limits, per run and per day', () => {
    const three = [good(), good(), good()];
    expect(decide(rule({ maxItemsPerRun: 2 }), three, NOW).map((d) => d.take)).toEqual([true, true, false]);
    expect(decide(rule({ maxItemsPerDay: 5 }), three, NOW, { items: 4, spend: 0 }).map((d) => d.take)).toEqual([true, false, false]);
    const budgets = [0, 1, 2].map(() => item(budgetChange({ id: 'b', from: 100, to: 150, confidence: 0.9, impactScore: 9 })));
    const decisions = decide(rule({ maxSpendChangePerRun: 120 }), budgets, NOW);
    expect(decisions.map((d) => d.take)).toEqual([true, true, false]);
    expect(decisions[2]?.trace).toMatch(/spend change 150 would pass 120 per run/);
  });

  it('skips items out of its scope', () => {
    const [decision] = decide(rule({}, { advertiserIds: ['OTHER'] }), [good()], NOW);
    expect(decision).toMatchObject({ take: false, trace: 'rule v3 skipped: out of scope' });
  });

  it('skips an item above the advertiser two-person threshold: a rule is never the second approver', () => {
    const above = { ...good(), approvalThresholds: { secondApproverAbove: 1, secondApproverAbovePercent: null } };
    const under = { ...good(), approvalThresholds: { secondApproverAbove: 5, secondApproverAbovePercent: null } };
    const [a, b] = decide(rule(), [above, under], NOW);
    expect(a).toMatchObject({ take: false, decision: 'skip' });
    expect(a?.trace).toMatch(/^rule v3 skipped: matched \(.*\) but needs a second approver: 1\.2 > 1/);
    expect(b).toMatchObject({ take: true, decision: 'take' });
  });

  it('holds back the holdout share by a hash of the id, the same on every run, before the limits', () => {
    const items = Array.from({ length: 200 }, () => good());
    const held = (decisions: ReturnType<typeof decide>) => decisions.filter((d) => d.decision === 'hold').map((d) => d.recommendationId);
    const first = decide({ ...rule({ maxItemsPerRun: 1000 }), holdoutShare: 0.25 }, items, NOW);
    expect(held(first)).toEqual(items.filter((i) => holdoutPoint(i.recommendation.id) < 0.25).map((i) => i.recommendation.id));
    expect(held(first).length).toBeGreaterThan(25);
    expect(held(first).length).toBeLessThan(75);
    expect(first.find((d) => d.decision === 'hold')?.trace).toMatch(/held back as control \(holdout 25%\)$/);
    expect(held(decide({ ...rule({ maxItemsPerRun: 1000 }), holdoutShare: 0.25 }, items, NOW))).toEqual(held(first));
    // Held items use none of the run's limit: the rule still takes its maximum among the others.
    const limited = decide({ ...rule({ maxItemsPerRun: 10 }), holdoutShare: 0.25 }, items, NOW);
    expect(limited.filter((d) => d.take)).toHaveLength(10);
    expect(held(decide(rule(), items, NOW))).toEqual([]);
  });
});

describe('the rule gate by ad product', () => {
  it('never takes a headline (or any change RecDesk cannot write), however well it matches', () => {
    const base = item(budgetChange({ id: 'h', source: 'sb-recommendations', from: 1, to: 2, confidence: 0.95, impactScore: 9 }));
    const headline = {
      recommendation: {
        ...base.recommendation,
        kind: 'creative' as const,
        action: {
          type: 'creative' as const,
          field: 'headline',
          from: 'Old',
          to: 'New words',
          unit: 'none' as const,
          currency: null,
          direction: 'change' as const,
        },
      },
    };
    const [decision] = decide(rule(), [headline], NOW);
    expect(decision?.take).toBe(false);
    expect(decision?.trace).toMatch(/but not writable by RecDesk/);
  });

  it('matches `adProduct` from the source: SB and SD items by their product, SP sources as SP, others as nothing', () => {
    const byProduct = (expression: string) => ({ ...rule(), condition: parseRuleExpression(expression) });
    const sb = item(budgetChange({ id: 'sb', source: 'sb-recommendations', from: 40, to: 50, confidence: 0.9, impactScore: 8 }));
    const sp = item(bidChange({ id: 'sp', source: 'sp-consolidated', from: 1, to: 1.2, confidence: 0.9, impactScore: 8 }));
    const po = item(bidChange({ id: 'po', source: 'partner-opportunities', from: 1, to: 1.2, confidence: 0.9, impactScore: 8 }));
    const takes = (expression: string) => decide(byProduct(expression), [sb, sp, po], NOW).map((d) => d.take);
    expect(takes('adProduct = "SB"')).toEqual([true, false, false]);
    expect(takes('adProduct = "SP" AND kind = "bid"')).toEqual([false, true, false]);
    expect(takes('adProduct != "SB"')).toEqual([false, true, false]);
  });
});

describe('an item as it waited for approval (the backtest over history)', () => {
  const judged = (more: Partial<Recommendation>, everValidated: boolean) => {
    const { recommendation } = good();
    const then = asWhenWaiting({ ...recommendation, ...more }, everValidated);
    return decide(rule(), [{ recommendation: then }], new Date(then.refreshedAt))[0];
  };

  it('is judged as validated and fresh when its status now says it waited: applied, failed, or expired after validation', () => {
    expect(judged({ status: 'applied', freshness: 'stale' }, false)?.take).toBe(true);
    expect(judged({ status: 'failed' }, false)?.take).toBe(true);
    expect(judged({ status: 'expired', freshness: 'stale' }, true)?.take).toBe(true);
    expect(judged({ status: 'rejected' }, true)?.take).toBe(true);
  });

  it('keeps what the gate refuses whatever the moment: never validated, inapplicable, in a conflict or a control group', () => {
    expect(judged({ status: 'discovered' }, false)?.trace).toMatch(/but status discovered, not waiting for approval/);
    expect(judged({ status: 'rejected' }, false)?.trace).toMatch(/but status rejected/);
    expect(judged({ status: 'dismissed', applicable: false }, true)?.trace).toMatch(/but not applicable upstream/);
    expect(judged({ status: 'applied', conflictIds: ['00000000-0000-4000-8000-00000000abcd'] }, true)?.trace).toMatch(
      /but in an unresolved conflict/,
    );
    expect(judged({ status: 'validated', controlGroup: { ruleId: 'r0', ruleName: 'C', until: '2026-06-20' } }, true)?.take).toBe(false);
    // Expired before it was last refreshed: never waited while it could be applied.
    expect(judged({ status: 'expired', expiresAt: '2026-05-01T00:00:00.000Z' }, true)?.trace).toMatch(/but expired/);
  });
});
