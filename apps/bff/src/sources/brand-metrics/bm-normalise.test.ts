import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { normaliseBrandMetrics } from './bm-normalise.ts';

const profile: AdsProfile = {
  profileId: '1000000000000002',
  region: 'EU',
  countryCode: 'DE',
  currencyCode: 'EUR',
  timezone: 'Europe/Paris',
  accountId: 'ENTITYBRAND1',
  accountType: 'vendor',
  accountName: 'Nordlicht GmbH',
};
const metadata = {
  metricsComputationDate: '2026-11-22',
  brandName: 'Nordlicht',
  categoryNodeName: 'Kitchen & Dining',
  categoryNodeTreeName: 'de-home',
  lookbackPeriod: '1w',
};

describe('normaliseBrandMetrics', () => {
  it('reads a JSON record: string metrics as numbers, N/A as null, and two brand-level insights', () => {
    const result = normaliseBrandMetrics(
      {
        metadata,
        metrics: {
          newToBrandCustomerRate: '0.3412',
          newToBrandCustomerRateCategoryMedian: '0.2810',
          customerConversionRate: '0.1200',
          customerConversionRateCategoryMedian: 'N/A',
          totalSnSCustomers: 'N/A',
          brandCustomers: '12,345',
        },
      },
      profile,
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.row).toMatchObject({
      advertiserId: 'ENTITYBRAND1',
      brandName: 'Nordlicht',
      computedOn: '2026-11-22',
      metrics: {
        newToBrandCustomerRate: 0.3412,
        customerConversionRateCategoryMedian: null,
        totalSnSCustomers: null,
        brandCustomers: 12345,
      },
    });
    expect(result.insights).toEqual([
      expect.objectContaining({
        source: 'brand-metrics',
        sourceType: 'NEW_TO_BRAND_CUSTOMER_RATE',
        kind: 'audience',
        goal: 'growth',
        title: 'Nordlicht in Kitchen & Dining: 34.1% of customers are new to the brand (category median 28.1%)',
        applicable: false,
        entity: expect.objectContaining({ level: 'brand', brandName: 'Nordlicht' }),
        generatedAt: '2026-11-22T00:00:00.000Z',
      }),
      expect.objectContaining({
        sourceType: 'CUSTOMER_CONVERSION_RATE',
        kind: 'strategic',
        title: 'Nordlicht in Kitchen & Dining: 12.0% of considering shoppers purchased',
      }),
    ]);
  });

  it('reads a CSV row the same way', () => {
    const result = normaliseBrandMetrics({ ...metadata, newToBrandCustomerRate: '0.3412', customerConversionRate: 'N/A' }, profile);
    expect(result).toMatchObject({ ok: true, row: { metrics: { newToBrandCustomerRate: 0.3412, customerConversionRate: null } } });
    expect(result.ok && result.insights.map((i) => i.sourceType)).toEqual(['NEW_TO_BRAND_CUSTOMER_RATE']);
  });

  it('refuses a record with a metric that is not a number or without a brand, naming the field', () => {
    expect(normaliseBrandMetrics({ metadata, metrics: { addToCarts: 'many' } }, profile)).toEqual({
      ok: false,
      reason: "metrics.addToCarts: 'many' is not a number",
    });
    expect(normaliseBrandMetrics({ ...metadata, brandName: '' }, profile)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^metadata\.brandName: /),
    });
  });
});
