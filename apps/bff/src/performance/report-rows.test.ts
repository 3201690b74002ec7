import { describe, expect, it } from 'vitest';
import { derivedDay } from './performance-store.ts';
import { normaliseReportRow } from './report-rows.ts';

describe('report rows', () => {
  it('keys campaign rows by campaign with the day budget, targeting rows as keyword or target', () => {
    const campaign = normaliseReportRow('spCampaigns', {
      date: '2026-11-01',
      campaignId: 123,
      campaignName: 'C',
      campaignBudgetAmount: 50,
      campaignBudgetCurrencyCode: 'EUR',
      impressions: 1000,
      clicks: 5,
      cost: 4.5,
      sales14d: 20,
      purchases14d: 1,
    });
    expect(campaign).toMatchObject({ ok: true, row: { entity_key: 'campaign:123', budget: 50, currency: 'EUR', sales: 20, orders: 1 } });
    const base = { date: '2026-11-01', campaignId: '123', impressions: 10, clicks: 1, cost: 1 };
    expect(normaliseReportRow('spTargeting', { ...base, keywordId: 9, keywordType: 'EXACT' })).toMatchObject({
      ok: true,
      row: { entity_key: 'keyword:9', entity_level: 'keyword', sales: 0, orders: 0, budget: null },
    });
    expect(normaliseReportRow('spTargeting', { ...base, keywordId: 9, keywordType: 'TARGETING_EXPRESSION' })).toMatchObject({
      ok: true,
      row: { entity_key: 'target:9' },
    });
  });

  it('refuses malformed rows with a reason', () => {
    const base = { date: '2026-11-01', campaignId: 1, impressions: 10, clicks: 1, cost: 1 };
    for (const bad of [
      { ...base, clicks: -1 },
      { ...base, date: '01/11/2026' },
      { ...base, cost: 'x' },
      { ...base, campaignId: 'a b' },
      null,
    ]) {
      const result = normaliseReportRow('spCampaigns', bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain('malformed spCampaigns row');
    }
  });

  it('derives CTR, CPC, ROAS, ACOS and budget utilisation, null on a zero denominator', () => {
    const day = { date: '2026-11-01', impressions: 2000, clicks: 10, cost: 12, sales: 48, orders: 2, budget: 15 };
    expect(derivedDay(day)).toMatchObject({ ctr: 0.005, cpc: 1.2, roas: 4, acos: 0.25, budgetUtilization: 0.8 });
    expect(derivedDay({ ...day, impressions: 0, clicks: 0, cost: 0, sales: 0, budget: null })).toMatchObject({
      ctr: null,
      cpc: null,
      roas: null,
      acos: null,
      budgetUtilization: null,
    });
  });
});
