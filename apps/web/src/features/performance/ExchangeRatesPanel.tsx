/**
 * The exchange rates the impact totals convert with (issue 19), on the impact page under a disclosure: anyone signed
 * in reads them (pair, rate, the day it is as of, who entered it); an admin edits the table and saves it whole
 * (`PUT /api/exchange-rates`, which refuses a pair entered twice either way round). Nothing loads until it is opened.
 */
import { type ExchangeRate, ExchangeRatesSchema } from '@recdesk/shared-types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiRequest } from '../../shared/api-client.ts';
import { formatNumber } from '../../shared/format.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { measurementQueries } from './performance-queries.ts';

const ratesKey = ['exchange-rates'] as const;

/** `canEdit`: the signed-in person is an admin (the app shell knows the session and says so). */
export function ExchangeRatesPanel({ canEdit }: { canEdit: boolean }) {
  const [open, setOpen] = useState(false);
  const rates = useQuery({
    queryKey: ratesKey,
    queryFn: ({ signal }) => apiRequest(ExchangeRatesSchema, '/api/exchange-rates', { signal }),
    enabled: open,
  });
  return (
    <details className="panel exchange-rates" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Exchange rates the totals use</summary>
      {!open ? null : rates.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the exchange rates" />
      ) : rates.isError ? (
        <ProblemMessage error={rates.error} fallback="The exchange rates could not be loaded" onRetry={() => rates.refetch()} />
      ) : canEdit ? (
        <RatesEditor initial={rates.data.rates} />
      ) : (
        <RatesTable rates={rates.data.rates} />
      )}
    </details>
  );
}

function RatesTable({ rates }: { rates: readonly (ExchangeRate & { updatedBy?: string })[] }) {
  if (rates.length === 0) return <p className="muted">No rates yet: totals keep only amounts already in the reporting currency.</p>;
  return (
    <table className="plain-table">
      <caption className="sr-only">Exchange rates</caption>
      <thead>
        <tr>
          <th scope="col">Rate</th>
          <th scope="col">As of</th>
          <th scope="col">Entered by</th>
        </tr>
      </thead>
      <tbody>
        {rates.map((r) => (
          <tr key={`${r.from}-${r.to}`}>
            <td>
              1 {r.from} = {formatNumber(r.rate, 6)} {r.to}
            </td>
            <td>{r.asOf}</td>
            <td>{r.updatedBy ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Draft = { key: number; from: string; to: string; rate: string; asOf: string };

let nextDraftKey = 0;

function RatesEditor({ initial }: { initial: readonly ExchangeRate[] }) {
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Draft[]>(() =>
    initial.map((r) => ({ key: nextDraftKey++, from: r.from, to: r.to, rate: String(r.rate), asOf: r.asOf })),
  );
  const save = useMutation({
    mutationFn: (rates: ExchangeRate[]) => apiRequest(ExchangeRatesSchema, '/api/exchange-rates', { method: 'PUT', body: { rates } }),
    onSuccess: async (answer) => {
      queryClient.setQueryData(ratesKey, answer);
      // The totals were converted with the old rates.
      await queryClient.invalidateQueries({ queryKey: measurementQueries.all() });
    },
  });
  const change = (index: number, field: keyof Draft, value: string) =>
    setDrafts((all) =>
      all.map((d, i) => (i === index ? { ...d, [field]: field === 'rate' || field === 'asOf' ? value : value.toUpperCase() } : d)),
    );
  return (
    <form
      className="dialog-form"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(drafts.map((d) => ({ from: d.from.trim(), to: d.to.trim(), rate: Number(d.rate), asOf: d.asOf })));
      }}
    >
      {drafts.map((d, index) => (
        <fieldset key={d.key} className="rate-row">
          <legend className="sr-only">Rate {index + 1}</legend>
          <label>
            From
            <input value={d.from} maxLength={3} onChange={(e) => change(index, 'from', e.target.value)} required />
          </label>
          <label>
            To
            <input value={d.to} maxLength={3} onChange={(e) => change(index, 'to', e.target.value)} required />
          </label>
          <label>
            Rate
            <input type="number" step="any" min="0" value={d.rate} onChange={(e) => change(index, 'rate', e.target.value)} required />
          </label>
          <label>
            As of
            <input type="date" value={d.asOf} onChange={(e) => change(index, 'asOf', e.target.value)} required />
          </label>
          <button type="button" className="button-secondary" onClick={() => setDrafts((all) => all.filter((_, i) => i !== index))}>
            Remove
          </button>
        </fieldset>
      ))}
      {save.isError ? <ProblemMessage error={save.error} fallback="The rates were not saved" /> : null}
      {save.isSuccess ? <p role="status">Saved: the totals now convert at these rates.</p> : null}
      <div className="dialog-actions">
        <button
          type="button"
          className="button-secondary"
          onClick={() =>
            setDrafts((all) => [...all, { key: nextDraftKey++, from: '', to: '', rate: '', asOf: new Date().toISOString().slice(0, 10) }])
          }
        >
          Add a rate
        </button>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save the rates'}
        </button>
      </div>
    </form>
  );
}
