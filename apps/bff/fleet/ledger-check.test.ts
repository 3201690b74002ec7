import { describe, expect, it } from 'vitest';
import { type AllowedItem, checkLedger } from './ledger-check.ts';

const API = 'partnerOpportunities.apply';
const item = (id: string, status: string, by: AllowedItem['by'] = 'person'): AllowedItem => ({
  id,
  upstreamKey: `up-${id}`,
  by,
  status,
  inOpenChunk: false,
});

describe('the fleet ledger check', () => {
  it('passes a run where every applied item is in the ledger once', () => {
    const check = checkLedger([item('a', 'applied'), item('b', 'failed')], [{ api: API, key: 'up-a' }], API);
    expect(check).toMatchObject({ applied: 1, failed: 1, duplicates: 0, sentTwice: 0, lost: 0, violations: [] });
  });

  it('names a change made twice, one applied without leave, one lost and one stuck', () => {
    const check = checkLedger(
      [item('a', 'applied'), item('b', 'applied'), item('c', 'applying')],
      [
        { api: API, key: 'up-a' },
        { api: API, key: 'up-a' },
        { api: API, key: 'up-x' },
      ],
      API,
    );
    expect(check).toMatchObject({ duplicates: 1, notAllowed: 1, lost: 1, stuck: 1 });
    expect(check.violations).toHaveLength(4);
  });

  it('counts a repeat upstream refused as already applied: it was sent twice', () => {
    const check = checkLedger([item('a', 'applied')], [{ api: API, key: 'up-a' }], API, [{ api: API, key: 'up-a' }]);
    expect(check.sentTwice).toBe(1);
    expect(check.violations).toEqual(['sent again after it was applied (refused upstream): up-a']);
  });
});
