import { describe, expect, it } from 'vitest';
import { MultiStatusError, parseMultiStatus } from './multi-status.ts';

describe('parseMultiStatus', () => {
  it('reads an SP v3 207 per request index, with the reason of each error', () => {
    const body = {
      campaigns: {
        success: [
          { index: 0, campaignId: '111' },
          { index: 2, campaignId: '333' },
        ],
        error: [
          {
            index: 1,
            errors: [
              {
                errorType: 'budgetError',
                errorValue: { budgetError: { reason: 'BUDGET_TOO_LOW', message: 'Budget below the minimum of 1.00' } },
              },
            ],
          },
        ],
      },
    };
    expect(parseMultiStatus(body, { requestCount: 4 })).toEqual([
      { index: 0, status: 'success', item: { index: 0, campaignId: '111' } },
      { index: 1, status: 'error', code: 'BUDGET_TOO_LOW', message: 'Budget below the minimum of 1.00', item: body.campaigns.error[0] },
      { index: 2, status: 'success', item: { index: 2, campaignId: '333' } },
      { index: 3, status: 'missing' },
    ]);
  });

  it('reads the Recommendations API style {successes, failures}', () => {
    const outcomes = parseMultiStatus(
      {
        successes: [{ index: 1, recommendationId: 'r2', success: { code: 'SUCCESS', message: 'applied' } }],
        failures: [{ index: 0, recommendationId: 'r1', error: { code: 'RECOMMENDATION_EXPIRED', message: 'The recommendation expired' } }],
      },
      { requestCount: 2 },
    );
    expect(outcomes.map((o) => [o.index, o.status, 'code' in o ? o.code : null])).toEqual([
      [0, 'error', 'RECOMMENDATION_EXPIRED'],
      [1, 'success', null],
    ]);
  });

  it('reads flat success/error lists and the budget recommendation result lists', () => {
    expect(
      parseMultiStatus(
        {
          success: [{ index: 0, campaignId: 'a' }],
          error: [{ index: 1, campaignId: 'b', code: 'NOT_FOUND', details: 'no such campaign' }],
        },
        { requestCount: 2 },
      )[1],
    ).toMatchObject({ status: 'error', code: 'NOT_FOUND', message: 'no such campaign' });
    expect(
      parseMultiStatus(
        {
          budgetRecommendationsSuccessResults: [{ index: 1, campaignId: 'b', suggestedBudget: 20 }],
          budgetRecommendationsErrorResults: [{ index: 0, campaignId: 'a', Error: { code: 'INELIGIBLE', details: 'campaign too new' } }],
        },
        { requestCount: 2 },
      ),
    ).toMatchObject([{ status: 'error', code: 'INELIGIBLE', message: 'campaign too new' }, { status: 'success' }]);
  });

  it('maps Partner Opportunities apply results, which carry ids instead of indexes', () => {
    const outcomes = parseMultiStatus(
      {
        code: 'PO_APPLY_UNPROCESSABLE_ERROR',
        message: '1 of 3 recommendations failed',
        successes: [{ recommendationId: 'r3' }, { recommendationId: 'r1' }],
        failures: [{ recommendationId: 'r2', code: 'PO_APPLY_ALREADY_APPLIED', message: 'Recommendation was already applied' }],
      },
      { requestCount: 3, requestKeys: ['r1', 'r2', 'r3'], keyField: 'recommendationId' },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['success', 'error', 'success']);
    expect(outcomes[1]).toMatchObject({ code: 'PO_APPLY_ALREADY_APPLIED' });
  });

  it('counts an index listed as both success and error as failed', () => {
    const [outcome] = parseMultiStatus({ success: [{ index: 0 }], error: [{ index: 0, code: 'X', details: 'y' }] }, { requestCount: 1 });
    expect(outcome?.status).toBe('error');
  });

  it('refuses answers it cannot map back to the request', () => {
    expect(() => parseMultiStatus({ hello: 'world' }, { requestCount: 1 })).toThrow(MultiStatusError);
    expect(() => parseMultiStatus({ success: [{ index: 5 }] }, { requestCount: 2 })).toThrow(/index 5/);
    expect(() =>
      parseMultiStatus({ successes: [{ recommendationId: 'zz' }] }, { requestCount: 1, requestKeys: ['r1'], keyField: 'recommendationId' }),
    ).toThrow(MultiStatusError);
  });
});
