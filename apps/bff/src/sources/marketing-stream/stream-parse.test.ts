import { describe, expect, it } from 'vitest';
import { normaliseBudgetUsage, normaliseSpBudgetRecommendation } from './stream-normalise.ts';
import { parseDeliveries } from './stream-parse.ts';

const usage = {
  dataset_id: 'budget-usage',
  advertiser_id: 'ENTITY2ABC',
  marketplace_id: 'ATVPDKIKX0DER',
  budget_scope_id: '123456789',
  budget_scope_type: 'CAMPAIGN',
  advertising_product_type: 'sp',
  budget: 50,
  budget_usage_percentage: 93.2,
  usage_updated_timestamp: '2026-11-23T18:30:00.000Z',
};
const recommendation = {
  dataset_id: 'sp-budget-recommendations',
  advertiser_id: 'ENTITY2ABC',
  marketplace_id: 'ATVPDKIKX0DER',
  campaign_id: '123456789',
  recommendation_time: '2026-11-23T18:00:00Z',
  reason_for_suggestion: 'The campaign ran out of budget on 4 of the last 7 days.',
  start_date: '2026-11-16',
  end_date: '2026-11-22',
  suggested_budget: 75,
  estimated_missed_sales_lower: 120,
  estimated_missed_sales_upper: 380.5,
  estimated_missed_clicks_lower: 30,
  estimated_missed_clicks_upper: 90,
  percent_time_in_budget: 0.62,
};

describe('parseDeliveries', () => {
  it('reads an SQS body, an SNS notification and a batch, with the same key for the same message', () => {
    const sns = { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: JSON.stringify(usage) };
    const [direct, wrapped] = parseDeliveries([usage, sns]);
    expect(direct).toMatchObject({ status: 'valid', datasetId: 'budget-usage', scopeId: '123456789' });
    expect(wrapped).toMatchObject({ status: 'valid', datasetId: 'budget-usage' });
    expect(direct?.status === 'valid' && wrapped?.status === 'valid' && direct.dedupKey === wrapped.dedupKey).toBe(true);
    expect(parseDeliveries(usage)).toHaveLength(1);
  });

  it('keys on idempotency_id when the message has one', () => {
    const [parsed] = parseDeliveries({ ...usage, idempotency_id: 'abc-1' });
    expect(parsed).toMatchObject({ status: 'valid', dedupKey: 'idempotency:abc-1' });
  });

  it('tells different usage steps of one campaign apart', () => {
    const [a, b] = parseDeliveries([usage, { ...usage, budget_usage_percentage: 95, usage_updated_timestamp: '2026-11-23T18:45:00.000Z' }]);
    expect(a?.status === 'valid' && b?.status === 'valid' && a.dedupKey !== b.dedupKey).toBe(true);
  });

  it('keeps unknown enum values, reads numbers sent as strings, and leaves other datasets alone', () => {
    const [portfolio, other] = parseDeliveries([
      { ...usage, budget_scope_type: 'AD_ACCOUNT', advertising_product_type: 'stv', budget: '80.5' },
      { dataset_id: 'sp-traffic', idempotency_id: 'x', clicks: 3 },
    ]);
    expect(portfolio).toMatchObject({
      status: 'valid',
      record: { budget_scope_type: 'AD_ACCOUNT', advertising_product_type: 'stv', budget: 80.5 },
    });
    expect(other).toMatchObject({ status: 'other-dataset', datasetId: 'sp-traffic' });
  });

  it('leaves an SNS subscription confirmation alone, without following its URL', () => {
    const [parsed] = parseDeliveries({
      Type: 'SubscriptionConfirmation',
      TopicArn: 'arn:aws:sns:us-east-1:1:stream',
      SubscribeURL: 'https://example.invalid/confirm',
    });
    expect(parsed).toMatchObject({
      status: 'other-dataset',
      datasetId: 'sns:SubscriptionConfirmation',
      reason: expect.stringContaining('arn:aws:sns:us-east-1:1:stream'),
    });
  });

  it('names what is wrong with a malformed message', () => {
    const parsed = parseDeliveries([
      { ...usage, budget_usage_percentage: 'lots' },
      { ...usage, usage_updated_timestamp: 'yesterday' },
      { Type: 'Notification', MessageId: 'm-2', Message: '{not json' },
      { hello: 'world' },
    ]);
    expect(parsed.map((p) => (p.status === 'invalid' ? p.reason : p.status))).toEqual([
      expect.stringMatching(/^budget_usage_percentage: /),
      "usage_updated_timestamp: 'yesterday' is not a timestamp",
      'Message: the SNS notification does not hold a JSON message',
      'dataset_id: missing, so the message cannot be read',
    ]);
  });
});

describe('normaliseBudgetUsage', () => {
  const [parsed] = parseDeliveries(usage);
  if (parsed?.status !== 'valid' || parsed.datasetId !== 'budget-usage') throw new Error('fixture');
  const context = { eventAt: parsed.eventAt, thresholdPercent: 90, campaignName: 'Acme | kettle | Exact | US', suggestedBudget: null };

  it('raises an urgent, non-applicable item that proposes no value and expires at the local midnight', () => {
    expect(normaliseBudgetUsage(parsed.record, context)).toMatchObject({
      source: 'marketing-stream',
      sourceType: 'BUDGET_USAGE',
      // 18:30 UTC is 10:30 in Los Angeles: the budget day is the 23rd there, and it resets at 08:00 UTC on the 24th.
      sourceRecommendationId: 'budget-usage:ENTITY2ABC:ATVPDKIKX0DER:CAMPAIGN:123456789:2026-11-23',
      kind: 'budget',
      title: 'Acme | kettle | Exact | US at 93% of its daily budget',
      applicable: false,
      marketplace: 'US',
      entity: { level: 'campaign', campaignId: '123456789', campaignName: 'Acme | kettle | Exact | US' },
      action: { type: 'insight', field: 'dailyBudget', from: 50, to: null, currency: 'USD', direction: 'none' },
      expiresAt: '2026-11-24T08:00:00.000Z',
      raw: { urgent: true },
    });
  });

  it('stays quiet under the threshold', () => {
    expect(normaliseBudgetUsage({ ...parsed.record, budget_usage_percentage: 85 }, context)).toBeNull();
  });

  it("points at Amazon's suggested budget when one is known", () => {
    expect(normaliseBudgetUsage(parsed.record, { ...context, suggestedBudget: 75 })?.description).toContain(
      'Amazon suggests a daily budget of 75.00 USD',
    );
  });
});

describe('normaliseSpBudgetRecommendation', () => {
  const [parsed] = parseDeliveries(recommendation);
  if (parsed?.status !== 'valid' || parsed.datasetId !== 'sp-budget-recommendations') throw new Error('fixture');

  it('becomes a budget raise with the missed opportunities of its 7-day window', () => {
    expect(
      normaliseSpBudgetRecommendation(parsed.record, {
        eventAt: parsed.eventAt,
        campaignName: null,
        currentBudget: 50,
        validForMs: 24 * 3_600_000,
      }),
    ).toMatchObject({
      sourceType: 'SP_BUDGET_RECOMMENDATION',
      title: 'Campaign 123456789: daily budget 50.00 → 75.00 USD',
      applicable: true,
      action: { type: 'set-budget', from: 50, to: 75, unit: 'currency', currency: 'USD', direction: 'increase' },
      estimatedImpact: [
        { metric: 'missed sales', lower: 120, upper: 380.5, unit: 'USD', periodDays: 7 },
        { metric: 'missed clicks', lower: 30, upper: 90, unit: 'count', periodDays: 7 },
      ],
      generatedAt: '2026-11-23T18:00:00.000Z',
      expiresAt: '2026-11-24T18:00:00.000Z',
    });
  });
});
