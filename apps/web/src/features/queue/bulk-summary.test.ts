import { describe, expect, it } from 'vitest';
import { actionsAllowing, aRecommendation } from '../../testing/recommendation-fixture.ts';
import { summariseBulk } from './bulk-summary.ts';

describe('summariseBulk', () => {
  it('counts per kind and sums daily budget changes per currency', () => {
    const summary = summariseBulk(
      [
        aRecommendation({ status: 'validated' }),
        aRecommendation({
          status: 'validated',
          action: { type: 'set-budget', field: 'dailyBudget', from: 100, to: 60, unit: 'currency', currency: 'USD', direction: 'decrease' },
        }),
        aRecommendation({
          status: 'validated',
          action: { type: 'set-budget', field: 'dailyBudget', from: 20, to: 30, unit: 'currency', currency: 'EUR', direction: 'increase' },
        }),
        aRecommendation({
          status: 'validated',
          kind: 'bid',
          action: { type: 'set-bid', field: 'bid', from: 1, to: 1.2, unit: 'currency', currency: 'USD', direction: 'increase' },
        }),
      ],
      'approve',
    );
    expect(summary.countByKind).toEqual({ budget: 3, bid: 1 });
    expect(summary.budgetChangeByCurrency).toEqual({ USD: -15, EUR: 10 });
    expect(summary.excluded).toEqual([]);
  });

  it('leaves a held-back control out of a bulk approval, but not out of a bulk rejection', () => {
    const held = aRecommendation({ status: 'validated', controlGroup: { ruleId: 'r1', ruleName: 'Easy wins', until: '2026-12-20' } });
    const approve = summariseBulk([held, aRecommendation({ status: 'validated' })], 'approve');
    expect(approve.included).toHaveLength(1);
    expect(approve.excluded).toEqual([
      {
        item: held,
        reason: 'Held back as the control group of rule “Easy wins” until 2026-12-20: approve it on its own to confirm leaving the group',
      },
    ]);
    expect(summariseBulk([held], 'reject').included).toEqual([held]);
  });

  it('leaves out what the server refuses, each with the server’s reason, before anything is sent', () => {
    const conflicted = aRecommendation({
      status: 'validated',
      conflictIds: ['00000000-0000-4000-8000-00000000ffff'],
      actions: actionsAllowing(['reject'], { approve: { reason: 'conflict', message: 'It is in an open conflict.' } }),
    });
    const expired = aRecommendation({
      actions: actionsAllowing([], { approve: { reason: 'expired', message: 'This recommendation expired.' } }),
    });
    const noWriter = aRecommendation({
      actions: actionsAllowing(['reject'], {
        approve: { reason: 'no_writer', message: 'RecDesk has no writer for a set-bidding-strategy change; apply it in Amazon Ads.' },
      }),
    });
    const summary = summariseBulk([conflicted, expired, noWriter], 'approve');
    expect(summary.included).toEqual([]);
    expect(summary.excluded.map((e) => [e.item.id, e.reason])).toEqual([
      [conflicted.id, expect.stringMatching(/conflict/)],
      [expired.id, 'This recommendation expired.'],
      [noWriter.id, expect.stringMatching(/apply it in Amazon Ads/)],
    ]);
  });

  it('lets a conflicted item be rejected, and changes no budget on reject', () => {
    const conflicted = aRecommendation({
      status: 'validated',
      conflictIds: ['00000000-0000-4000-8000-00000000ffff'],
      actions: actionsAllowing(['reject'], { approve: { reason: 'conflict', message: 'conflict' } }),
    });
    const summary = summariseBulk([conflicted], 'reject');
    expect(summary.included).toEqual([conflicted]);
    expect(summary.budgetChangeByCurrency).toEqual({});
  });

  it('applies only what the server allows to apply, and says why the others are left out', () => {
    const approved = aRecommendation({ status: 'approved', actions: actionsAllowing(['apply', 'reject']) });
    const notApproved = aRecommendation({
      status: 'validated',
      actions: actionsAllowing(['approve'], {
        apply: { reason: 'state', message: "Only approved items are applied; this one is 'validated'." },
      }),
    });
    const insight = aRecommendation({
      applicable: false,
      actions: actionsAllowing(['acknowledge', 'dismiss'], {
        apply: { reason: 'insight', message: 'This is an insight: there is nothing to apply.' },
      }),
    });
    const summary = summariseBulk([approved, notApproved, insight], 'apply');
    expect(summary.included).toEqual([approved]);
    expect(summary.excluded.map((e) => e.reason)).toEqual([
      "Only approved items are applied; this one is 'validated'.",
      'This is an insight: there is nothing to apply.',
    ]);
    expect(summary.budgetChangeByCurrency).toEqual({ USD: 25 });
  });
});
