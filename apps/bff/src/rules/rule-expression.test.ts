import { describe, expect, it } from 'vitest';
import { evaluate, parseRuleExpression, RULE_FIELDS, RuleParseError, RuleTypeError } from './rule-expression.ts';

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

describe('the type check of rule expressions', () => {
  const errorOf = (text: string): RuleTypeError => {
    try {
      parseRuleExpression(text);
    } catch (error) {
      if (error instanceof RuleTypeError) return error;
      throw error;
    }
    throw new Error(`${text} was accepted`);
  };

  it.each([
    // A number field against a string, either side, ordered or equal.
    ['audience.affinity >= "x"', 21, 'audience.affinity is a number: >= compares it with a number, not the string "x"'],
    ['confidence = "high"', 13, 'confidence is a number: = compares it with a number, not the string "high"'],
    ['"x" < impactScore', 0, 'impactScore is a number: < compares it with a number, not the string "x"'],
    ['confidence = true', 13, 'confidence is a number: = compares it with a number, not true'],
    ['confidence != (impactScore > 7)', 11, 'confidence is a number: != compares it with a number, not a condition'],
    // A string field against a number, or ordered at all.
    ['kind = 3', 7, 'kind is a string: = compares it with a string, not the number 3'],
    ['advertiser != 123', 14, 'advertiser is a string: != compares it with a string, not the number 123'],
    ['kind > "bid"', 5, 'kind is a string: > orders numbers only (compare a string with = or !=)'],
    ['source <= 5', 7, 'source is a string: <= orders numbers only (compare a string with = or !=)'],
    ['confidence < adProduct', 11, 'adProduct is a string: < orders numbers only (compare a string with = or !=)'],
    // Two fields, or two values, of different types.
    ['confidence = kind', 11, 'confidence is a number and kind is a string: = compares values of the same type'],
    ['1 = "1"', 2, '= compares values of the same type, not the number 1 and the string "1"'],
    ['(confidence > 0.8) > false', 19, '> orders numbers only, not a condition'],
    ['3 >= "x"', 5, '>= orders numbers only, not the string "x"'],
    // A number or a string where a condition is expected.
    ['confidence', 0, 'confidence is a number, not a condition: compare it with a value (= != > >= < <=)'],
    ['confidence > 0.8 AND kind', 21, 'kind is a string, not a condition: compare it with a value (= != > >= < <=)'],
    ['NOT impactScore', 4, 'impactScore is a number, not a condition: compare it with a value (= != > >= < <=)'],
    ['confidence > 0.8 OR 5', 20, 'Expected a condition but found the number 5'],
    ['"bid"', 0, 'Expected a condition but found the string "bid"'],
    ['NOT (kind = 3 AND confidence > 0.8)', 12, 'kind is a string: = compares it with a string, not the number 3'],
  ])('refuses %j at its position, naming the field, the operator and the type', (text, position, message) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(RuleParseError);
    expect(error.message).toBe(`${message} at column ${position + 1}`);
    expect(error.position).toBe(position);
    expect(error.pointer.split('\n')[1]).toBe(`${' '.repeat(position)}^`);
  });

  it('accepts every field with a value of its own type, ordered only when it is a number', () => {
    const values = { number: '2', string: '"x"', condition: 'true' } as const;
    for (const [field, type] of Object.entries(RULE_FIELDS))
      for (const op of ['=', '!=', '>', '>=', '<', '<=']) {
        const ordering = op !== '=' && op !== '!=';
        for (const [valueType, value] of Object.entries(values)) {
          const valid = valueType === type && (!ordering || type === 'number');
          for (const text of [`${field} ${op} ${value}`, `${value} ${op} ${field}`]) {
            if (valid) expect(() => parseRuleExpression(text), text).not.toThrow();
            else expect(() => parseRuleExpression(text), text).toThrow(RuleTypeError);
          }
        }
      }
  });

  it('accepts comparisons of same-typed operands and conditions wherever a condition stands', () => {
    for (const text of [
      'confidence > impactScore',
      'kind = source',
      'advertiser.newToBrandCustomerRate < advertiser.category.newToBrandCustomerRate.p50',
      '(confidence > 0.8) = true',
      '(kind = "bid") != (confidence > 0.8)',
      'true',
      'NOT false AND -1 < spendChange',
      '1 = 1',
      'kind != "bid" OR audience.affinity >= 2',
    ])
      expect(() => parseRuleExpression(text), text).not.toThrow();
  });
});
