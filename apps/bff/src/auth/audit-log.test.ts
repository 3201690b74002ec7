import { describe, expect, it } from 'vitest';
import { amountAtStake, secondApproverNeeded } from './approval-policy.ts';
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

  it('needs a second, different approver above the threshold', () => {
    const base = { threshold: 100, amount: 500, approverId: 'ann' };
    expect(secondApproverNeeded({ ...base, earlierApproverIds: [] })).toBe(true);
    expect(secondApproverNeeded({ ...base, earlierApproverIds: ['ann'] })).toBe(true);
    expect(secondApproverNeeded({ ...base, earlierApproverIds: ['bob'] })).toBe(false);
    expect(secondApproverNeeded({ ...base, amount: 100, earlierApproverIds: [] })).toBe(false);
    expect(secondApproverNeeded({ ...base, threshold: null, earlierApproverIds: [] })).toBe(false);
  });
});
