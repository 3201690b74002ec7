/**
 * Does the feedback help? (issue 19) Two simulated agencies work the same quarter of the same simulated world: every
 * day the sources propose the same queue, and each agency approves its top N items, one ranking by the priority
 * formula alone (src/lifecycle/priority.ts, neutral effectiveness) and one by the same formula times the priority
 * factors it learnt from its own measured changes so far (src/impact/impact-feedback.ts, measured with the BFF's
 * `measureSubject` once each change's windows have settled). Each approval's realised effect is the simulator's true
 * effect (its campaign's after window with the change minus without it): incremental sales minus incremental spend,
 * per day. Reported: realised effect per approval for each agency, the learned ranking's gain with a 90 % band
 * (bootstrap over approvals), and the spread across seeds.
 *
 * The sources are those of the coherent simulated world, with one misguided: a "Recommendations API" that proposes
 * budget raises to campaigns that under-spend (they change nothing) with more confidence and a bigger promise than
 * the sound sources' raises to budget-capped campaigns, and keyword bid raises whose payoff depends on the campaign.
 */
import { campaignDay } from '@recdesk/ads-simulator/performance-model';
import { createSettingsHistory, type SettingsEntry, type SettingsHistory } from '@recdesk/ads-simulator/settings-history';
import { type Campaign, createWorld } from '@recdesk/ads-simulator/world';
import type { MeasuredEffect, ProposedAction, RecommendationKind, RecommendationSource } from '@recdesk/shared-types';
import { seededRandom } from '../src/impact/did-estimator.ts';
import { Converter, DEFAULT_RATES } from '../src/impact/exchange-rates.ts';
import { type MeasuredOutcome, PriorityFactorTable } from '../src/impact/impact-feedback.ts';
import { type MeasureSubject, measureSubject } from '../src/impact/impact-measurement.ts';
import { addDays, daysBetween, windowsOf } from '../src/impact/impact-windows.ts';
import { priorityOf } from '../src/lifecycle/priority.ts';
import type { BenchMeasurement, Benchmark } from './bench-report.ts';

const SEEDS = [11, 22, 33, 44, 55];
const WORLD = { advertiserCount: 20, campaignsPerProfile: 12 };
const QUARTER_FROM = '2027-01-01';
const DAYS = 90;
const PER_DAY = { proposed: 24, approved: 4 };
const WINDOW = { windowDays: 14, settleDays: 3 };
const GAP_DAYS = 2 * WINDOW.windowDays + 2;
const CURRENCY: Record<string, string> = { US: 'USD', UK: 'GBP', DE: 'EUR' };
/** Effects are added up in one currency: USD at the embedded default's rates (src/impact/exchange-rates.ts). */
const toUsd = new Converter('USD', DEFAULT_RATES);

interface Proposal {
  id: string;
  day: string;
  source: RecommendationSource;
  kind: RecommendationKind;
  campaign: Campaign;
  profileId: string;
  currency: string;
  change: 'budget' | 'bids';
  confidence: number;
  impactScore: number;
  promisedSalesPerWeek: number;
}

/** The day's queue, the same for both agencies: a sound budget source, a misguided one, and keyword bid raises. */
function proposalsOf(
  seed: number,
  day: string,
  campaigns: readonly Campaign[],
  capped: (c: Campaign) => boolean,
  currencyOf: (c: Campaign) => string,
): Proposal[] {
  const random = seededRandom(seed * 100_003 + Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  const out: Proposal[] = [];
  for (let i = 0; i < PER_DAY.proposed; i++) {
    const campaign = campaigns[Math.floor(random() * campaigns.length)] as Campaign;
    const r = random();
    const base = { id: `${seed}:${day}:${i}`, day, campaign, profileId: String(campaign.profileId), currency: currencyOf(campaign) };
    if (r < 0.35 && capped(campaign))
      out.push({
        ...base,
        source: 'sp-budget',
        kind: 'budget',
        change: 'budget',
        confidence: 0.7,
        impactScore: 6,
        promisedSalesPerWeek: 300,
      });
    else if (r < 0.7 && !capped(campaign))
      out.push({
        ...base,
        source: 'unified-recommendations',
        kind: 'budget',
        change: 'budget',
        confidence: 0.85,
        impactScore: 8,
        promisedSalesPerWeek: 600,
      });
    else if (r >= 0.7)
      out.push({
        ...base,
        source: 'sp-targeting',
        kind: 'bid',
        change: 'bids',
        confidence: 0.75,
        impactScore: 6.5,
        promisedSalesPerWeek: 350,
      });
  }
  return out;
}

interface Approval {
  proposal: Proposal;
  entry: SettingsEntry;
  /** The true effect: incremental sales minus incremental spend per day over the after window. */
  realised: number;
  measured: boolean;
}

class Agency {
  readonly history: SettingsHistory;
  readonly approvals: Approval[] = [];
  private readonly lastChange = new Map<string, string>();
  private factors = PriorityFactorTable.neutral();
  private readonly outcomes: MeasuredOutcome[] = [];

  constructor(
    private readonly world: ReturnType<typeof createWorld>,
    readonly learns: boolean,
  ) {
    this.history = createSettingsHistory(world);
  }

  /** Ranks the day's queue and approves its top items (a campaign changed in the last 30 days is left for later). */
  decide(day: string, queue: readonly Proposal[]): void {
    const now = new Date(`${day}T09:00:00Z`);
    const ranked = queue
      .filter((p) => {
        const last = this.lastChange.get(p.campaign.campaignId);
        return !last || daysBetween(last, day).length - 1 >= GAP_DAYS;
      })
      .map((p) => ({
        p,
        priority: priorityOf(
          {
            source: p.source,
            kind: p.kind,
            confidence: p.confidence,
            impactScore: p.impactScore,
            estimatedImpact: [
              {
                metric: 'missed sales',
                lower: p.promisedSalesPerWeek * 0.8,
                upper: p.promisedSalesPerWeek * 1.2,
                unit: 'USD',
                periodDays: 7,
              },
            ],
            expiresAt: null,
            advertiserId: p.profileId,
          },
          now,
          this.learns ? (source, kind, advertiserId) => this.factors.factorOf(source, kind, advertiserId) : undefined,
        ),
      }))
      .sort((a, b) => b.priority - a.priority || a.p.id.localeCompare(b.p.id));
    const taken = new Set<string>();
    for (const { p } of ranked) {
      if (taken.size >= PER_DAY.approved) break;
      if (taken.has(p.campaign.campaignId)) continue;
      taken.add(p.campaign.campaignId);
      this.apply(p);
    }
  }

  private apply(p: Proposal): void {
    const entries = this.history.byCampaign.get(p.campaign.campaignId) as SettingsEntry[];
    const before = (entries.at(-1) as SettingsEntry).settings;
    const settings =
      p.change === 'budget'
        ? { ...before, budget: Math.round(before.budget * 1.5 * 100) / 100 }
        : { ...before, bids: Object.fromEntries(Object.entries(before.bids).map(([id, bid]) => [id, Math.round(bid * 1.3 * 100) / 100])) };
    const entry: SettingsEntry = { from: addDays(p.day, 1), settings };
    entries.push(entry);
    this.lastChange.set(p.campaign.campaignId, p.day);
    this.approvals.push({ proposal: p, entry, realised: Number.NaN, measured: false });
  }

  /** Measures every approval whose windows settled by `today`, as the BFF would, and relearns the factors. */
  measureDue(today: string): void {
    let learnt = false;
    for (const approval of this.approvals) {
      if (approval.measured) continue;
      const appliedAt = new Date(`${approval.proposal.day}T12:00:00Z`);
      const windows = windowsOf(appliedAt, WINDOW.windowDays, WINDOW.settleDays);
      if (today < windows.measuringUntil) continue;
      approval.measured = true;
      approval.realised = this.truthOf(approval, windows.after.from, windows.after.to);
      if (!this.learns) continue;
      const outcome = this.measure(approval, today, windows.before.from, windows.after.to);
      if (outcome) {
        this.outcomes.push(outcome);
        learnt = true;
      }
    }
    if (learnt) this.factors = PriorityFactorTable.from(this.outcomes);
  }

  private truthOf(approval: Approval, from: string, to: string): number {
    const campaign = approval.proposal.campaign;
    const entries = this.history.byCampaign.get(campaign.campaignId) as SettingsEntry[];
    const without: SettingsHistory = { byCampaign: new Map(this.history.byCampaign), ledgerSeen: 0 };
    without.byCampaign.set(
      campaign.campaignId,
      entries.filter((e) => e !== approval.entry),
    );
    const days = daysBetween(from, to);
    let net = 0;
    for (const date of days) {
      const a = campaignDay(this.world, this.history, campaign, date);
      const b = campaignDay(this.world, without, campaign, date);
      net += a.sales - b.sales - (a.cost - b.cost);
    }
    return toUsd.convert(net / days.length, approval.proposal.currency) ?? Number.NaN;
  }

  private measure(approval: Approval, today: string, from: string, to: string): MeasuredOutcome | null {
    const p = approval.proposal;
    const campaigns = this.world.campaigns.filter((c) => String(c.profileId) === p.profileId);
    const rows = campaigns.flatMap((c) =>
      daysBetween(from, to).map((date) => {
        const d = campaignDay(this.world, this.history, c, date);
        return {
          campaign_id: c.campaignId,
          date,
          currency: p.currency,
          impressions: d.impressions,
          clicks: d.clicks,
          cost: d.cost,
          sales: d.sales,
          orders: d.orders,
        };
      }),
    );
    const changeDays = new Map<string, string[]>();
    for (const a of this.approvals)
      if (a.proposal.profileId === p.profileId)
        changeDays.set(a.proposal.campaign.campaignId, [...(changeDays.get(a.proposal.campaign.campaignId) ?? []), a.proposal.day]);
    const action: ProposedAction = {
      type: p.change === 'budget' ? 'set-budget' : 'set-bid',
      field: p.change === 'budget' ? 'dailyBudget' : 'bid',
      from: 1,
      to: 1.5,
      unit: 'currency',
      currency: p.currency,
      direction: 'increase',
    };
    const subject: MeasureSubject = {
      id: `apply:${p.id}`,
      recommendationId: p.id,
      advertiserId: p.profileId,
      source: p.source,
      kind: p.kind,
      campaignId: p.campaign.campaignId,
      action,
      estimatedImpact: [
        {
          metric: 'missed sales',
          lower: p.promisedSalesPerWeek * 0.8,
          upper: p.promisedSalesPerWeek * 1.2,
          unit: p.currency,
          periodDays: 7,
        },
      ],
      cohort: 'person',
      appliedAt: new Date(`${p.day}T12:00:00Z`),
      appliedBy: 'bench',
      undoneAt: null,
    };
    const row = measureSubject(subject, { today, config: WINDOW, rows, changeDays, now: new Date(`${today}T06:00:00Z`) });
    if (row.state !== 'measured') return null;
    const [effect] = JSON.parse(row.effects) as MeasuredEffect[];
    if (!effect) return null;
    return {
      source: p.source,
      kind: p.kind,
      advertiserId: p.profileId,
      cohort: 'person',
      state: 'measured',
      verdict: row.verdict,
      realisedTotal: row.realised_total,
      promisedTotal: row.promised_total,
    };
  }
}

export interface SeedResult {
  seed: number;
  plain: number[];
  learned: number[];
}

/** One quarter: both agencies decide every day on the same queue; returns each approval's realised effect. */
export function runQuarter(seed: number): SeedResult {
  const world = createWorld({ seed, ...WORLD });
  const probe = createSettingsHistory(world);
  const campaigns = world.campaigns.filter((c) => c.state === 'ENABLED');
  const cappedIds = new Set(
    campaigns
      .filter(
        (c) => campaignDay(world, probe, c, QUARTER_FROM).cost >= (probe.byCampaign.get(c.campaignId)?.[0]?.settings.budget ?? 0) * 0.9,
      )
      .map((c) => c.campaignId),
  );
  const plain = new Agency(world, false);
  const learned = new Agency(world, true);
  // Decisions stop a window before the end, so every approval's after window lies in the quarter.
  const lastDecision = DAYS - WINDOW.windowDays - WINDOW.settleDays - 1;
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(QUARTER_FROM, d);
    for (const agency of [plain, learned]) agency.measureDue(day);
    if (d > lastDecision) continue;
    const queue = proposalsOf(
      seed,
      day,
      campaigns,
      (c) => cappedIds.has(c.campaignId),
      (c) => CURRENCY[world.profiles.find((p) => p.profileId === c.profileId)?.marketplace.code ?? 'US'] ?? 'USD',
    );
    plain.decide(day, queue);
    learned.decide(day, queue);
  }
  const realised = (agency: Agency) => agency.approvals.filter((a) => a.measured).map((a) => a.realised);
  return { seed, plain: realised(plain), learned: realised(learned) };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / (values.length || 1);

/** A 90 % band of mean(learned) − mean(plain), resampling each agency's approvals independently (seeded). */
export function gainBand(plain: readonly number[], learned: readonly number[], resamples = 2000): { lower: number; upper: number } {
  const random = seededRandom(7);
  const draw = (values: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)] as number;
    return sum / values.length;
  };
  const gains = Array.from({ length: resamples }, () => draw(learned) - draw(plain)).sort((a, b) => a - b);
  return { lower: gains[Math.floor(resamples * 0.05)] as number, upper: gains[Math.ceil(resamples * 0.95) - 1] as number };
}

export const benchmark: Benchmark = {
  name: 'Learned ranking vs plain ranking (issue 19)',
  async run() {
    const started = performance.now();
    const results = SEEDS.map(runQuarter);
    const plain = results.flatMap((r) => r.plain);
    const learned = results.flatMap((r) => r.learned);
    const gain = mean(learned) - mean(plain);
    const band = gainBand(plain, learned);
    const perSeed = results.map((r) => mean(r.learned) - mean(r.plain));
    const measurements: BenchMeasurement[] = [
      { label: `plain ranking: realised effect per approval (${plain.length} approvals)`, value: mean(plain), unit: 'USD/day' },
      { label: `learned ranking: realised effect per approval (${learned.length} approvals)`, value: mean(learned), unit: 'USD/day' },
      {
        label: 'gain of the learned ranking per approval',
        value: gain,
        unit: 'USD/day',
        goal: 'measurably ahead (90 % band above 0)',
        met: band.lower > 0,
      },
      { label: 'gain: 90 % band, lower', value: band.lower, unit: 'USD/day' },
      { label: 'gain: 90 % band, upper', value: band.upper, unit: 'USD/day' },
      { label: 'gain across seeds: min', value: Math.min(...perSeed), unit: 'USD/day' },
      { label: 'gain across seeds: max', value: Math.max(...perSeed), unit: 'USD/day' },
    ];
    return {
      name: 'Learned ranking vs plain ranking (issue 19)',
      measurements,
      notes: [
        `Seeds ${SEEDS.join(', ')}; per seed ${WORLD.advertiserCount} advertisers × ${WORLD.campaignsPerProfile} campaigns per profile, ${DAYS} days, ${PER_DAY.proposed} proposals a day of which each agency approves its top ${PER_DAY.approved} (a campaign at most once in ${GAP_DAYS} days); windows ${WINDOW.windowDays} + ${WINDOW.settleDays} days.`,
        `Per seed (gain, USD/day per approval): ${results.map((r, i) => `seed ${r.seed} ${perSeed[i]?.toFixed(2)} (plain ${mean(r.plain).toFixed(2)} over ${r.plain.length}, learned ${mean(r.learned).toFixed(2)} over ${r.learned.length})`).join('; ')}.`,
        "Realised effect = the simulator's true incremental sales minus incremental spend per day over each approval's after window (its campaign with the change minus without it), converted to USD at the embedded default's rates (the GBP and EUR profiles). The learned agency learns only from its own measured changes (the BFF's estimator, not the truth).",
        `Took ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      ],
    };
  },
};
