/**
 * The condition of a rule as text, with the BFF's refusal of it (a parse or type error) shown where it is: the
 * message, and the expression with the offending position marked and a caret under it. On an error the caret of the text box moves to that position.
 */
import { useEffect, useId, useRef } from 'react';
import type { RuleParseProblem } from './rules-queries.ts';

export const RULE_FIELD_NAMES = [
  'source',
  'adProduct',
  'sourceType',
  'kind',
  'goal',
  'advertiser',
  'actionType',
  'confidence',
  'impactScore',
  'estimatedImpact',
  'changePercent',
  'spendChange',
  'newToBrandCustomerRate',
  'customerConversionRate',
  'audienceAffinity',
  'freshnessHours',
  // Dotted names for the insight signals (the BFF's RULE_FIELD_ALIASES).
  'audience.affinity',
  'advertiser.newToBrandCustomerRate',
  'advertiser.customerConversionRate',
] as const;

interface ExpressionFieldProps {
  value: string;
  onChange: (value: string) => void;
  problem: RuleParseProblem | null;
}

export function ExpressionField({ value, onChange, problem }: ExpressionFieldProps) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const helpId = useId();
  const errorId = useId();

  // Only a new problem moves the caret (value is read as it was then); typing afterwards is not interrupted.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per problem, not per keystroke
  useEffect(() => {
    if (!problem || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(problem.position, Math.min(value.length, problem.position + 1));
  }, [problem]);

  const at = problem ? Math.min(problem.position, value.length) : 0;
  return (
    <div className="field">
      <label htmlFor={`${helpId}-input`}>Condition</label>
      <textarea
        id={`${helpId}-input`}
        ref={ref}
        className="rule-expression"
        rows={3}
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${errorId} ${helpId}` : helpId}
      />
      <p id={helpId} className="muted">
        For example <code>confidence &gt; 0.8 AND impactScore &gt; 7 AND kind = "bid"</code>. Fields: {RULE_FIELD_NAMES.join(', ')}.
        Operators: = != &gt; &gt;= &lt; &lt;=, AND, OR, NOT, parentheses.
      </p>
      {problem ? (
        <div id={errorId} role="alert" className="problem rule-parse-error">
          <p className="problem-title">
            {problem.title}: {problem.message}
          </p>
          {/* The message names the column; the marked copy is for the eye. */}
          <pre aria-hidden="true">
            <code>
              {value.slice(0, at)}
              <mark className="rule-error-mark">{value.slice(at, at + 1) || ' '}</mark>
              {value.slice(at + 1)}
              {'\n'}
              {' '.repeat(at)}^
            </code>
          </pre>
        </div>
      ) : null}
    </div>
  );
}
