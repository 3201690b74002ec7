import { describe, expect, it } from 'vitest';
import { bandOf } from './bb-normalise.ts';
import { readBrandReport } from './bb-report.ts';

const HEADER = 'Root Browse Node,Level 2 Browse Node,Brand Name,Brand Owner,Metric Name,Metric Type,YTD,TTM,WE: 2026-11-21,WE: 2026-11-28';
const row = (brand: string, owner: string, metric: string, type: string, last: string, before = '0.1') =>
  `Pet Supplies,,${brand},${owner},${metric},${type},0.2,0.2,${before},${last}`;

describe('readBrandReport', () => {
  it('places the own brand in its category from the latest week, ignoring YoY rows and folding a row listed twice', async () => {
    const csv = [
      HEADER,
      row('Howe', 'Own Brand', 'New-to-Brand Customer Rate', 'Absolute', '0.30'),
      row('Howe', 'Own Brand', 'New-to-Brand Customer Rate - YoY', 'Year-over-Year (YoY Growth)', '1.3'),
      row('A', 'Competitor', 'New-to-Brand Customer Rate', 'Absolute', '0.10'),
      row('B', 'Competitor', 'New-to-Brand Customer Rate', 'Absolute', '0.20'),
      row('B', 'Competitor', 'New-to-Brand Customer Rate', 'Absolute', '0.40'),
      row('C', 'Competitor', 'New-to-Brand Customer Rate', 'Absolute', '0.50'),
      row('C', 'Competitor', 'Share of Voice', 'Absolute', '0.05'),
    ].join('\n');
    const report = await readBrandReport(csv);
    expect(report.malformed).toEqual([]);
    expect(report.folded).toBe(1);
    const [category] = report.categories;
    expect(category).toMatchObject({ category: 'Pet Supplies', ownBrand: 'Howe', week: 'WE: 2026-11-28' });
    // Brands 0.10, 0.30, 0.40 (B's later row), 0.50: linear interpolation between ranks.
    expect(category?.metrics).toEqual([
      expect.objectContaining({
        key: 'newToBrandCustomerRate',
        value: 0.3,
        p25: 0.25,
        p50: 0.35,
        p75: 0.425,
        p90: 0.47,
        brands: 4,
        percentile: 33,
      }),
    ]);
    expect(bandOf(category?.metrics[0] as never)).toBe('below the median');
  });

  it('quarantines rows without a brand or with a value that is not a number, and keeps the others', async () => {
    const csv = [
      HEADER,
      row('', 'Competitor', 'Add to Carts', 'Absolute', '10'),
      row('A', 'Competitor', 'Add to Carts', 'Absolute', 'lots'),
      row('Howe', 'Own Brand', 'Add to Carts', 'Absolute', '"1,200"'),
      row('B', 'Competitor', 'Add to Carts', 'Absolute', 'N/A', '900'),
    ].join('\n');
    const report = await readBrandReport(csv);
    expect(report.malformed.map((m) => m.reason)).toEqual([
      'row without Root Browse Node, Brand Name or Metric Name',
      'WE: 2026-11-28 is not a number: "lots"',
    ]);
    // B has no figure for the latest week: its week before counts.
    expect(report.categories[0]?.metrics[0]).toMatchObject({ key: 'addToCarts', value: 1200, p50: 1050, brands: 2 });
  });
});
