/**
 * The Partner Opportunities endpoints as the client calls them, with response schemas written against the published
 * spec (shared/ads-api/specs/partner-opportunities.json). Enums are read as plain strings: Amazon adds objective
 * types and products without a version bump, and an unknown one must be kept and shown, not rejected.
 */
import { z } from 'zod';
import { AdsApiError, type AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsRegion } from '../../config/env.ts';

/** `*\/*` is refused by the PO API; v1, v1.1 and v1.2 carry the same payloads (facts.md §1.1). */
export const PO_MEDIA_TYPE = 'application/vnd.partneropportunity.v1+json';

export const OpportunitySchema = z.looseObject({
  partnerOpportunityId: z.string().min(1),
  title: z.string(),
  description: z.string(),
  callToAction: z.string().optional(),
  audience: z.string(),
  objectiveType: z.string(),
  product: z.string(),
  createdDate: z.string(),
  updatedDate: z.string(),
  dataUrl: z.string().optional(),
  dataMetadata: z.looseObject({ rowCount: z.number().int().nonnegative(), updatedDate: z.string().optional() }),
});
export type Opportunity = z.infer<typeof OpportunitySchema>;

const OpportunityPageSchema = z.looseObject({
  opportunities: z.array(z.unknown()),
  totalResults: z.number().optional(),
  nextToken: z.string().nullish(),
});

export type OpportunityListItem = { ok: true; opportunity: Opportunity } | { ok: false; reason: string; raw: unknown; location: string };

/** Every opportunity across pages; an item that does not match the schema is yielded as a failure, the rest go on. */
export async function* listOpportunities(client: AdsClient, region: AdsRegion, signal?: AbortSignal): AsyncGenerator<OpportunityListItem> {
  let nextToken: string | undefined;
  let page = 0;
  do {
    const body = await client.requestJson(
      {
        region,
        method: 'GET',
        path: '/partnerOpportunities',
        query: { maxResults: 100, nextToken },
        auth: { kind: 'manager-account' },
        accept: PO_MEDIA_TYPE,
        endpoint: 'partnerOpportunities.list',
        signal,
      },
      OpportunityPageSchema,
    );
    for (const [index, raw] of body.opportunities.entries()) {
      const parsed = OpportunitySchema.safeParse(raw);
      yield parsed.success
        ? { ok: true, opportunity: parsed.data }
        : {
            ok: false,
            reason: `opportunity does not match the published schema: ${z.prettifyError(parsed.error)}`,
            raw,
            location: `page ${page} item ${index}`,
          };
    }
    nextToken = body.nextToken ?? undefined;
    page++;
  } while (nextToken);
}

/**
 * The opportunity's data file: `/file` answers 307 with a pre-signed URL that lives 15 minutes, which is fetched as
 * given and without Amazon headers. Returns null when the opportunity has no file (404).
 */
export async function downloadOpportunityFile(
  client: AdsClient,
  region: AdsRegion,
  opportunityId: string,
  signal?: AbortSignal,
): Promise<Response | null> {
  try {
    return await followFileRedirect(client, region, opportunityId, signal);
  } catch (error) {
    // A pre-signed URL that expired before we fetched it (S3: 403 AccessDenied "Request has expired") is asked for
    // afresh once; a second refusal is a real error.
    if (error instanceof AdsApiError && error.status === 403 && /expired/i.test(error.details)) {
      return followFileRedirect(client, region, opportunityId, signal);
    }
    throw error;
  }
}

async function followFileRedirect(
  client: AdsClient,
  region: AdsRegion,
  opportunityId: string,
  signal?: AbortSignal,
): Promise<Response | null> {
  const redirect = await client.request({
    region,
    method: 'GET',
    path: `/partnerOpportunities/${encodeURIComponent(opportunityId)}/file`,
    query: { fileFormat: 'CSV' },
    auth: { kind: 'manager-account' },
    accept: PO_MEDIA_TYPE,
    endpoint: 'partnerOpportunities.file',
    acceptStatuses: [301, 302, 303, 307, 308, 404],
    signal,
  });
  if (redirect.status === 404) return null;
  const location = redirect.headers.get('location');
  if (!location) throw new Error(`partnerOpportunities.file answered ${redirect.status} without a Location header`);
  return client.download(location, 'partnerOpportunities.fileDownload', signal);
}
