/**
 * Admins' Marketing Stream subscriptions: which advertiser profile sends which dataset into which SQS queue, created
 * and archived ("paused": Amazon's API has no pause) from here. The warning that a subscription belongs to the user
 * who granted the token is shown above the list and the form, where the decision is made.
 */
import {
  STREAM_DATASETS,
  type StreamSubscription,
  StreamSubscriptionAnswerSchema,
  StreamSubscriptionListSchema,
} from '@recdesk/shared-types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiRequest } from '../../shared/api-client.ts';
import { formatDateTime } from '../../shared/format.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';

const LIST_KEY = ['stream-subscriptions'] as const;

function newToken(): string {
  return crypto.randomUUID();
}

export function StreamSubscriptionsPanel() {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: LIST_KEY,
    queryFn: ({ signal }) => apiRequest(StreamSubscriptionListSchema, '/api/stream/subscriptions', { signal }),
  });
  const [form, setForm] = useState({ advertiserId: '', profileId: '', dataSetId: 'budget-usage', destinationArn: '', notes: '' });
  // One token per intended subscription: a resubmit after a 429 or a lost answer creates nothing twice.
  const [token, setToken] = useState(newToken);
  const create = useMutation({
    mutationFn: () =>
      apiRequest(StreamSubscriptionAnswerSchema, '/api/stream/subscriptions', {
        method: 'POST',
        body: { ...form, notes: form.notes || undefined, clientRequestToken: token },
      }),
    onSuccess: () => {
      setToken(newToken());
      void client.invalidateQueries({ queryKey: LIST_KEY });
    },
  });
  const archive = useMutation({
    mutationFn: (id: string) =>
      apiRequest(StreamSubscriptionAnswerSchema, `/api/stream/subscriptions/${id}`, { method: 'PUT', body: { status: 'ARCHIVED' } }),
    onSettled: () => void client.invalidateQueries({ queryKey: LIST_KEY }),
  });
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <section aria-labelledby="stream-subscriptions-heading" className="panel">
      <h2 id="stream-subscriptions-heading">Marketing Stream subscriptions</h2>
      {list.data ? (
        <p className="notice notice-warning" role="note">
          {list.data.warning}
        </p>
      ) : null}
      {list.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the subscriptions" />
      ) : list.isError ? (
        <ProblemMessage error={list.error} fallback="The subscriptions could not be read" onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p className="muted">No subscriptions yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <thead>
              <tr>
                <th scope="col">Advertiser</th>
                <th scope="col">Profile</th>
                <th scope="col">Dataset</th>
                <th scope="col">Queue</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <SubscriptionRow key={s.id} subscription={s} onArchive={() => archive.mutate(s.id)} busy={archive.isPending} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {archive.isError ? <ProblemMessage error={archive.error} fallback="The subscription could not be paused" /> : null}
      <form className="stream-subscription-form" onSubmit={submit} aria-label="New subscription">
        <label>
          Advertiser id
          <input required {...field('advertiserId')} />
        </label>
        <label>
          Profile id
          <input required inputMode="numeric" pattern="\d{1,20}" {...field('profileId')} />
        </label>
        <label>
          Dataset
          <select {...field('dataSetId')}>
            {STREAM_DATASETS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          SQS queue ARN
          <input required placeholder="arn:aws:sqs:us-east-1:123456789012:recdesk-stream" {...field('destinationArn')} />
        </label>
        <label>
          Notes
          <input maxLength={128} {...field('notes')} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Subscribe
        </button>
      </form>
      {create.isError ? <ProblemMessage error={create.error} fallback="The subscription could not be created" /> : null}
    </section>
  );
}

function SubscriptionRow({ subscription: s, onArchive, busy }: { subscription: StreamSubscription; onArchive: () => void; busy: boolean }) {
  return (
    <tr>
      <td>{s.advertiserId}</td>
      <td>{s.profileId}</td>
      <td>{s.dataSetId}</td>
      <td className="muted">{s.destinationArn}</td>
      <td>
        {s.status}
        {s.lastError ? <span className="muted"> · {s.lastError}</span> : null}
      </td>
      <td>{formatDateTime(s.createdAt)}</td>
      <td>
        {s.status === 'ACTIVE' ? (
          <button type="button" onClick={onArchive} disabled={busy} aria-label={`Pause ${s.dataSetId} for ${s.profileId}`}>
            Pause (archive)
          </button>
        ) : null}
      </td>
    </tr>
  );
}
