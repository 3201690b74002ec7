/**
 * "Draft change": turns the forecast the person is looking at into a concrete change for the queue, either a new
 * daily budget for one campaign (prefilled with what the budget slider asks of it) or an audience to target in a
 * Sponsored Display campaign. The dates and audiences are the forecast's inputs: the BFF asks Reach Forecasting for
 * exactly these and attaches the answer to the draft. Errors say what the server said; a draft of a change already
 * pending folds into it and says so.
 */
import { type PlanCampaign, type PlanDraftAnswer, type PlanProfile, planDaysOf } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formatMoney } from '../../shared/format.ts';
import { paths } from '../../shared/paths.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { planQueries, useDraftPlanChange } from './plan-queries.ts';

type ChangeType = 'budget' | 'audience';

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The daily budget that brings the flight's spend to `budget`, all of the difference on this one campaign. */
export function suggestedDailyBudget(campaign: PlanCampaign, campaigns: readonly PlanCampaign[], budget: number, days: number): number {
  const current = campaigns.filter((c) => c.state === 'ENABLED').reduce((sum, c) => sum + c.dailyBudget, 0) * days;
  return Math.max(1, round2(campaign.dailyBudget + (budget - current) / Math.max(1, days)));
}

export function DraftChangeForm({
  advertiserId,
  profile,
  forecast,
  budget,
}: {
  advertiserId: string;
  profile: PlanProfile;
  forecast: NonNullable<PlanProfile['forecast']>;
  budget: number;
}) {
  const campaigns = useQuery(planQueries.campaigns(advertiserId));
  const draft = useDraftPlanChange(advertiserId);
  const [type, setType] = useState<ChangeType>('budget');
  const [campaignId, setCampaignId] = useState('');
  const [dailyBudget, setDailyBudget] = useState('');
  const [startDate, setStartDate] = useState(forecast.startDate);
  const [endDate, setEndDate] = useState(forecast.endDate);
  const [audienceIds, setAudienceIds] = useState<string[]>([]);
  const [audienceId, setAudienceId] = useState(profile.overlaps[0]?.audienceId ?? '');
  const [note, setNote] = useState('');
  const [answer, setAnswer] = useState<PlanDraftAnswer | null>(null);

  const listed = campaigns.data?.profiles.find((p) => p.profileId === profile.profileId);
  const choices = (listed?.campaigns ?? []).filter((c) => type === 'budget' || c.adProduct === 'SD');
  const campaign = choices.find((c) => c.campaignId === campaignId) ?? null;
  const days = planDaysOf(startDate, endDate);
  const suggestion = campaign && listed ? suggestedDailyBudget(campaign, listed.campaigns, budget, days) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!campaign) return;
    setAnswer(null);
    const inputs = { profileId: profile.profileId, startDate, endDate, audienceIds };
    const change =
      type === 'budget'
        ? { type: 'budget' as const, campaignId: campaign.campaignId, dailyBudget: Number(dailyBudget || suggestion) }
        : { type: 'audience' as const, campaignId: campaign.campaignId, audienceId };
    draft.mutate({ forecast: inputs, change, ...(note.trim() ? { note: note.trim() } : {}) }, { onSuccess: setAnswer });
  };

  if (campaigns.isError)
    return <ProblemMessage error={campaigns.error} fallback="The campaigns could not be listed" onRetry={() => campaigns.refetch()} />;
  return (
    <form className="plan-draft" aria-label="Draft change" onSubmit={submit}>
      <h3>Draft a change from this forecast</h3>
      <fieldset className="plan-draft-type">
        <legend>Change</legend>
        <label>
          <input type="radio" name={`type-${profile.profileId}`} checked={type === 'budget'} onChange={() => setType('budget')} />
          Campaign budget
        </label>
        <label>
          <input
            type="radio"
            name={`type-${profile.profileId}`}
            checked={type === 'audience'}
            onChange={() => setType('audience')}
            disabled={profile.overlaps.length === 0}
          />
          New audience target
        </label>
      </fieldset>
      <div className="plan-draft-fields">
        <label>
          Campaign
          <select value={campaignId} onChange={(e) => setCampaignId(e.target.value)} required disabled={campaigns.isPending}>
            <option value="">{campaigns.isPending ? 'Loading campaigns…' : 'Choose a campaign'}</option>
            {choices.map((c) => (
              <option key={c.campaignId} value={c.campaignId}>
                {c.adProduct} · {c.name} ({formatMoney(c.dailyBudget, listed?.currency ?? null)}/day
                {c.state === 'ENABLED' ? '' : `, ${c.state.toLowerCase()}`})
              </option>
            ))}
          </select>
        </label>
        {type === 'budget' ? (
          <label>
            New daily budget ({listed?.currency ?? forecast.currency})
            <input
              type="number"
              min="0.01"
              // Any cents: a step would make a browser refuse amounts its float arithmetic cannot divide evenly.
              step="any"
              inputMode="decimal"
              value={dailyBudget}
              placeholder={suggestion === null ? '' : String(suggestion)}
              onChange={(e) => setDailyBudget(e.target.value)}
              required={suggestion === null}
            />
          </label>
        ) : (
          <label>
            Audience
            <select value={audienceId} onChange={(e) => setAudienceId(e.target.value)} required>
              {profile.overlaps.map((o) => (
                <option key={o.audienceId} value={o.audienceId}>
                  {o.name} ({o.affinity.toFixed(2)}×)
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          From
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} required />
        </label>
        <label>
          To
          <input type="date" value={endDate} min={startDate} onChange={(e) => setEndDate(e.target.value)} required />
        </label>
      </div>
      {profile.overlaps.length > 0 ? (
        <details className="plan-draft-audiences">
          <summary>Forecast for audiences ({audienceIds.length === 0 ? 'all shoppers' : `${audienceIds.length} chosen`})</summary>
          {profile.overlaps.map((o) => (
            <label key={o.audienceId}>
              <input
                type="checkbox"
                checked={audienceIds.includes(o.audienceId)}
                onChange={(e) =>
                  setAudienceIds((ids) => (e.target.checked ? [...ids, o.audienceId] : ids.filter((id) => id !== o.audienceId)))
                }
              />
              {o.name}
            </label>
          ))}
        </details>
      ) : null}
      <label className="plan-draft-note">
        Note (why)
        <input type="text" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {suggestion !== null && type === 'budget' ? (
        <p className="muted">
          The slider's {formatMoney(budget, forecast.currency)} over {days} days asks {formatMoney(suggestion, forecast.currency)}/day of
          this campaign (now {formatMoney(campaign?.dailyBudget ?? 0, forecast.currency)}).
        </p>
      ) : null}
      <button type="submit" disabled={!campaign || draft.isPending}>
        {draft.isPending ? 'Drafting…' : 'Draft change'}
      </button>
      {draft.isError ? <ProblemMessage error={draft.error} fallback="The change could not be drafted" /> : null}
      {answer ? (
        <p role="status" className="plan-draft-done">
          {answer.folded ? 'Already in the queue: ' : 'In the queue: '}
          <a href={`${paths.queue}?item=${answer.item.id}`}>{answer.item.title}</a> ({answer.item.status})
        </p>
      ) : null}
    </form>
  );
}
