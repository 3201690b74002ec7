/**
 * The Plan page of an advertiser (the strategic planning view): per marketplace, who its customers are (persona: the
 * categories they buy), the audiences they overlap with (affinity and daily reach), and the reach forecast of the
 * next weeks, which the person varies by budget to see where more budget stops paying for itself, and from which an
 * approver drafts a change (a campaign budget, an audience target) into the queue. Below, the drafted plans with
 * their forecasts and, once measured, their measured impact. The advertiser is in the URL (`?advertiser=`).
 */
import type { PlanProfile } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { advertiserLabel, advertiserQueries } from '../../shared/advertisers/advertiser-queries.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { retryableLazy } from '../../shared/ui/retryable-lazy.ts';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { BrandFunnel } from './BrandFunnel.tsx';
import { DraftChangeForm } from './DraftChangeForm.tsx';
import { PersonaFacts } from './PersonaFacts.tsx';
import { PlanDraftsList } from './PlanDraftsList.tsx';
import { planQueries } from './plan-queries.ts';
import './plan.css';
import { reachAt } from './reach-at.ts';

const ReachChart = retryableLazy(() => import('./ReachChart.tsx'));

const count = (value: number) => Math.round(value).toLocaleString('en-US');

function Forecast({
  advertiserId,
  profile,
  forecast,
}: {
  advertiserId: string;
  profile: PlanProfile;
  forecast: NonNullable<PlanProfile['forecast']>;
}) {
  const canAct = useCanAct();
  const points = forecast.points;
  const min = points[0]?.spend ?? 0;
  const max = points.at(-1)?.spend ?? 0;
  const [budget, setBudget] = useState(() => points[Math.floor((points.length - 1) / 2)]?.spend ?? min);
  const reach = reachAt(points, budget);
  return (
    <section aria-label="Reach forecast">
      <h3>
        Reach forecast, {forecast.startDate} to {forecast.endDate}
      </h3>
      <label>
        Budget ({forecast.currency})
        <input
          type="range"
          min={min}
          max={max}
          step={Math.max(1, (max - min) / 100)}
          value={budget}
          onChange={(e) => setBudget(Number(e.target.value))}
        />
      </label>
      <p role="status">
        {count(budget)} {forecast.currency} reaches about {count(reach)} households
      </p>
      <Suspense fallback={<p className="muted">Loading the chart…</p>}>
        <ReachChart points={points} budget={budget} currency={forecast.currency} />
      </Suspense>
      {canAct ? <DraftChangeForm advertiserId={advertiserId} profile={profile} forecast={forecast} budget={budget} /> : null}
    </section>
  );
}

function ProfilePlan({ advertiserId, profile }: { advertiserId: string; profile: PlanProfile }) {
  return (
    <section aria-label={`Plan for ${profile.marketplace ?? profile.profileId}`} className="card plan-profile">
      <h2>{profile.marketplace ?? profile.profileId}</h2>
      {profile.persona ? (
        <section aria-label="Persona">
          <h3>{profile.persona.audienceName} also buy</h3>
          <ul>
            {profile.persona.categories.map((c) => (
              <li key={c.name}>
                {c.name}: {c.affinity.toFixed(1)}× as likely as the average customer, {c.overlapPercentage.toFixed(0)}% of them
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="muted">No persona yet.</p>
      )}
      {profile.personaFacts ? <PersonaFacts facts={profile.personaFacts} audienceName={profile.persona?.audienceName ?? null} /> : null}
      {(profile.benchmarks ?? []).map((b) => (
        <BrandFunnel key={b.category} benchmarks={b} />
      ))}
      <table aria-label="Top overlapping audiences">
        <thead>
          <tr>
            <th scope="col">Audience</th>
            <th scope="col">Category</th>
            <th scope="col">Affinity</th>
            <th scope="col">Daily reach</th>
          </tr>
        </thead>
        <tbody>
          {profile.overlaps.map((o) => (
            <tr key={o.audienceId}>
              <td>{o.name}</td>
              <td>{o.category}</td>
              <td>{o.affinity.toFixed(2)}×</td>
              <td>{o.dailyReach ? `${count(o.dailyReach.lower)}–${count(o.dailyReach.upper)}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {profile.forecast ? (
        <Forecast advertiserId={advertiserId} profile={profile} forecast={profile.forecast} />
      ) : (
        <p className="muted">No reach forecast yet.</p>
      )}
    </section>
  );
}

export function PlanPage() {
  const [params, setSearch] = useSearchParams();
  const canAct = useCanAct();
  const advertiserId = params.get('advertiser') ?? '';
  const advertisers = useQuery(advertiserQueries.list());
  const plan = useQuery({ ...planQueries.ofAdvertiser(advertiserId), enabled: advertiserId !== '' });
  return (
    <section aria-labelledby="plan-title">
      <h1 id="plan-title">Plan</h1>
      <label>
        Advertiser
        <select value={advertiserId} onChange={(e) => setSearch({ advertiser: e.target.value || undefined })}>
          <option value="">Choose an advertiser</option>
          {(advertisers.data?.items ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {advertiserLabel(a)}
            </option>
          ))}
        </select>
      </label>
      {advertiserId === '' ? (
        <p className="muted">
          Choose an advertiser to see who its customers are, its brand against its category, the audiences its shoppers overlap with and a
          reach forecast you can vary{canAct ? ', and to draft a change from it' : ''}.
        </p>
      ) : plan.isError ? (
        <ProblemMessage error={plan.error} fallback="The plan could not be loaded" onRetry={() => plan.refetch()} />
      ) : !plan.data ? (
        <p role="status" className="muted">
          Loading…
        </p>
      ) : plan.data.profiles.length === 0 ? (
        <p className="muted">No insights for this advertiser yet: they arrive with the next sync.</p>
      ) : (
        <>
          {plan.data.profiles.map((profile) => (
            <ProfilePlan key={profile.profileId} advertiserId={advertiserId} profile={profile} />
          ))}
          <PlanDraftsList advertiserId={advertiserId} />
        </>
      )}
    </section>
  );
}
