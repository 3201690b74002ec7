/**
 * Historic Reach (media planning, docs `guides/media-planning/historic-reach/get-started`) as the client calls it:
 * `POST /mediaPlan/v2/historicalReachCurves` creates a curve (ClientId, Scope, `Amazon-Ads-AccountId`, and
 * `application/json` as the only Content-Type and Accept), `GET …/{reportId}/status` is polled with a growing wait
 * until COMPLETED or FAILED, and `GET …/{reportId}` pages the data points by `nextToken`. The request respects the
 * documented limits: a start on or after 2024-09-25, an end at least 7 days before today, no more than 3 months
 * between them, a supported geography (`GB`, not `UK`), frequency thresholds 1–6.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const HISTORIC_REACH_PATH = '/mediaPlan/v2/historicalReachCurves';
export const GEOGRAPHIES = ['US', 'CA', 'MX', 'BR', 'GB', 'DE', 'AT', 'FR', 'IT', 'ES', 'AU', 'JP'] as const;
export const EARLIEST_START = '2024-09-25';
/** Twelve weeks (84 days, under the documented 3 months), ending 8 days ago (the end must be 7 or more days back). */
export const CURVE_DAYS = 84;
export const FREQUENCY_THRESHOLDS = ['1', '2', '3'] as const;
const DAY_MS = 86_400_000;

export function geographyOf(countryCode: string): string | null {
  const code = countryCode.toUpperCase() === 'UK' ? 'GB' : countryCode.toUpperCase();
  return (GEOGRAPHIES as readonly string[]).includes(code) ? code : null;
}

export interface CurveRequest {
  startDate: string;
  endDate: string;
  targeting: Record<string, unknown>[];
}

export function curveRequest(geography: string, audienceIds: readonly string[], now: Date): CurveRequest {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 8 * DAY_MS;
  const start = Math.max(end - (CURVE_DAYS - 1) * DAY_MS, Date.parse(EARLIEST_START));
  return {
    startDate: day(start),
    endDate: day(end),
    targeting: [
      { dimensionName: 'geography', dimensionType: 'SINGLE', dimensionValue: geography },
      { dimensionName: 'supplyPackage', dimensionType: 'SINGLE', dimensionValue: 'STV' },
      { dimensionName: 'reachType', dimensionType: 'SINGLE', dimensionValue: 'HOUSEHOLDS' },
      { dimensionName: 'frequencyThreshold', dimensionType: 'MULTIPLE', dimensionValues: [...FREQUENCY_THRESHOLDS] },
      ...(audienceIds.length > 0
        ? [{ dimensionName: 'audienceId', dimensionType: 'MULTIPLE', interOperator: 'OR', dimensionValues: [...audienceIds] }]
        : []),
    ],
  };
}

const StatusSchema = z.looseObject({ reportId: z.string().min(1), status: z.string().min(1), message: z.string().nullish() });
export type CurveStatus = z.infer<typeof StatusSchema>;

export const DataPointSchema = z.looseObject({
  supplyPackage: z.string(),
  demographic: z.string().optional(),
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  impressions: z.number().min(0),
  totalReach: z.number().min(0),
  frequencyThresholdReach: z.array(z.looseObject({ frequencyThreshold: z.number().int().min(1), reach: z.number().min(0) })).default([]),
  geography: z.string(),
  reachType: z.string(),
});
export type DataPoint = z.infer<typeof DataPointSchema>;
const PageSchema = z.looseObject({
  totalResults: z.number().optional(),
  dataPoints: z.array(z.unknown()),
  nextToken: z.string().nullish(),
});

export class CurveFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CurveFailedError';
  }
}

export interface PollOptions {
  intervalMs: number;
  maxIntervalMs: number;
  maxWaitMs: number;
  now: () => Date;
  signal?: AbortSignal;
}

const JSON_TYPE = 'application/json';
const authOf = (profile: AdsProfile) => ({ kind: 'profile' as const, profileId: profile.profileId, adsAccountId: profile.accountId });

export async function createCurve(
  client: AdsClient,
  profile: AdsProfile,
  request: CurveRequest,
  signal?: AbortSignal,
): Promise<CurveStatus> {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: HISTORIC_REACH_PATH,
      auth: authOf(profile),
      contentType: JSON_TYPE,
      accept: JSON_TYPE,
      body: request,
      endpoint: 'historicReach.create',
      signal,
    },
    StatusSchema,
  );
}

export async function waitForCurve(client: AdsClient, profile: AdsProfile, created: CurveStatus, options: PollOptions): Promise<void> {
  const started = options.now().getTime();
  let status = created;
  let interval = options.intervalMs;
  for (;;) {
    if (status.status === 'COMPLETED') return;
    if (status.status === 'FAILED') throw new CurveFailedError(`reach curve ${status.reportId} failed: ${status.message ?? 'no message'}`);
    if (options.now().getTime() - started > options.maxWaitMs)
      throw new CurveFailedError(`reach curve ${status.reportId} was not ready after ${Math.round(options.maxWaitMs / 1000)} s`);
    await sleep(interval, undefined, { signal: options.signal });
    interval = Math.min(options.maxIntervalMs, interval * 2);
    status = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path: `${HISTORIC_REACH_PATH}/${encodeURIComponent(created.reportId)}/status`,
        auth: authOf(profile),
        accept: JSON_TYPE,
        endpoint: 'historicReach.status',
        signal: options.signal,
      },
      StatusSchema,
    );
  }
}

export type CurvePoint = { ok: true; point: DataPoint } | { ok: false; reason: string; raw: unknown; location: string };

const MAX_PAGES = 100;

export async function* readCurve(
  client: AdsClient,
  profile: AdsProfile,
  reportId: string,
  signal?: AbortSignal,
): AsyncGenerator<CurvePoint> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path: `${HISTORIC_REACH_PATH}/${encodeURIComponent(reportId)}`,
        query: { nextToken },
        auth: authOf(profile),
        accept: JSON_TYPE,
        endpoint: 'historicReach.get',
        signal,
      },
      PageSchema,
    );
    for (const [index, raw] of body.dataPoints.entries()) {
      const parsed = DataPointSchema.safeParse(raw);
      yield parsed.success
        ? { ok: true, point: parsed.data }
        : {
            ok: false,
            reason: `data point does not match the documented shape: ${z.prettifyError(parsed.error)}`,
            raw,
            location: `page ${page + 1} point ${index}`,
          };
    }
    if (!body.nextToken) return;
    nextToken = body.nextToken;
  }
  throw new Error(`reach curve ${reportId} did not end after ${MAX_PAGES} pages`);
}
