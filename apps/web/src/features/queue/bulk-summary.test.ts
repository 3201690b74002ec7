import { describe, expect, it } from 'vitest';
import { aRecommendation } from '../../testing/recommendation-fixture.ts';
import { hoursFromTestNow, TEST_NOW } from '../../testing/test-clock.ts';
import { summariseBulk } from './bulk-summary.ts';

const now = TEST_NOW.getTime();

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
      now,
    );
    expect(summary.countByKind).toEqual({ budget: 3, bid: 1 });
    expect(summary.budgetChangeByCurrency).toEqual({ USD: -15, EUR: 10 });
    expect(summary.excluded).toEqual([]);
  });

  it('leaves out conflicted and expired items, each with its reason', () => {
    const conflicted = aRecommendation({ status: 'validated', conflictIds: ['00000000-0000-4000-8000-00000000ffff'] });
    const expired = aRecommendation({ status: 'validated', expiresAt: hoursFromTestNow(-34) });
    const summary = summariseBulk([conflicted, expired], 'approve', now);
    expect(summary.included).toEqual([]);
    expect(summary.excluded.map((e) => [e.item.id, e.reason])).toEqual([
      [conflicted.id, expect.stringMatching(/conflict/)],
      [expired.id, expect.stringMatching(/Expired/)],
    ]);
  });

  it('lets a conflicted item be rejected, and changes no budget on reject', () => {
    const conflicted = aRecommendation({ status: 'validated', conflictIds: ['00000000-0000-4000-8000-00000000ffff'] });
    const summary = summariseBulk([conflicted], 'reject', now);
    expect(summary.included).toEqual([conflicted]);
    expect(summary.budgetChangeByCurrency).toEqual({});
  });

  it('applies only approved, applicable, conflict-free items, and says why the others are left out', () => {
    const approved = aRecommendation({ status: 'approved' });
    const summary = summariseBulk(
      [
        approved,
        aRecommendation({ status: 'validated' }),
        aRecommendation({ status: 'applied' }),
        aRecommendation({ status: 'approved', applicable: false }),
        aRecommendation({ status: 'approved', conflictIds: ['10000000-0000-4000-8000-000000000001'] }),
        aRecommendation({ status: 'approved', expiresAt: hoursFromTestNow(-1) }),
      ],
      'apply',
      now,
    );
    expect(summary.included).toEqual([approved]);
    expect(summary.excluded.map((e) => e.reason)).toEqual([
      'Not approved: approve it before applying',
      'Already applied',
      'Cannot be applied through the Ads API: act on it by hand',
      'In a conflict: open the conflict and choose which side to keep',
      'Expired: it can no longer be approved or rejected',
    ]);
    expect(summary.budgetChangeByCurrency).toEqual({ USD: 25 });
  });
});
