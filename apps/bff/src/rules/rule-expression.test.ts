import { describe, expect, it } from 'vitest';
import { evaluate, parseRuleExpression, RuleParseError } from './rule-expression.ts';

const run = (text: string, fields: Record<string, number | string | null>) => evaluate(parseRuleExpression(text), fields);

describe('rule expressions', () => {
  it('evaluates comparisons joined by AND with a readable trace', () => {
    expect(run('confidence > 0.8 AND impactScore > 7 AND kind = "bid"', { confidence: 0.86, impactScore: 8.1, kind: 'bid' })).toEqual({
      matched: true,
      trace: ['confidence 0.86 > 0.8', 'impactScore 8.1 > 7', 'kind "bid" = "bid"'],
    });
    expect(run('confidence > 0.8 AND impactScore > 7', { confidence: 0.86, impactScore: 7 })).toEqual({
      matched: false,
      trace: ['impactScore 7 <= 7'],
    });
  });

  it('binds AND tighter than OR, honours parentheses and NOT, and is case-insensitive in keywords and strings', () => {
    const fields = { confidence: 0.5, impactScore: 9, source: 'partner-opportunities' };
    expect(run('confidence > 0.8 OR impactScore > 8 and source = "PARTNER-OPPORTUNITIES"', fields).matched).toBe(true);
    expect(run('(confidence > 0.8 OR impactScore > 8) AND NOT source = "sp-budget"', fields).matched).toBe(true);
    expect(run("source != 'partner-opportunities'", fields).matched).toBe(false);
    expect(run('changePercent <= 20 AND spendChange < -5.5', { changePercent: 20, spendChange: -10 }).matched).toBe(true);
  });

  it('reads the insight signals under their dotted names too', () => {
    expect(run("kind = 'audience' AND audience.affinity > 2.5", { kind: 'audience', audienceAffinity: 3.1 })).toEqual({
      matched: true,
      trace: ['kind "audience" = "audience"', 'audienceAffinity 3.1 > 2.5'],
    });
    expect(run('Audience.Affinity > 2.5', { audienceAffinity: 1.9 }).matched).toBe(false);
    expect(run('advertiser.newToBrandCustomerRate < 0.3', { newToBrandCustomerRate: 0.2 }).matched).toBe(true);
    expect(() => parseRuleExpression('audience.size > 2')).toThrow(/Unknown field "audience.size"/);
  });

  it('compares a brand signal with its category benchmark percentiles (Brand Benchmarks)', () => {
    const fields = { newToBrandCustomerRate: 0.21, categoryNewToBrandCustomerRateP50: 0.34, categoryNewToBrandCustomerRateP25: 0.2 };
    expect(run('advertiser.newToBrandCustomerRate < advertiser.category.newToBrandCustomerRate.p50', fields)).toEqual({
      matched: true,
      trace: ['newToBrandCustomerRate 0.21 < categoryNewToBrandCustomerRateP50 0.34'],
    });
    expect(run('advertiser.newToBrandCustomerRate < advertiser.category.newToBrandCustomerRate.p25', fields).matched).toBe(false);
    expect(
      run('advertiser.customerConversionRate >= advertiser.category.customerConversionRate.P75', {
        customerConversionRate: 0.4,
        categoryCustomerConversionRateP75: null,
      }).matched,
    ).toBe(false);
    expect(() => parseRuleExpression('advertiser.category.newToBrandCustomerRate.p99 > 0')).toThrow(/Unknown field/);
  });

  it('never matches on a missing value, and says so', () => {
    expect(run('newToBrandCustomerRate >= 0.3', { newToBrandCustomerRate: null })).toEqual({
      matched: false,
      trace: ['newToBrandCustomerRate unknown >= 0.3: no value'],
    });
  });

  it.each([
    ['confidence > AND impactScore > 7', 13, /Expected a field or a value but found AND/],
    ['confidance > 0.8', 0, /Unknown field "confidance"/],
    ['confidence > 0.8 impactScore > 7', 17, /Expected AND, OR or the end/],
    ['(confidence > 0.8', 17, /Expected "\)" but found the end/],
    ['kind = "bid', 7, /never closed/],
    ['confidence > 0.8 ; DROP TABLE', 17, /Unexpected character ";"/],
    ['   ', 0, /empty/],
  ])('points at the position of an error in %j', (text, position, message) => {
    let error: unknown;
    try {
      parseRuleExpression(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleParseError);
    expect((error as RuleParseError).position).toBe(position);
    expect((error as RuleParseError).message).toMatch(message);
    expect((error as RuleParseError).pointer.split('\n')[1]).toBe(`${' '.repeat(position)}^`);
  });
});
