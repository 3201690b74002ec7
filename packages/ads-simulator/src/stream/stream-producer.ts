/**
 * The simulated Marketing Stream: off the simulator's clock, the datasets Amazon would push for the world's campaigns,
 * delivered through "SNS" (each body is an SNS notification envelope, as with raw delivery off) into the simulator's
 * SQS queue:
 * - `budget-usage` at every 5 % step as a campaign's spend accrues through its marketplace's local day. Spend grows
 *   with the time of day in proportion to the campaign's demand for the day (budget-standing.ts), so a budget-capped
 *   campaign reaches 100 % in the afternoon and an under-spender never does. A campaign first seen mid-day reports its
 *   current step only, like a subscription that starts then.
 * - `sp-budget-recommendations` every hour for each campaign that ran out of budget recently (or today), with the
 *   raise budget-standing.ts computes, so Stream and the pulled budget recommendations say the same.
 * - `sponsored-ads-campaign-diagnostics-recommendations` once a day for those campaigns (CAMPAIGN_BUDGET).
 * Each tick sends what became due since the last one, so advancing the clock moves the stream too.
 */
import { randomUUID } from 'node:crypto';
import { campaignsOf } from '../data/world.ts';
import type { StreamSubscription } from '../handlers/stream-subscriptions.ts';
import { budgetStanding, dayFactor, demandRatio } from '../performance/budget-standing.ts';
import { addDays } from '../performance/days.ts';
import { initialSettings } from '../performance/settings-history.ts';
import type { SimulatorState } from '../state.ts';
import type { SimulatedQueue } from './sqs-queue.ts';

export const STREAM_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:recdesk-marketing-stream';

export interface StreamProducerState {
  /** `campaignId` → the local day and the last 5 % step sent for it. */
  usageSteps: Map<string, { day: string; step: number }>;
  /** `campaignId` → the last UTC hour a budget recommendation was sent for it. */
  recommendedHour: Map<string, string>;
  /** `campaignId` → the last UTC day a diagnostics recommendation was sent for it. */
  diagnosedDay: Map<string, string>;
  /** Messages sent by dataset (the control endpoint reports them). */
  sent: Record<string, number>;
  /** `/streams/subscriptions` (handlers/stream-subscriptions.ts), by subscription id. */
  subscriptions: Map<string, StreamSubscription>;
}

export function createStreamProducerState(): StreamProducerState {
  return { usageSteps: new Map(), recommendedHour: new Map(), diagnosedDay: new Map(), sent: {}, subscriptions: new Map() };
}

/** The local calendar day and the share of it elapsed, in a marketplace's time zone. */
export function localDayAndShare(at: Date, timeZone: string): { day: string; share: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const seconds = Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
  return { day: `${parts.year}-${parts.month}-${parts.day}`, share: seconds / 86_400 };
}

function envelope(record: Record<string, unknown>, at: Date): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: STREAM_TOPIC_ARN,
    Message: JSON.stringify(record),
    Timestamp: at.toISOString(),
    SignatureVersion: '1',
  });
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Sends what became due since the last tick; returns how many messages it sent. */
export function produceStream(state: SimulatorState, queue: SimulatedQueue): number {
  const producer = state.stream;
  const now = state.clock.now();
  const hour = now.toISOString().slice(0, 13);
  const utcDay = now.toISOString().slice(0, 10);
  let sent = 0;
  const send = (record: Record<string, unknown>) => {
    queue.send(envelope(record, now));
    const dataset = String(record.dataset_id ?? record.datasetId);
    producer.sent[dataset] = (producer.sent[dataset] ?? 0) + 1;
    sent++;
  };
  for (const profile of state.world.profiles) {
    const { marketplace, advertiser } = profile;
    const { day, share } = localDayAndShare(now, marketplace.timezone);
    for (const campaign of campaignsOf(state.world, profile.profileId)) {
      if (campaign.state !== 'ENABLED') continue;
      const firstBudget = initialSettings(state.performance.history, campaign.campaignId)?.budget ?? campaign.dailyBudget;
      const demand = demandRatio(state.world, campaign.campaignId) * firstBudget * dayFactor(state.world, campaign.campaignId, day);
      const usage = Math.min(100, (demand * share * 100) / campaign.dailyBudget);
      const step = Math.floor(usage / 5) * 5;
      const last = producer.usageSteps.get(campaign.campaignId);
      const from = last && last.day === day ? last.step + 5 : step;
      for (let s = Math.max(5, from); s <= step; s += 5) {
        send({
          dataset_id: 'budget-usage',
          advertiser_id: advertiser.entityId,
          marketplace_id: marketplace.marketplaceStringId,
          budget_scope_id: campaign.campaignId,
          budget_scope_type: 'CAMPAIGN',
          advertising_product_type: 'sp',
          budget: campaign.dailyBudget,
          budget_usage_percentage: s,
          usage_updated_timestamp: now.toISOString(),
        });
      }
      producer.usageSteps.set(campaign.campaignId, { day, step: Math.max(step, last?.day === day ? last.step : 0) });

      const standing = budgetStanding(state.world, campaign, now);
      const ranOut = standing.advice === 'raise' || usage >= 100;
      if (!ranOut) continue;
      const suggested = round2(Math.max(standing.raiseTo, campaign.dailyBudget * 1.2));
      if (producer.recommendedHour.get(campaign.campaignId) !== hour) {
        producer.recommendedHour.set(campaign.campaignId, hour);
        const missedClicks = Math.max(1, Math.round((suggested - campaign.dailyBudget) * 7 * 0.8));
        send({
          dataset_id: 'sp-budget-recommendations',
          advertiser_id: advertiser.entityId,
          marketplace_id: marketplace.marketplaceStringId,
          campaign_id: campaign.campaignId,
          recommendation_time: `${hour}:00:00Z`,
          reason_for_suggestion: `Out of budget on ${Math.max(1, standing.daysOutOfBudget)} of the last 7 days.`,
          start_date: addDays(utcDay, -7),
          end_date: addDays(utcDay, -1),
          suggested_budget: suggested,
          estimated_missed_clicks_lower: Math.round(missedClicks * 0.7),
          estimated_missed_clicks_upper: missedClicks,
          percent_time_in_budget: standing.percentTimeInBudget,
        });
      }
      if (producer.diagnosedDay.get(campaign.campaignId) !== utcDay) {
        producer.diagnosedDay.set(campaign.campaignId, utcDay);
        const stamp = (at: Date) => `${at.toISOString().slice(0, 19)} UTC`;
        send({
          advertiserId: advertiser.entityId,
          entityId: advertiser.entityId,
          marketplaceId: marketplace.marketplaceStringId,
          datasetId: 'sponsored-ads-campaign-diagnostics-recommendations',
          messageBody: {
            recommendation_id: `diag-${campaign.campaignId}-${utcDay}`,
            group_id: `diag-${utcDay}`,
            apply_endpoint: '/recommendations/apply',
            type: 'CAMPAIGN_BUDGET',
            published_date: stamp(now),
            expiry_date: stamp(new Date(now.getTime() + 7 * 86_400_000)),
            explanation: {
              description: `Campaign ran out of budget on ${Math.max(1, standing.daysOutOfBudget)} of the last 7 days.`,
              missed_opportunities: `${Math.round((1 - standing.percentTimeInBudget) * 100)}% of the time out of budget`,
              recommendation_context: 'BUDGET',
            },
            campaign_id: campaign.campaignId,
            campaign_name: campaign.name,
            ad_product: 'SP',
            current_campaign_settings: { budget: campaign.dailyBudget, bidding_strategy: campaign.biddingStrategy },
            recommended_campaign_settings: { budget: suggested, bidding_strategy: campaign.biddingStrategy },
            advertiser_type: advertiser.type,
            marketplace_name: marketplace.code,
            entity_type: 'CAMPAIGN',
            recommendation_status: 'ACTIVE',
          },
        });
      }
    }
  }
  return sent;
}
