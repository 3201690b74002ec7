/**
 * Reach Forecasting as the client calls it (shared/ads-api/specs/reach-forecasting.json): `POST
 * /mediaPlan/v1/reachForecasts` in plain application/json with the profile scope, one forecast element per request
 * here (the next 30 days in the profile's country, Sponsored Display supply), answered 207 with `success` and
 * `error` lists keyed by element index. Each success is checked on its own against the published shape.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const FORECAST_DAYS = 30;

const DataPointSchema = z.looseObject({
  spend: z.number().min(0),
  reach: z.number().int().min(0),
  impressions: z.number().int().min(0),
});
export const ReachForecastSchema = z.looseObject({
  reachForecastId: z.string().min(1),
  status: z.string(),
  countryCode: z.string(),
  currencyCode: z.string().length(3),
  creationDateTime: z.iso.datetime({ offset: true }),
  avgCpm: z.number().min(0).optional(),
  dataPoints: z.array(DataPointSchema).min(1),
});
export type ReachForecast = z.infer<typeof ReachForecastSchema>;

const ResponseSchema = z.looseObject({
  success: z.array(z.looseObject({ index: z.number().int(), reachForecast: z.unknown() })),
  error: z.array(
    z.looseObject({ index: z.number().int(), error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }) }),
  ),
});

export interface ForecastRequest {
  countryCode: string;
  deliveryType: 'NON_GUARANTEED';
  reachType: 'HOUSEHOLDS';
  startDate: string;
  endDate: string;
  supplyPackage: string[];
  /** Audiences to forecast for (spec `AudienceTargetV1`); absent: the whole supply. A plan's forecast names them. */
  targets?: { targetType: 'AUDIENCE'; audienceId: string; groupId?: string }[];
}

/** Amazon's planning APIs name the United Kingdom GB, where profiles say UK. */
export function planningCountryOf(profile: AdsProfile): string {
  return profile.countryCode.toUpperCase() === 'UK' ? 'GB' : profile.countryCode.toUpperCase();
}

/** The next FORECAST_DAYS days from tomorrow (UTC). */
export function forecastRequestOf(profile: AdsProfile, now: Date): ForecastRequest {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const end = new Date(start.getTime() + (FORECAST_DAYS - 1) * 86_400_000);
  return {
    countryCode: planningCountryOf(profile),
    deliveryType: 'NON_GUARANTEED',
    reachType: 'HOUSEHOLDS',
    startDate: start.toISOString().slice(0, 10),
    endDate: end.toISOString().slice(0, 10),
    supplyPackage: ['SPONSORED_DISPLAY'],
  };
}

export type ForecastResult =
  | { ok: true; forecast: ReachForecast; request: ForecastRequest }
  | { ok: false; reason: string; raw: unknown; request: ForecastRequest };

export async function createReachForecast(
  client: AdsClient,
  profile: AdsProfile,
  request: ForecastRequest,
  signal?: AbortSignal,
): Promise<ForecastResult> {
  const body = await client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/mediaPlan/v1/reachForecasts',
      auth: { kind: 'profile', profileId: profile.profileId },
      contentType: 'application/json',
      accept: 'application/json',
      body: { reachForecasts: [request] },
      endpoint: 'reachForecasting.create',
      // A forecast changes nothing upstream: asking again after a lost answer is safe.
      idempotent: true,
      signal,
    },
    ResponseSchema,
  );
  const refused = body.error.find((e) => e.index === 0);
  if (refused)
    return {
      ok: false,
      reason: `forecast refused: ${refused.error.code ?? 'error'} ${refused.error.message ?? ''}`.trim(),
      raw: refused,
      request,
    };
  const success = body.success.find((s) => s.index === 0);
  const parsed = ReachForecastSchema.safeParse(success?.reachForecast);
  return parsed.success
    ? { ok: true, forecast: parsed.data, request }
    : {
        ok: false,
        reason: `reach forecast does not match the published schema: ${z.prettifyError(parsed.error)}`,
        raw: success ?? body,
        request,
      };
}
