import type { PlanBenchmarks, PlanPersonaFacts } from '@recdesk/shared-types';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BrandFunnel } from './BrandFunnel.tsx';
import { PersonaFacts } from './PersonaFacts.tsx';

const metric = (
  key: string,
  label: string,
  stage: string,
  kind: 'count' | 'rate',
  value: number | null,
  p: [number, number, number, number],
) => ({
  key,
  label,
  stage,
  kind,
  value,
  p25: p[0],
  p50: p[1],
  p75: p[2],
  p90: p[3],
  percentile: value === null ? null : 40,
  brands: 20,
});

const benchmarks: PlanBenchmarks = {
  category: 'Sports & Outdoors',
  brand: 'Howe',
  indexDate: '2026-11-29',
  metrics: [
    metric('newToBrandCustomerRate', 'New-to-brand customer rate', 'purchase', 'rate', 0.12, [0.15, 0.3, 0.45, 0.55]),
    metric('brandedSearches', 'Branded searches', 'awareness', 'count', 52_000, [1_000, 4_000, 20_000, 40_000]),
    metric('addToCarts', 'Add to carts', 'consideration', 'count', 3_000, [1_000, 4_000, 20_000, 40_000]),
  ],
};

describe('BrandFunnel', () => {
  it('lists the funnel awareness first, each metric placed against the category in words and numbers', () => {
    render(<BrandFunnel benchmarks={benchmarks} />);
    const table = within(screen.getByRole('region', { name: 'Brand funnel in Sports & Outdoors' }));
    expect(table.getByRole('heading', { name: 'Howe against 20 brands of Sports & Outdoors' })).toBeTruthy();
    const rows = table.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'Branded searches',
      'Add to carts',
      'New-to-brand customer rate',
    ]);
    expect(rows[0]?.textContent).toContain('top 10%');
    expect(rows[1]?.textContent).toContain('below the median: p25 1,000, median 4,000, p75 20,000');
    expect(rows[2]?.textContent).toContain('12.0%');
    expect(rows[2]?.textContent).toContain('bottom quarter');
  });
});

describe('PersonaFacts', () => {
  it('tells the banded size, the demographics and the top overlapping audiences by name', () => {
    const facts: PlanPersonaFacts = {
      size: { min: 100_000, max: 1_000_000 },
      demographics: [
        {
          dimension: 'Age',
          segments: [
            { label: '18–24', share: 12, affinity: 0.8 },
            { label: '25–34', share: 31, affinity: 1.6 },
          ],
        },
      ],
      topAudiences: [
        {
          audienceId: 'a1',
          name: 'In-market: Camping & Hiking',
          category: 'In-market',
          affinity: 4.1,
          overlapPercentage: 22.5,
          dailyReach: { lower: 20_000, upper: 45_000 },
        },
      ],
    };
    render(<PersonaFacts facts={facts} audienceName="Howe purchasers" />);
    expect(screen.getByText(/counts 100,000 to 1,000,000 customers/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Age' })).getByText('25–34: 31%')).toBeTruthy();
    const row = within(screen.getByRole('table', { name: 'Top overlapping audiences (Persona Builder)' })).getAllByRole('row')[1];
    expect(row?.textContent).toBe('In-market: Camping & HikingIn-market4.10×22.5%20,000–45,000');
  });
});
