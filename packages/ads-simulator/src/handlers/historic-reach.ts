/**
 * Historic Reach (media planning, docs `guides/media-planning/historic-reach/get-started`) as documented: create a
 * curve with `POST /mediaPlan/v2/historicalReachCurves` (ClientId, Scope, `Amazon-Ads-AccountId`, `application/json`
 * both ways; a body of `startDate`, `endDate` and targeting dimensions), poll `GET …/{reportId}/status` (PENDING,
 * PROCESSING, COMPLETED or FAILED), read `GET …/{reportId}` (`totalResults`, `dataPoints`, `nextToken`).
 *
 * The world: the curve has one data point per week of the range, cumulative. Its audience is the union of the
 * audiences named (their daily reach), or the geography's households; impressions grow linearly with the weeks and
 * reach saturates (1 - e^-frequency), so each week adds fewer new households than the one before; the reach at a
 * frequency threshold f is the Poisson share exposed at least f times. A range longer than about 3 months fails, as
 * the docs warn; in the simulator the DSP advertiser id (`Amazon-Ads-AccountId`) is the advertiser's entity id.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { amazonError, checkBearer, logRequest } from './amazon-http.ts';

export const HISTORIC_REACH_GEOGRAPHIES = ['US', 'CA', 'MX', 'BR', 'GB', 'DE', 'AT', 'FR', 'IT', 'ES', 'AU', 'JP'] as const;
export const SUPPLY_PACKAGES = ['STV', 'PRIME_VIDEO', 'FIRE_TV_FIRE_TABLET_ALEXA_DISPLAY'] as const;
const EARLIEST_START = '2024-09-25';
const DAY_MS = 86_400_000;
const PAGE_SIZE = 5;
/** Households a supply package reaches per geography when no audience narrows it (order of magnitude). */
const HOUSEHOLDS: Record<string, number> = { US: 90_000_000, GB: 20_000_000, DE: 25_000_000 };

const mediaTypeOf = (value: string | null) => (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const Single = z.object({
  dimensionName: z.string(),
  dimensionType: z.literal('SINGLE'),
  dimensionValue: z.string().min(1),
  isNot: z.boolean().optional(),
});
const Multiple = z.object({
  dimensionName: z.string(),
  dimensionType: z.literal('MULTIPLE'),
  dimensionValues: z.array(z.string().min(1)).min(1),
  interOperator: z.enum(['AND', 'OR']).optional(),
  isNot: z.boolean().optional(),
});
const Leaf = z.discriminatedUnion('dimensionType', [Single, Multiple]);
const Group = z.object({
  dimensionName: z.string(),
  dimensionType: z.literal('GROUP'),
  // The maximum depth of dimensionGroups is 2: a group holds leaves only.
  dimensionGroups: z.array(Leaf).min(1),
  intraOperator: z.enum(['AND', 'OR']).optional(),
});
const Dimension = z.discriminatedUnion('dimensionType', [Single, Multiple, Group]);
const CreateSchema = z.object({ startDate: z.iso.date(), endDate: z.iso.date(), targeting: z.array(Dimension).min(1) });
type DimensionT = z.infer<typeof Dimension>;

interface Curve {
  reportId: string;
  profileId: number;
  pollsLeft: number;
  failed: string | null;
  dataPoints: Record<string, unknown>[];
}
const curvesOf = new WeakMap<SimulatorState, Map<string, Curve>>();
function curves(state: SimulatorState): Map<string, Curve> {
  const known = curvesOf.get(state);
  if (known) return known;
  const map = new Map<string, Curve>();
  curvesOf.set(state, map);
  return map;
}

function valuesOf(dimension: DimensionT | undefined): string[] {
  if (!dimension) return [];
  if (dimension.dimensionType === 'SINGLE') return dimension.isNot ? [] : [dimension.dimensionValue];
  if (dimension.dimensionType === 'MULTIPLE') return dimension.isNot ? [] : dimension.dimensionValues;
  return dimension.dimensionGroups.flatMap((d) => valuesOf(d));
}

function poisson(lambda: number, atLeast: number): number {
  let below = 0;
  let term = Math.exp(-lambda);
  for (let k = 0; k < atLeast; k++) {
    below += term;
    term *= lambda / (k + 1);
  }
  return Math.max(0, 1 - below);
}

function curvePoints(state: SimulatorState, input: z.infer<typeof CreateSchema>): Record<string, unknown>[] | string {
  const dims = new Map(input.targeting.map((d) => [d.dimensionName, d]));
  const single = (name: string) => {
    const d = dims.get(name);
    return d?.dimensionType === 'SINGLE' ? d.dimensionValue : undefined;
  };
  const geography = single('geography');
  const supplyPackage = single('supplyPackage');
  const reachType = single('reachType');
  const demographic = single('demographic') ?? 'P2_PLUS';
  const thresholds = valuesOf(dims.get('frequencyThreshold')).map(Number);
  const audiences = valuesOf(dims.get('audienceId'));
  const days = (Date.parse(input.endDate) - Date.parse(input.startDate)) / DAY_MS + 1;
  if (days > 92) return 'The reach curve generation failed: date ranges longer than 3 months are not supported.';
  const known = audiences.map((id) => state.audiences.find((a) => a.audienceId === id));
  if (known.some((a) => !a)) return 'The reach curve generation failed: insufficient sample size for the audiences given.';
  // The audience: the union of the audiences' daily reach over the weeks, or the geography's households.
  const base =
    known.length > 0
      ? known.reduce((sum, a) => sum + (a?.dailyReach.upperBound ?? 0), 0) * 7
      : (HOUSEHOLDS[geography ?? ''] ?? 10_000_000) * 0.3;
  const cap = reachType === 'INDIVIDUALS' ? base * 1.6 : base;
  // A quarter of the audience's size a week: about 95% reached after 12 weeks, each at about 3 impressions.
  const weeklyImpressions = cap * 0.25;
  const points: Record<string, unknown>[] = [];
  for (let week = 1; week * 7 <= days + 6; week++) {
    const endMs = Math.min(Date.parse(input.startDate) + (week * 7 - 1) * DAY_MS, Date.parse(input.endDate));
    const impressions = Math.round(weeklyImpressions * Math.min(week, days / 7));
    const lambda = impressions / cap;
    points.push({
      supplyPackage,
      demographic,
      startDate: input.startDate,
      endDate: new Date(endMs).toISOString().slice(0, 10),
      impressions,
      totalReach: Math.round(cap * poisson(lambda, 1)),
      frequencyThresholdReach: (thresholds.length > 0 ? thresholds : [1]).map((f) => ({
        frequencyThreshold: f,
        reach: Math.round(cap * poisson(lambda, f)),
      })),
      geography,
      reachType,
    });
    if (endMs >= Date.parse(input.endDate)) break;
  }
  return points;
}

function validate(state: SimulatorState, input: z.infer<typeof CreateSchema>): string | null {
  const today = state.clock.now().toISOString().slice(0, 10);
  if (input.startDate < EARLIEST_START) return `startDate must be ${EARLIEST_START} or later`;
  if (input.endDate <= input.startDate) return 'endDate must be after startDate';
  if (Date.parse(input.endDate) > Date.parse(today) - 7 * DAY_MS) return 'endDate must be at least 7 days before the current date';
  const byName = new Map(input.targeting.map((d) => [d.dimensionName, d]));
  for (const name of ['supplyPackage', 'reachType', 'geography'])
    if (byName.get(name)?.dimensionType !== 'SINGLE') return `${name} is required, as a SINGLE dimension`;
  const value = (name: string) => (byName.get(name) as { dimensionValue: string }).dimensionValue;
  if (!(SUPPLY_PACKAGES as readonly string[]).includes(value('supplyPackage')))
    return `Unsupported supplyPackage '${value('supplyPackage')}'`;
  if (!['INDIVIDUALS', 'HOUSEHOLDS'].includes(value('reachType'))) return `Unsupported reachType '${value('reachType')}'`;
  if (!(HISTORIC_REACH_GEOGRAPHIES as readonly string[]).includes(value('geography')))
    return `Unsupported geography '${value('geography')}'`;
  for (const f of valuesOf(byName.get('frequencyThreshold')))
    if (!/^[1-6]$/.test(f)) return `frequencyThreshold must be between 1 and 6, not '${f}'`;
  return null;
}

export function historicReachHandlers(state: SimulatorState) {
  const guard = (request: Request) => {
    logRequest(state, request);
    const denied = checkBearer(state, request);
    if (denied) return { denied };
    const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
    const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
    if (!profile) return { denied: amazonError(403, 'FORBIDDEN', 'Amazon-Advertising-API-Scope names no profile you can access') };
    if (request.headers.get('amazon-ads-accountid') !== profile.advertiser.entityId)
      return { denied: amazonError(403, 'FORBIDDEN', 'Amazon-Ads-AccountId is missing or not an advertiser of this profile') };
    if (mediaTypeOf(request.headers.get('accept')) !== 'application/json')
      return { denied: amazonError(406, 'UNSUPPORTED_MEDIA_TYPE', 'We only support the type "application/json"') };
    return { profile };
  };
  return [
    http.post('*/mediaPlan/v2/historicalReachCurves', async ({ request }) => {
      const { denied, profile } = guard(request);
      if (denied) return denied;
      if (mediaTypeOf(request.headers.get('content-type')) !== 'application/json')
        return amazonError(415, 'UNSUPPORTED_MEDIA_TYPE', 'We only support the type "application/json"');
      const parsed = CreateSchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return amazonError(400, 'BAD_REQUEST', z.prettifyError(parsed.error));
      const invalid = validate(state, parsed.data);
      if (invalid) return amazonError(400, 'BAD_REQUEST', invalid);
      const reportId = `hr${(curves(state).size + 1).toString(16).padStart(30, '0')}`;
      const points = curvePoints(state, parsed.data);
      curves(state).set(reportId, {
        reportId,
        profileId: profile.profileId,
        pollsLeft: 2,
        failed: typeof points === 'string' ? points : null,
        dataPoints: typeof points === 'string' ? [] : points,
      });
      return HttpResponse.json({ status: 'PROCESSING', reportId, message: 'The curve is being generated.' });
    }),

    http.get('*/mediaPlan/v2/historicalReachCurves/:reportId/status', ({ request, params }) => {
      const { denied, profile } = guard(request);
      if (denied) return denied;
      const curve = curves(state).get(String(params.reportId));
      if (!curve || curve.profileId !== profile.profileId)
        return amazonError(404, 'NOT_FOUND', `No reach curve ${String(params.reportId)}`);
      const base = { reportId: curve.reportId };
      if (curve.pollsLeft > 0) {
        curve.pollsLeft--;
        return HttpResponse.json(
          curve.pollsLeft > 0
            ? { ...base, status: 'PENDING', message: 'The reach curve generation is pending.' }
            : { ...base, status: 'PROCESSING', message: 'The reach curve is being generated.' },
        );
      }
      if (curve.failed) return HttpResponse.json({ ...base, status: 'FAILED', message: curve.failed });
      return HttpResponse.json({ ...base, status: 'COMPLETED', message: 'The reach curve has been generated.' });
    }),

    http.get('*/mediaPlan/v2/historicalReachCurves/:reportId', ({ request, params }) => {
      const { denied, profile } = guard(request);
      if (denied) return denied;
      const curve = curves(state).get(String(params.reportId));
      if (!curve || curve.profileId !== profile.profileId)
        return amazonError(404, 'NOT_FOUND', `No reach curve ${String(params.reportId)}`);
      if (curve.pollsLeft > 0 || curve.failed)
        return amazonError(400, 'BAD_REQUEST', `The reach curve ${curve.reportId} is ${curve.failed ? 'FAILED' : 'not COMPLETED yet'}`);
      const token = new URL(request.url).searchParams.get('nextToken');
      const offset = token
        ? Number(
            Buffer.from(token, 'base64url')
              .toString('utf8')
              .replace(/^offset:/, ''),
          )
        : 0;
      if (!Number.isInteger(offset) || offset < 0) return amazonError(400, 'BAD_REQUEST', 'nextToken is invalid');
      const page = curve.dataPoints.slice(offset, offset + PAGE_SIZE);
      const next =
        offset + PAGE_SIZE < curve.dataPoints.length ? Buffer.from(`offset:${offset + PAGE_SIZE}`).toString('base64url') : undefined;
      return HttpResponse.json({ totalResults: curve.dataPoints.length, dataPoints: page, ...(next ? { nextToken: next } : {}) });
    }),
  ];
}
