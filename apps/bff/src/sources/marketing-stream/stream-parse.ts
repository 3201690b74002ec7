/**
 * Reads a body posted to `POST /api/stream/messages` into Marketing Stream records, one delivery at a time: the SQS
 * message body is the record itself; through SNS it is a notification whose `Message` holds the record as JSON. Each
 * record is validated against its dataset's shape (facts.md §4) and given a deduplication key, because Stream
 * delivers at least once: `idempotency_id` when the dataset carries one, else a hash of the dataset, the fields that
 * identify what the message is about, and its timestamp.
 */
import { createHash } from 'node:crypto';
import {
  type BudgetUsageRecord,
  BudgetUsageRecordSchema,
  type CampaignDiagnosticsRecord,
  CampaignDiagnosticsRecordSchema,
  SnsNotificationSchema,
  type SpBudgetRecommendationRecord,
  SpBudgetRecommendationRecordSchema,
} from '@recdesk/shared-types';
import type { z } from 'zod';
import { parseUpstreamDate } from '../shared/upstream-values.ts';

export const DIAGNOSTICS_DATASET = 'sponsored-ads-campaign-diagnostics-recommendations';

interface RecordIdentity {
  eventAt: Date;
  /** The campaign or portfolio (or, without one, the recommendation) the message is about. */
  scopeId: string;
  advertiserId: string;
  marketplaceId: string;
}

export type StreamRecord =
  | ({ datasetId: 'budget-usage'; record: BudgetUsageRecord } & RecordIdentity)
  | ({ datasetId: 'sp-budget-recommendations'; record: SpBudgetRecommendationRecord } & RecordIdentity)
  | ({ datasetId: typeof DIAGNOSTICS_DATASET; record: CampaignDiagnosticsRecord } & RecordIdentity);

/** Diagnostics dates read "2024-09-18T17:11:14 UTC". */
export function diagnosticsDate(value: string, field: string): Date {
  return timestampOf(
    value
      .trim()
      .replace(/\s*UTC$/i, 'Z')
      .replace(' ', 'T'),
    field,
  );
}

export type ParsedDelivery =
  | ({ index: number; status: 'valid'; dedupKey: string; raw: unknown } & StreamRecord)
  /** A dataset RecDesk does not use (traffic, conversions...) or an SNS control message: accepted and left alone. */
  | { index: number; status: 'other-dataset'; datasetId: string; raw: unknown; reason?: string }
  | { index: number; status: 'invalid'; datasetId: string | null; reason: string; raw: unknown };

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ');
}

/** Stream timestamps are ISO 8601; epoch forms are read too, since forwarders sometimes rewrite them. */
function timestampOf(value: string, field: string): Date {
  const iso = Date.parse(value);
  if (!Number.isNaN(iso) && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) return new Date(iso);
  try {
    return parseUpstreamDate(value);
  } catch {
    throw new Error(`${field}: '${value}' is not a timestamp`);
  }
}

function hashKey(parts: readonly (string | number)[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

/** Unwraps an SNS notification; anything else is taken to be the SQS message body, i.e. the record itself. */
function unwrap(delivery: unknown): { ok: true; record: unknown } | { ok: false; reason: string } {
  const sns = SnsNotificationSchema.safeParse(delivery);
  if (!sns.success) return { ok: true, record: delivery };
  try {
    return { ok: true, record: JSON.parse(sns.data.Message) as unknown };
  } catch {
    return { ok: false, reason: 'Message: the SNS notification does not hold a JSON message' };
  }
}

const SNS_CONTROL_TYPES = new Set(['SubscriptionConfirmation', 'UnsubscribeConfirmation']);

export function parseDelivery(delivery: unknown, index: number): ParsedDelivery {
  // SNS confirms an HTTP subscription by posting its SubscribeURL once. RecDesk does not fetch URLs found in a
  // request body (anyone can post one); an operator confirms the subscription from the logged topic instead.
  const type = delivery && typeof delivery === 'object' ? (delivery as { Type?: unknown }).Type : undefined;
  if (typeof type === 'string' && SNS_CONTROL_TYPES.has(type)) {
    const topic = String((delivery as { TopicArn?: unknown }).TopicArn ?? 'an unknown topic');
    return {
      index,
      status: 'other-dataset',
      datasetId: `sns:${type}`,
      raw: delivery,
      reason: `SNS ${type} for ${topic}: confirm it in AWS, RecDesk does not follow its URL`,
    };
  }
  const unwrapped = unwrap(delivery);
  if (!unwrapped.ok) return { index, status: 'invalid', datasetId: null, reason: unwrapped.reason, raw: delivery };
  const record = unwrapped.record;
  // Most datasets name themselves `dataset_id`; the diagnostics dataset's camelCase envelope says `datasetId`.
  const named = record && typeof record === 'object' ? (record as { dataset_id?: unknown; datasetId?: unknown }) : {};
  const datasetId = typeof named.dataset_id === 'string' ? named.dataset_id : typeof named.datasetId === 'string' ? named.datasetId : null;
  if (!datasetId)
    return { index, status: 'invalid', datasetId: null, reason: 'dataset_id: missing, so the message cannot be read', raw: delivery };
  try {
    if (datasetId === 'budget-usage') {
      const parsed = BudgetUsageRecordSchema.safeParse(record);
      if (!parsed.success) return { index, status: 'invalid', datasetId, reason: describe(parsed.error), raw: delivery };
      const r = parsed.data;
      const eventAt = timestampOf(r.usage_updated_timestamp, 'usage_updated_timestamp');
      const dedupKey = r.idempotency_id
        ? `idempotency:${r.idempotency_id}`
        : hashKey([
            datasetId,
            r.advertiser_id,
            r.marketplace_id,
            r.budget_scope_type,
            r.budget_scope_id,
            r.usage_updated_timestamp,
            r.budget_usage_percentage,
          ]);
      const identity = { eventAt, scopeId: r.budget_scope_id, advertiserId: r.advertiser_id, marketplaceId: r.marketplace_id };
      return { index, status: 'valid', datasetId, record: r, ...identity, dedupKey, raw: delivery };
    }
    if (datasetId === 'sp-budget-recommendations') {
      const parsed = SpBudgetRecommendationRecordSchema.safeParse(record);
      if (!parsed.success) return { index, status: 'invalid', datasetId, reason: describe(parsed.error), raw: delivery };
      const r = parsed.data;
      const eventAt = timestampOf(r.recommendation_time, 'recommendation_time');
      const dedupKey = r.idempotency_id
        ? `idempotency:${r.idempotency_id}`
        : hashKey([datasetId, r.advertiser_id, r.marketplace_id, r.campaign_id, r.recommendation_time]);
      const identity = { eventAt, scopeId: r.campaign_id, advertiserId: r.advertiser_id, marketplaceId: r.marketplace_id };
      return { index, status: 'valid', datasetId, record: r, ...identity, dedupKey, raw: delivery };
    }
    if (datasetId === DIAGNOSTICS_DATASET) {
      const parsed = CampaignDiagnosticsRecordSchema.safeParse(record);
      if (!parsed.success) return { index, status: 'invalid', datasetId, reason: describe(parsed.error), raw: delivery };
      const r = parsed.data;
      const body = r.messageBody;
      const eventAt = diagnosticsDate(body.published_date, 'messageBody.published_date');
      if (body.expiry_date) diagnosticsDate(body.expiry_date, 'messageBody.expiry_date');
      // A recommendation is republished when its status changes (REMOVED...): the status is part of what it says.
      const dedupKey = hashKey([
        datasetId,
        r.advertiserId,
        r.marketplaceId,
        body.recommendation_id,
        body.recommendation_status ?? '',
        body.published_date,
      ]);
      const identity = {
        eventAt,
        scopeId: body.campaign_id ?? body.recommendation_id,
        advertiserId: r.advertiserId,
        marketplaceId: r.marketplaceId,
      };
      return { index, status: 'valid', datasetId, record: r, ...identity, dedupKey, raw: delivery };
    }
  } catch (error) {
    return { index, status: 'invalid', datasetId, reason: (error as Error).message, raw: delivery };
  }
  return { index, status: 'other-dataset', datasetId, raw: delivery };
}

/** An SQS message body as it came off the queue: JSON (the record, or an SNS notification holding it), or poison. */
export function parseRawDelivery(body: string, index: number): ParsedDelivery {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch (error) {
    return {
      index,
      status: 'invalid',
      datasetId: null,
      reason: `body: not JSON (${(error as Error).message})`,
      raw: { body: body.slice(0, 2_000) },
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { index, status: 'invalid', datasetId: null, reason: 'body: not a JSON object', raw: { body: body.slice(0, 2_000) } };
  return parseDelivery(value, index);
}

/** One delivery or a batch; the body's outer shape was already checked against the shared contract. */
export function parseDeliveries(body: unknown): ParsedDelivery[] {
  const deliveries = Array.isArray(body) ? body : [body];
  return deliveries.map((delivery, index) => parseDelivery(delivery, index));
}
