/**
 * Partner Opportunities as the Ads API serves them (shared/ads-api/specs/partner-opportunities.json, facts.md §1):
 * the list with paging tokens, the 307 from `/file` to a short-lived pre-signed URL, the CSV behind it, apply (202 or
 * 422 with per-id failures) and `applicationStatus`, which is a POST.
 */
import { createHmac } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { csvRowFaults, opportunityItemFaults, takeExpiredFileUrl } from '../faults.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, checkManagerAccount, checkMediaType, logRequest } from './amazon-http.ts';

const PO_MEDIA_TYPE = /^application\/vnd\.partneropportunity\.v1(\.[12])?\+json/;
const PO_CONTENT_TYPE = 'application/vnd.partneropportunity.v1+json';

const ApplyBodySchema = z.object({
  advertiserType: z.enum(['SELLER', 'VENDOR']),
  encryptedAdvertiserId: z.string().min(1),
  entityId: z.string().min(1),
  marketplace: z.enum([
    'AE',
    'AU',
    'BR',
    'CA',
    'DE',
    'EG',
    'ES',
    'FR',
    'GB',
    'IN',
    'IT',
    'JP',
    'MX',
    'NL',
    'PL',
    'SA',
    'SE',
    'SG',
    'TR',
    'UK',
    'US',
  ]),
  recommendationIds: z.array(z.string().min(1)),
});

function signature(state: SimulatorState, opportunityId: string, expires: number): string {
  return createHmac('sha256', `recdesk-simulator-${state.world.seed}`).update(`${opportunityId}:${expires}`).digest('hex');
}

function guard(state: SimulatorState, request: Request, contentType = false): Response | null {
  logRequest(state, request);
  return (
    checkBearer(state, request) ??
    checkManagerAccount(state, request) ??
    checkMediaType(request, 'accept', PO_MEDIA_TYPE) ??
    (contentType ? checkMediaType(request, 'content-type', PO_MEDIA_TYPE) : null)
  );
}

function poError(status: number, code: string, message: string) {
  return HttpResponse.json({ code, message }, { status, headers: { 'content-type': PO_CONTENT_TYPE } });
}

export function partnerOpportunityHandlers(state: SimulatorState) {
  const findOpportunity = (id: string) => state.opportunities.find((o) => o.partnerOpportunityId === id);

  return [
    http.get('*/partnerOpportunities', ({ request }) => {
      const denied = guard(state, request);
      if (denied) return denied;
      const url = new URL(request.url);
      const maxResults = Number(url.searchParams.get('maxResults') ?? '20');
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
        return poError(400, 'BAD_REQUEST', 'maxResults must be an integer from 1 to 100');
      }
      const objectiveTypes = url.searchParams.get('objectiveType')?.split(',');
      const matching = state.opportunities.filter((o) => !objectiveTypes || objectiveTypes.includes(o.objectiveType));
      const token = url.searchParams.get('nextToken');
      const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace('offset:', '')) : 0;
      if (!Number.isInteger(offset) || offset < 0) return poError(400, 'BAD_REQUEST', 'nextToken is invalid');
      const tokenFor = (n: number) => Buffer.from(`offset:${n}`).toString('base64url');
      const page = matching.slice(offset, offset + maxResults);
      const lastOffset = Math.max(0, Math.floor((matching.length - 1) / maxResults) * maxResults);
      return HttpResponse.json(
        {
          opportunities: opportunityItemFaults(
            state,
            page.map((o) => ({
              partnerOpportunityId: o.partnerOpportunityId,
              title: o.title,
              description: o.description,
              callToAction: o.callToAction,
              audience: o.audience,
              objectiveType: o.objectiveType,
              product: o.product,
              createdDate: o.createdDate,
              updatedDate: o.updatedDate,
              dataUrl: `/partnerOpportunities/${o.partnerOpportunityId}/file`,
              dataMetadata: { rowCount: o.rows.length, updatedDate: o.updatedDate },
            })),
          ),
          totalResults: matching.length,
          ...(offset + maxResults < matching.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
          ...(offset > 0 ? { prevToken: tokenFor(Math.max(0, offset - maxResults)) } : {}),
          firstToken: tokenFor(0),
          lastToken: tokenFor(lastOffset),
        },
        { headers: { 'content-type': PO_CONTENT_TYPE } },
      );
    }),

    http.get('*/partnerOpportunities/:id/file', ({ request, params }) => {
      const denied = guard(state, request);
      if (denied) return denied;
      const opportunity = findOpportunity(String(params.id));
      if (!opportunity) return poError(404, 'NOT_FOUND', `Opportunity ${String(params.id)} not found`);
      if (opportunity.rows.length === 0) return poError(404, 'NOT_FOUND', 'No data file is available for this opportunity');
      // A fault may hand out a URL that has already expired, as one fetched too late would be.
      const expires = state.clock.now().getTime() + (takeExpiredFileUrl(state) ? -1_000 : state.fileUrlLifetimeMs);
      const url = new URL(request.url);
      const location = `${url.origin}/_files/partner-opportunities/${opportunity.partnerOpportunityId}.csv?X-Amz-Expires=${expires}&X-Amz-Signature=${signature(state, opportunity.partnerOpportunityId, expires)}`;
      return new HttpResponse(null, { status: 307, headers: { location } });
    }),

    // The pre-signed "S3" URL. Like S3, it refuses a second auth mechanism: a client must not send Amazon headers here.
    http.get('*/_files/partner-opportunities/:file', ({ request, params }) => {
      logRequest(state, request);
      const s3Error = (status: number, code: string, message: string) =>
        new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
          status,
          headers: { 'content-type': 'application/xml' },
        });
      if (request.headers.get('authorization')) {
        return s3Error(
          400,
          'InvalidArgument',
          'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        );
      }
      const url = new URL(request.url);
      const id = String(params.file).replace(/\.csv$/, '');
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      if (url.searchParams.get('X-Amz-Signature') !== signature(state, id, expires)) {
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
      }
      if (expires <= state.clock.now().getTime()) return s3Error(403, 'AccessDenied', 'Request has expired');
      const opportunity = findOpportunity(id);
      if (!opportunity) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      const csv = stringify(csvRowFaults(state, opportunity.columns, opportunity.rows), { header: true, columns: opportunity.columns });
      return new HttpResponse(csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    }),

    http.post('*/partnerOpportunities/:id/apply', async ({ request, params }) => {
      const denied = guard(state, request, true);
      if (denied) return denied;
      const opportunity = findOpportunity(String(params.id));
      if (!opportunity) return poError(404, 'NOT_FOUND', `Opportunity ${String(params.id)} not found`);
      const parsed = ApplyBodySchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success || parsed.data.recommendationIds.length < 1 || parsed.data.recommendationIds.length > 100) {
        return HttpResponse.json(
          {
            code: 'PO_APPLY_BAD_REQUEST',
            message: parsed.success ? 'recommendationIds must hold 1 to 100 ids' : z.prettifyError(parsed.error),
            successes: [],
            failures: [],
          },
          { status: 400, headers: { 'content-type': PO_CONTENT_TYPE } },
        );
      }
      const body = parsed.data;
      const successes: { recommendationId: string }[] = [];
      const failures: { recommendationId: string; code: string; message: string }[] = [];
      for (const recommendationId of body.recommendationIds) {
        const row = opportunity.rows.find((r) => r.recommendationId === recommendationId);
        if (!row || row.encryptedAdvertiserId !== body.encryptedAdvertiserId || row.marketplace !== body.marketplace) {
          failures.push({
            recommendationId,
            code: 'PO_APPLY_UNPROCESSABLE_ERROR',
            message: 'Recommendation not found for this advertiser and marketplace',
          });
        } else if (state.applications.has(recommendationId)) {
          failures.push({ recommendationId, code: 'PO_APPLY_ALREADY_APPLIED', message: 'Recommendation was already applied' });
          state.refusedRepeats.push({
            at: state.clock.now().toISOString(),
            api: 'partnerOpportunities.apply',
            key: recommendationId,
            body: { ...body, recommendationIds: [recommendationId] },
          });
        } else {
          state.applications.set(recommendationId, {
            partnerOpportunityId: opportunity.partnerOpportunityId,
            recommendationId,
            appliedAt: state.clock.now().getTime(),
          });
          state.ledger.push({
            at: state.clock.now().toISOString(),
            api: 'partnerOpportunities.apply',
            key: recommendationId,
            body: { ...body, recommendationIds: [recommendationId] },
          });
          successes.push({ recommendationId });
        }
      }
      if (failures.length === 0) return new HttpResponse(null, { status: 202 });
      return HttpResponse.json(
        {
          code: 'PO_APPLY_UNPROCESSABLE_ERROR',
          message: `${failures.length} of ${body.recommendationIds.length} recommendations failed`,
          successes,
          failures,
        },
        { status: 422, headers: { 'content-type': PO_CONTENT_TYPE } },
      );
    }),

    http.post('*/partnerOpportunities/:id/applicationStatus', async ({ request, params }) => {
      const denied = guard(state, request, true);
      if (denied) return denied;
      const parsed = ApplyBodySchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success || parsed.data.recommendationIds.length < 1 || parsed.data.recommendationIds.length > 500) {
        return poError(400, 'PO_APPLICATION_STATUS_BAD_REQUEST', 'The body must name 1 to 500 recommendationIds and the advertiser');
      }
      const now = state.clock.now().getTime();
      const opportunity = findOpportunity(String(params.id));
      return HttpResponse.json(
        {
          statuses: parsed.data.recommendationIds.map((recommendationId) => {
            const application = state.applications.get(recommendationId);
            const row = opportunity?.rows.find((r) => r.recommendationId === recommendationId);
            // An apply is processed asynchronously: it shows IN_PROGRESS for a few seconds first.
            const status = !application ? 'PUBLISHED' : now - application.appliedAt < 2_000 ? 'IN_PROGRESS' : 'SUCCESS';
            return { campaignId: row?.encryptedCampaignId ?? '', recommendationId, status };
          }),
        },
        { headers: { 'content-type': PO_CONTENT_TYPE } },
      );
    }),
  ];
}
