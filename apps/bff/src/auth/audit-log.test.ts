import { describe, expect, it } from 'vitest';
import { amountAtStake, NO_THRESHOLDS, secondApproverNeeded, stakeOf, thresholdPassed } from './approval-policy.ts';
import { auditCsv } from './audit-log.ts';

describe('audit CSV export', () => {
  it('quotes cells and defuses spreadsheet formulas', () => {
    const csv = auditCsv([
      {
        id: '1',
        at: '2026-01-01T00:00:00.000Z',
        actor: '=HYPERLINK("x")',
        action: 'user.updated',
        targetType: 'user',
        targetId: 'u, 1',
        advertiserId: null,
        ip: '127.0.0.1',
        details: { role: 'admin' },
      },
    ]);
    const [header, row] = csv.trim().split('\r\n');
    expect(header).toBe('id,at,actor,action,targetType,targetId,advertiserId,ip,details');
    expect(row).toBe(`1,2026-01-01T00:00:00.000Z,"'=HYPERLINK(""x"")",user.updated,user,"u, 1",,127.0.0.1,"{""role"":""admin""}"`);
  });
});

describe('two-person rule', () => {
  const budget = {
    type: 'set_budget',
    field: 'dailyBudget',
    from: 50,
    to: 500,
    unit: 'currency',
    currency: 'USD',
    direction: 'increase',
  } as const;

  it('counts the money an approval moves', () => {
    expect(amountAtStake(budget as never)).toBe(500);
    expect(amountAtStake(budget as never, 80)).toBe(80);
    expect(amountAtStake({ ...budget, unit: 'percent' } as never)).toBeNull();
  });

  it('measures a percentage, and an edited one, against the percent threshold', () => {
    const placement = { ...budget, field: 'placementTop', from: 10, to: 25, unit: 'percent', currency: null };
    expect(stakeOf(placement as never)).toEqual({ kind: 'percent', value: 25 });
    expect(stakeOf(placement as never, 60)).toEqual({ kind: 'percent', value: 60 });
    const thresholds = { secondApproverAbove: 1_000, secondApproverAbovePercent: 20 };
    expect(thresholdPassed(thresholds, stakeOf(placement as never))).toBe(20);
    expect(thresholdPassed(thresholds, stakeOf(placement as never, 15))).toBeNull();
    expect(thresholdPassed({ ...thresholds, secondApproverAbovePercent: null }, stakeOf(placement as never))).toBeNull();
    // Money is measured against the money threshold only.
    expect(thresholdPassed(thresholds, stakeOf(budget as never))).toBeNull();
  });

  it('needs a second, different approver above the threshold', () => {
    const thresholds = { secondApproverAbove: 100, secondApproverAbovePercent: null };
    const base = { thresholds, stake: { kind: 'amount' as const, value: 500 }, approverId: 'ann' };
    expect(secondApproverNeeded({ ...base, earlierApproverIds: [] })).toBe(true);
    expect(secondApproverNeeded({ ...base, earlierApproverIds: ['ann'] })).toBe(true);
    expect(secondApproverNeeded({ ...base, earlierApproverIds: ['bob'] })).toBe(false);
    expect(secondApproverNeeded({ ...base, stake: { kind: 'amount', value: 100 }, earlierApproverIds: [] })).toBe(false);
    expect(secondApproverNeeded({ ...base, thresholds: NO_THRESHOLDS, earlierApproverIds: [] })).toBe(false);
  });
});
