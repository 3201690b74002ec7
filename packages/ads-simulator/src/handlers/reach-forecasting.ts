/**
 * Reach Forecasting (`POST /mediaPlan/v1/reachForecasts`, shared/ads-api/specs/reach-forecasting.json) as Amazon
 * serves it: plain `application/json`, up to 100 forecasts per request, answered 207 with a `success` and an `error`
 * list keyed by the index of each request element. The account is the profile scope or the `Amazon-Ads-AccountId`
 * (the advertiser's entity id here) with the element's country. Each forecast is a reach curve over spend
 * (data/reach-forecasts.ts): more budget reaches more households, each extra unit fewer than the one before.
 */
import { createHash } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { reachCurveOf } from '../data/reach-forecasts.ts';
import { type Profile, profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

const DATE = z.iso.date();
const ElementSchema = z.looseObject({
  countryCode: z.enum(['AE', 'AU', 'BR', 'CA', 'DE', 'ES', 'FR', 'GB', 'IN', 'IT', 'JP', 'MX', 'NL', 'SA', 'SE', 'TR', 'US']),
  deliveryType: z.enum(['GUARANTEED', 'NON_GUARANTEED']),
  reachType: z.enum(['HOUSEHOLDS']),
  startDate: DATE,
  endDate: DATE,
  supplyPackage: z.array(z.string()).min(1).max(10).optional(),
  targets: z.array(z.unknown()).max(15_000).optional(),
});
const BodySchema = z.looseObject({
  commonTargets: z.array(z.unknown()).max(15_000).optional(),
  reachForecasts: z.array(z.unknown()).min(1).max(100),
});

function badRequest(message: string) {
  return HttpResponse.json({ code: 'REQUEST_VALIDATION_ERROR', message }, { status: 400 });
}

/** Amazon's marketplace code for the UK is GB. */
const countryOf = (profile: Profile) => (profile.marketplace.countryCode === 'UK' ? 'GB' : profile.marketplace.countryCode);

function forecastId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function reachForecastingHandlers(state: SimulatorState) {
  return [
    http.post('*/mediaPlan/v1/reachForecasts', async ({ request }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
        return badRequest('Content-Type must be application/json');
      const scope = request.headers.get('amazon-advertising-api-scope');
      const accountId = request.headers.get('amazon-ads-accountid');
      const scoped = scope && /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
      if (!scoped && !accountId)
        return HttpResponse.json(
          { code: 'UNAUTHORIZED_ERROR', message: 'Amazon-Ads-AccountId or Amazon-Advertising-API-Scope is required' },
          { status: 401 },
        );
      const parsed = BodySchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return badRequest(z.prettifyError(parsed.error));
      const success: unknown[] = [];
      const error: unknown[] = [];
      // The simulated planner recomputes its curves once a day (like the daily files of the other services): the same
      // request the same day gets the same forecast, whoever asks and however often.
      const now = state.clock.now();
      const created = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      for (const [index, raw] of parsed.data.reachForecasts.entries()) {
        const element = ElementSchema.safeParse(raw);
        if (!element.success) {
          error.push({ index, error: { code: 'REQUEST_VALIDATION_ERROR', message: z.prettifyError(element.error) } });
          continue;
        }
        const { countryCode, startDate, endDate } = element.data;
        const profile = scoped ?? state.world.profiles.find((p) => p.advertiser.entityId === accountId && countryOf(p) === countryCode);
        if (!profile || countryOf(profile) !== countryCode) {
          error.push({ index, error: { code: 'UNAUTHORIZED_ERROR', message: `The account cannot plan in ${countryCode}` } });
          continue;
        }
        const days = Math.round((Date.parse(endDate) - Date.parse(startDate)) / 86_400_000) + 1;
        if (days < 1 || days > 366) {
          error.push({
            index,
            error: { code: 'REQUEST_VALIDATION_ERROR', message: 'endDate must be on or after startDate, within a year' },
          });
          continue;
        }
        const curve = reachCurveOf(state.world, profile, state.audiences, state.brandMetrics, days);
        success.push({
          index,
          reachForecast: {
            reachForecastId: forecastId(
              `${profile.profileId}|${startDate}|${endDate}|${created.toISOString()}|${JSON.stringify(element.data)}`,
            ),
            status: 'SUCCESS',
            countryCode,
            currencyCode: profile.marketplace.currency,
            creationDateTime: created.toISOString(),
            avgCpm: curve.avgCpm,
            maxCpm: Math.round(curve.avgCpm * 2 * 100) / 100,
            dataPoints: curve.points,
          },
        });
      }
      return HttpResponse.json({ success, error }, { status: 207 });
    }),
  ];
}
