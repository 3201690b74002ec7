/**
 * The one truth about each campaign's budget, shared by the performance model and every recommendation generator,
 * so that the simulated world agrees with itself: a campaign either wants more than its budget (budget-capped: it
 * spends about its budget every day and runs out of it) or less (it under-spends). Raises are recommended only to
 * capped campaigns, cuts only to under-spenders, and what a recommendation says about the last 7 days (days out of
 * budget, time in budget, typical spend) is what the performance model reports for those days.
 */
import type { Campaign, World } from '../data/world.ts';
import { addDays, between, dayOf, hash01, noise, weekdayOf } from './days.ts';

/** Sunday first: weekends sell a little more. */
const WEEKDAY = [1.08, 0.96, 0.97, 0.98, 1.0, 1.02, 1.1];

/** Whether the campaign's demand is above its budget (about 45 % of campaigns). */
export function isBudgetCapped(world: World, campaignId: string): boolean {
  return hash01(world.seed, campaignId, 'capped') < 0.45;
}

/** The cost the campaign could spend on a day at its first settings, as a share of its first budget. */
export function demandRatio(world: World, campaignId: string): number {
  const key = [world.seed, campaignId, 'demand'];
  return isBudgetCapped(world, campaignId) ? between(1.35, 2.2, ...key) : between(0.45, 0.85, ...key);
}

/** How much of its usual demand the campaign sees on a day (weekday and seeded noise). */
export function dayFactor(world: World, campaignId: string, date: string): number {
  return (WEEKDAY[weekdayOf(date)] ?? 1) * Math.max(0.6, 1 + 0.12 * noise(world.seed, campaignId, date, 'demand'));
}

/** The share of the budget a campaign that runs out of it spends on a day (Amazon stops a little short). */
export function spendShare(world: World, campaignId: string, date: string): number {
  return 0.96 + 0.04 * hash01(world.seed, campaignId, date, 'spend');
}

export interface BudgetStanding {
  capped: boolean;
  /** Days of the last 7 (before `now`'s day) on which the campaign ran out of budget. */
  daysOutOfBudget: number;
  /** Share of the last 7 days' hours it was within budget (1: never ran out), two decimals. */
  percentTimeInBudget: number;
  /** What it spent on an average day of the last 7, as a share of its budget (about 1 for a capped campaign). */
  spendShare: number;
  /**
   * What a recommendation may say about the budget: raise one that wants more and ran out of it, lower one that
   * clearly under-spends and never ran out, otherwise leave it (a campaign near its budget gets no cut).
   */
  advice: 'raise' | 'lower' | 'keep';
  /** The budget that would have bought all its demand, and one just above its spend for an under-spender. */
  raiseTo: number;
  lowerTo: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The campaign's last 7 days at its current budget, as the performance model delivers them. */
export function budgetStanding(world: World, campaign: Campaign, now: Date): BudgetStanding {
  const capped = isBudgetCapped(world, campaign.campaignId);
  const ratio = demandRatio(world, campaign.campaignId);
  const today = dayOf(now);
  const running = campaign.state === 'ENABLED';
  let out = 0;
  let inBudget = 0;
  let spent = 0;
  for (let back = 7; back >= 1; back--) {
    const date = addDays(today, -back);
    if (!running || date < campaign.startDate) {
      inBudget += 1;
      continue;
    }
    const demand = ratio * dayFactor(world, campaign.campaignId, date);
    const share = spendShare(world, campaign.campaignId, date);
    if (demand >= share) out++;
    inBudget += Math.min(1, share / demand);
    spent += Math.min(demand, share);
  }
  const averageSpend = spent / 7;
  const advice = !running ? 'keep' : capped && out > 0 ? 'raise' : !capped && out === 0 && averageSpend < 0.75 ? 'lower' : 'keep';
  return {
    capped,
    advice,
    daysOutOfBudget: out,
    percentTimeInBudget: round2(inBudget / 7),
    spendShare: round2(averageSpend),
    raiseTo: round2(campaign.dailyBudget * Math.min(2.5, ratio * 1.05)),
    lowerTo: round2(campaign.dailyBudget * Math.min(0.95, ratio * 1.25)),
  };
}
