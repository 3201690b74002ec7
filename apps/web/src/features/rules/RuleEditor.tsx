/**
 * One rule: its name, condition, mode, scope and limits; "Preview" (which current items the draft would take and skip,
 * with why), "Save rule" (a new rule, or a new version of this one), "Backtest" (the saved version over the stored
 * history), and the decisions the rule recorded. A condition that does not parse is shown with its position.
 */
import {
  RECOMMENDATION_SOURCES,
  type Rule,
  type RuleBody,
  type RuleDecisionListSchema,
  type RuleMode,
  type RulePreview,
  SOURCE_LABELS,
} from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { formatDateTime, formatNumber } from '../../shared/format.ts';
import { paths } from '../../shared/paths.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { ExpressionField } from './ExpressionField.tsx';
import { type RuleParseProblem, ruleParseErrorOf, ruleQueries, useBacktestRule, usePreviewRule, useSaveRule } from './rules-queries.ts';

const MODES: { mode: RuleMode; label: string; hint: string }[] = [
  { mode: 'off', label: 'Off', hint: 'never runs' },
  { mode: 'shadow', label: 'Shadow', hint: 'records what it would apply, applies nothing' },
  { mode: 'on', label: 'On', hint: 'applies what it takes' },
];

const LIMITS = [
  { key: 'maxItemsPerRun', label: 'Max items per run' },
  { key: 'maxItemsPerDay', label: 'Max items per day' },
  { key: 'maxSpendChangePerRun', label: 'Max spend change per run' },
  { key: 'maxSpendChangePerDay', label: 'Max spend change per day' },
] as const;
type LimitKey = (typeof LIMITS)[number]['key'];

/** Rows shown per list of the preview; the counts say how many there are in all. */
const PREVIEW_ROWS = 100;

const NEW_RULE: RuleBody = {
  name: '',
  expression: 'confidence > 0.8 AND impactScore > 7',
  scope: { advertiserIds: [], sources: [] },
  mode: 'shadow',
  limits: { maxItemsPerRun: 100, maxItemsPerDay: 500, maxSpendChangePerRun: 1_000, maxSpendChangePerDay: 5_000 },
};

export function RuleEditor({ rule, canEdit }: { rule: Rule | null; canEdit: boolean }) {
  const [, setSearch] = useSearchParams();
  // Only the fields a rule body has: the server refuses unknown ones.
  const [draft, setDraft] = useState<RuleBody>(() =>
    rule
      ? { name: rule.name, expression: rule.expression, mode: rule.mode, scope: { ...rule.scope }, limits: { ...rule.limits } }
      : NEW_RULE,
  );
  const [advertisers, setAdvertisers] = useState((rule?.scope.advertiserIds ?? []).join(', '));
  const [problem, setProblem] = useState<RuleParseProblem | null>(null);
  const save = useSaveRule();
  const preview = usePreviewRule();
  const backtest = useBacktestRule();

  const body = (): RuleBody => ({
    ...draft,
    name: draft.name.trim(),
    scope: {
      advertiserIds: advertisers
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter(Boolean),
      sources: draft.scope.sources,
    },
  });
  const onParseError = (error: unknown) => setProblem(ruleParseErrorOf(error));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    save.mutate({ id: rule?.id ?? null, body: body() }, { onSuccess: (saved) => setSearch({ rule: saved.id }), onError: onParseError });
  };
  const runPreview = () => {
    setProblem(null);
    const { expression, scope, limits } = body();
    preview.mutate({ expression, scope, limits }, { onError: onParseError });
  };
  const setLimit = (key: LimitKey, value: string) => setDraft((d) => ({ ...d, limits: { ...d.limits, [key]: Number(value) } }));
  const toggleSource = (source: string, on: boolean) =>
    setDraft((d) => ({
      ...d,
      scope: { ...d.scope, sources: on ? [...d.scope.sources, source] : d.scope.sources.filter((s) => s !== source) },
    }));

  return (
    <div className="rule-results">
      <section aria-labelledby="rule-editor-heading" className="panel">
        <h2 id="rule-editor-heading">{rule ? rule.name : 'New rule'}</h2>
        {rule ? (
          <p className="muted">
            Version {rule.version}, saved by {rule.createdBy} on {formatDateTime(rule.createdAt)}. Saving makes version {rule.version + 1},
            and decisions keep the version that made them.
          </p>
        ) : null}
        <form className="dialog-form rule-form" onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
          <div className="field">
            <label htmlFor="rule-name">Name</label>
            <input
              id="rule-name"
              required
              maxLength={200}
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </div>
          <ExpressionField
            value={draft.expression}
            onChange={(expression) => {
              setDraft({ ...draft, expression });
              setProblem(null);
            }}
            problem={problem}
          />
          <fieldset>
            <legend>Mode</legend>
            {MODES.map(({ mode, label, hint }) => (
              <label key={mode} className="radio">
                <input
                  type="radio"
                  name="rule-mode"
                  value={mode}
                  checked={draft.mode === mode}
                  onChange={() => setDraft({ ...draft, mode })}
                />
                {label} <span className="muted">({hint})</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Scope</legend>
            <div className="field">
              <label htmlFor="rule-advertisers">Advertisers (ids, comma-separated; empty for all)</label>
              <input id="rule-advertisers" value={advertisers} onChange={(e) => setAdvertisers(e.target.value)} />
            </div>
            <fieldset>
              <legend>Sources (none ticked: all)</legend>
              {RECOMMENDATION_SOURCES.map((source) => (
                <label key={source} className="radio">
                  <input
                    type="checkbox"
                    checked={draft.scope.sources.includes(source)}
                    onChange={(e) => toggleSource(source, e.target.checked)}
                  />
                  {SOURCE_LABELS[source]}
                </label>
              ))}
            </fieldset>
          </fieldset>
          <fieldset className="limits">
            <legend>Limits</legend>
            {LIMITS.map(({ key, label }) => (
              <label key={key}>
                {label}
                <input
                  type="number"
                  min={key.startsWith('maxItems') ? 1 : 0}
                  required
                  value={draft.limits[key]}
                  onChange={(e) => setLimit(key, e.target.value)}
                />
              </label>
            ))}
          </fieldset>
          {save.isError && !ruleParseErrorOf(save.error) ? (
            <ProblemMessage error={save.error} fallback="The rule could not be saved" />
          ) : null}
          {preview.isError && !ruleParseErrorOf(preview.error) ? (
            <ProblemMessage error={preview.error} fallback="The preview failed" />
          ) : null}
          {save.isSuccess ? <p role="status">Saved as version {save.data.version}.</p> : null}
          <div className="dialog-actions">
            <button type="button" className="button-secondary" disabled={!canEdit || preview.isPending} onClick={runPreview}>
              {preview.isPending ? 'Previewing…' : 'Preview'}
            </button>
            {rule ? (
              <button
                type="button"
                className="button-secondary"
                disabled={!canEdit || backtest.isPending}
                onClick={() => backtest.mutate(rule.id)}
              >
                {backtest.isPending ? 'Backtesting…' : 'Backtest'}
              </button>
            ) : null}
            <button type="submit" disabled={!canEdit || save.isPending}>
              {save.isPending ? 'Saving…' : 'Save rule'}
            </button>
          </div>
        </form>
      </section>

      {preview.data ? <PreviewResults preview={preview.data} /> : null}
      {backtest.isError ? <ProblemMessage error={backtest.error} fallback="The backtest failed" /> : null}
      {backtest.data ? (
        <section aria-labelledby="rule-backtest-heading" className="panel">
          <h2 id="rule-backtest-heading">Backtest of version {backtest.data.version}</h2>
          <p role="status">
            Over the stored history it would have taken {formatNumber(backtest.data.wouldTake, 0)} of{' '}
            {formatNumber(backtest.data.considered, 0)} items.
          </p>
          {Object.keys(backtest.data.outcomes).length > 0 ? (
            <dl className="summary-list">
              {Object.entries(backtest.data.outcomes).map(([status, count]) => (
                <div key={status} className="summary-pair">
                  <dt>Now {status.replace('_', ' ')}</dt>
                  <dd>{formatNumber(count, 0)}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </section>
      ) : null}
      {rule ? <Versions ruleId={rule.id} /> : null}
      {rule ? <Decisions ruleId={rule.id} /> : null}
    </div>
  );
}

function ItemLink({ id }: { id: string }) {
  return <a href={`${paths.queue}?item=${id}`}>Item {id.slice(0, 8)}</a>;
}

/** The kind of reason in a skip trace: "no match: …" → the condition, "matched (…) but stale" → "stale", limits as said. */
export function skipReasonOf(trace: string): string {
  const why = trace.replace(/^.*?skipped:\s*/, '');
  if (why.startsWith('no match')) return 'the condition does not match';
  const blocker = / but (.+)$/.exec(why);
  return blocker?.[1] ?? why;
}

function PreviewResults({ preview }: { preview: RulePreview }) {
  const skippedByReason = new Map<string, number>();
  for (const d of preview.skipped) {
    const reason = skipReasonOf(d.trace);
    skippedByReason.set(reason, (skippedByReason.get(reason) ?? 0) + 1);
  }
  return (
    <section aria-labelledby="rule-preview-heading" className="panel">
      <h2 id="rule-preview-heading">Preview</h2>
      <p role="status">
        Would take {formatNumber(preview.taken.length, 0)} and skip {formatNumber(preview.skipped.length, 0)} of the items waiting now.
      </p>
      {skippedByReason.size > 0 ? (
        <>
          <h3>Skipped, by reason</h3>
          <ul aria-label="Skipped, by reason">
            {[...skippedByReason]
              .sort((a, b) => b[1] - a[1])
              .map(([reason, count]) => (
                <li key={reason}>
                  {reason}: {formatNumber(count, 0)}
                </li>
              ))}
          </ul>
        </>
      ) : null}
      <DecisionTable title="Taken" decisions={preview.taken} />
      <DecisionTable title="Skipped" decisions={preview.skipped} />
    </section>
  );
}

function DecisionTable({ title, decisions }: { title: 'Taken' | 'Skipped'; decisions: RulePreview['taken'] }) {
  return (
    <section aria-label={`${title} (${decisions.length})`}>
      <h3>
        {title} ({formatNumber(decisions.length, 0)})
      </h3>
      {decisions.length === 0 ? (
        <p className="muted">{title === 'Taken' ? 'None of the waiting items match.' : 'Nothing skipped.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">{title} items and why</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Advertiser</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {decisions.slice(0, PREVIEW_ROWS).map((d) => (
                <tr key={d.recommendationId}>
                  <td>
                    <ItemLink id={d.recommendationId} />
                  </td>
                  <td>{d.advertiserId}</td>
                  <td className="rule-trace">{d.trace}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {decisions.length > PREVIEW_ROWS ? (
            <p className="muted">
              The first {PREVIEW_ROWS} of {formatNumber(decisions.length, 0)}.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

function Versions({ ruleId }: { ruleId: string }) {
  const versions = useQuery(ruleQueries.versions(ruleId));
  return (
    <section aria-labelledby="rule-versions-heading" className="panel">
      <h2 id="rule-versions-heading">Versions</h2>
      {versions.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the versions" />
      ) : versions.isError ? (
        <ProblemMessage error={versions.error} fallback="The versions could not be loaded" onRetry={() => versions.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">Every version of the rule, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Saved</th>
                <th scope="col">Mode</th>
                <th scope="col">Condition</th>
                <th scope="col">Scope</th>
                <th scope="col">Limits per run / day</th>
              </tr>
            </thead>
            <tbody>
              {versions.data.items.map((v) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>
                    {formatDateTime(v.createdAt)} <span className="muted">by {v.createdBy}</span>
                  </td>
                  <td>{v.mode}</td>
                  <td className="rule-trace">{v.expression}</td>
                  <td>
                    {v.scope.advertiserIds.length > 0 ? v.scope.advertiserIds.join(', ') : 'all advertisers'}
                    {' · '}
                    {v.scope.sources.length > 0 ? v.scope.sources.join(', ') : 'all sources'}
                  </td>
                  <td>
                    {formatNumber(v.limits.maxItemsPerRun, 0)} / {formatNumber(v.limits.maxItemsPerDay, 0)} items,{' '}
                    {formatNumber(v.limits.maxSpendChangePerRun, 0)} / {formatNumber(v.limits.maxSpendChangePerDay, 0)} spend
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type RecordedDecision = z.infer<typeof RuleDecisionListSchema>['items'][number];

function Decisions({ ruleId }: { ruleId: string }) {
  const decisions = useQuery(ruleQueries.decisions(ruleId));
  const items: RecordedDecision[] = decisions.data?.items ?? [];
  return (
    <section aria-labelledby="rule-decisions-heading" className="panel">
      <h2 id="rule-decisions-heading">Decisions</h2>
      {decisions.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the decisions" />
      ) : decisions.isError ? (
        <ProblemMessage error={decisions.error} fallback="The decisions could not be loaded" onRetry={() => decisions.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No decisions yet. A rule in shadow or on runs after every sync; its decisions show here.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">What the rule decided, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Version</th>
                <th scope="col">Mode</th>
                <th scope="col">Decision</th>
                <th scope="col">Item</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {items.slice(0, PREVIEW_ROWS).map((d) => (
                <tr key={`${d.runId}-${d.recommendationId}`}>
                  <td>{formatDateTime(d.at)}</td>
                  <td>v{d.ruleVersion}</td>
                  <td>{d.mode}</td>
                  <td>{d.decision === 'take' ? (d.applied ? 'took, applied' : d.mode === 'shadow' ? 'would take' : 'took') : 'skipped'}</td>
                  <td>
                    <ItemLink id={d.recommendationId} />
                  </td>
                  <td className="rule-trace">{d.trace}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
